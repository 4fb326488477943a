"""The build cache's records of the last build, in SQLite (SITE/.site-builder-cache/state.sqlite),
read whole once and written in the rows that changed: an edit rewrites a few dozen rows, not the
record of every output, file and related list.

- outputs: output path → fingerprint, digest, size (the OutputRecord of each file written);
- files: article file → its stat key and digest as that build saw them;
- meta: the related briefings the search stage gave (slug → slugs, one JSON value), out dir, site fingerprint, page count, related fingerprint, when the files were looked
  at, the plan store's token, and `valid`, cleared before outputs change (BuildCache.before_commit).
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from site_builder.build.writer import is_safe_path

_PLAIN_PATH = re.compile(r"[\w-][\w.-]*(?:/[\w-][\w.-]*)*\Z")  # no "." or ".." segment: safe at a glance
FORMAT = "2"  # 2: file stats as integer columns, related briefings as one value
NAME = "state.sqlite"


class OutputRecord(NamedTuple):
    """What the last build wrote at one output path (a tuple: 100,000 of them are read per build)."""
    fp: str      # fingerprint of what it was made from ("" for files that are not pages)
    digest: str  # of its bytes (writer.digest)
    size: int


@dataclass
class BuildState:
    """What one build recorded for the next."""
    pages: dict[str, OutputRecord] = field(default_factory=dict)
    out_dir: str = ""
    related: dict = field(default_factory=dict)   # {"fp": search fp, "slugs": {slug: [slugs]}}
    site_fp: str = ""
    page_count: int = 0
    files: dict = field(default_factory=dict)     # {"at": ns, "stat": {file: key}, "digests": {file: digest}}
    plans_token: str = ""
    on_disk: bool = False  # these rows are what the file holds (so a write need only change the rest)


def remove_database(path: Path, main_file: bool = True) -> None:
    """Delete an SQLite file with its write-ahead log and shared-memory index (only those when
    `main_file` is false: before another file is moved into its place)."""
    for suffix in ("", "-wal", "-shm") if main_file else ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, fp TEXT, digest TEXT, size INTEGER);"
        "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ctime INTEGER,"
        " ino INTEGER, link INTEGER, digest TEXT);")
    return db


def load_state(root: Path, warnings: list[str]) -> BuildState:
    """The last build's records; empty when there are none, they are not valid (a build changed
    outputs and did not get to write them) or they are damaged (with a warning)."""
    path = root / NAME
    if not path.exists():
        return BuildState()
    try:
        db = _connect(path)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("format") != FORMAT or meta.get("valid") != "1":
                return BuildState()
            pages = _valid_outputs(db.execute("SELECT path, fp, digest, size FROM outputs"), path, warnings)
            files: dict = {"stat": {}, "digests": {}}
            stat, digests = files["stat"], files["digests"]
            for name, size, mtime, ctime, ino, link, digest in db.execute("SELECT * FROM files"):
                stat[name] = [size, mtime, ctime, ino, bool(link)]  # content.loader.stat_key's form
                if digest:
                    digests[name] = digest
            if meta.get("files_at"):
                files["at"] = int(meta["files_at"])
            related = {"fp": meta.get("related_fp", ""), "slugs": json.loads(meta.get("related_slugs") or "{}")}
            return BuildState(pages, meta.get("out_dir", ""), related if related["fp"] else {},
                              meta.get("site_fp", ""), int(meta.get("page_count", "0")),
                              files if "at" in files else {}, meta.get("plans", ""), on_disk=True)
        finally:
            db.close()
    except (sqlite3.Error, ValueError, TypeError) as exc:
        warnings.append(f"{path}: ignored: {exc}")
        return BuildState()


def _valid_outputs(rows, path: Path, warnings: list[str]) -> dict[str, OutputRecord]:
    """Output records, if every one names a file inside the output and has the right shape;
    otherwise none (a full build follows)."""
    valid = {}
    for name, fp, digest, size in rows:
        if not ((_PLAIN_PATH.match(name) or is_safe_path(name)) and isinstance(fp, str) and isinstance(digest, str) and isinstance(size, int)):
            warnings.append(f"{path}: ignored: it names {name!r}, which is not a file of the output")
            return {}
        valid[name] = OutputRecord(fp, digest, size)
    return valid


def invalidate(root: Path) -> None:
    """Mark the records as not describing the output (before it changes)."""
    path = root / NAME
    if not path.exists():
        return
    try:
        db = _connect(path)
        try:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('valid', '0')")
        finally:
            db.close()
    except sqlite3.Error:
        remove_database(path)


def write_state(root: Path, new: BuildState, old: BuildState) -> None:
    """Write `new`, given that `old` is what the file holds: only the rows that differ."""
    root.mkdir(parents=True, exist_ok=True)
    if not old.on_disk:  # rows of unknown standing, perhaps of another format's tables: start again
        remove_database(root / NAME)
        old = BuildState()
    try:
        db = _connect(root / NAME)
    except sqlite3.DatabaseError:  # not a database: start again
        remove_database(root / NAME)
        db, old = _connect(root / NAME), BuildState()
    try:
        db.execute("BEGIN")
        _write_rows(db, new, old)
        meta = {"format": FORMAT, "out_dir": new.out_dir, "site_fp": new.site_fp, "page_count": str(new.page_count),
                "related_fp": new.related.get("fp", ""), "files_at": str(new.files.get("at", "")),
                "plans": new.plans_token, "valid": "1", "related_slugs": json.dumps(new.related.get("slugs", {}), ensure_ascii=False, separators=(",", ":"), sort_keys=True)}
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", meta.items())
        db.execute("COMMIT")
        new.on_disk = True
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def _write_rows(db: sqlite3.Connection, new: BuildState, old: BuildState) -> None:
    pages, before = new.pages, old.pages
    db.executemany("INSERT OR REPLACE INTO outputs VALUES (?,?,?,?)",
                   ((p, r.fp, r.digest, r.size) for p, r in pages.items() if before.get(p) != r))
    db.executemany("DELETE FROM outputs WHERE path=?", ((p,) for p in before.keys() - pages.keys()))
    stat, digests = new.files.get("stat", {}), new.files.get("digests", {})
    old_stat, old_digests = old.files.get("stat", {}), old.files.get("digests", {})
    db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)",
                   ((n, *k[:4], int(bool(k[4])), digests.get(n, "")) for n, k in stat.items()
                    if old_stat.get(n) != k or old_digests.get(n) != digests.get(n)))
    db.executemany("DELETE FROM files WHERE name=?", ((n,) for n in old_stat.keys() - stat.keys()))

