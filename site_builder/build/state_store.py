"""The build cache's records of the last build, in SQLite (SITE/.site-builder-cache/state.sqlite),
read whole once and written in the rows that changed: an edit rewrites a few dozen rows, not the
record of every output, file and related list.

- outputs: output path → fingerprint, digest, size (the OutputRecord of each file written);
- files: each article file's stat key and digest as that build saw them, in chunks (file_records.py);
- related: slug → the related briefings the search stage gave (JSON list);
- meta: out dir, site fingerprint, page count, related fingerprint, when the files were looked
  at, the plan store's token, the rows' counts, and `valid`, cleared before outputs change
  (BuildCache.before_commit).

The outputs and related lists are read by key (StoredRows): an edit asks for a few dozen of them;
a full build reads them whole. An edit's records come back as an Overlay over them, and only
its changes are written.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from site_builder.build import file_records
from site_builder.overlay import Overlay
from site_builder.build.writer import is_safe_path

# What makes a name unsafe (writer.is_safe_path), seen in names joined by newlines: an empty,
# absolute or "."/".." segment, a doubled or trailing slash, a backslash, a colon, a NUL.
_UNSAFE_IN_JOINED = ("\n\n", "\n/", "//", "/\n", "\n./", "/./", "/.\n", "\n.\n", "\n../", "/../", "/..\n", "\n..\n",
                     "\\", ":", "\0")
FORMAT = "4"  # 3: related briefings in rows, outputs and related lists read by key; 4: files in chunks
NAME = "state.sqlite"


class OutputRecord(NamedTuple):
    """What the last build wrote at one output path (a tuple: 100,000 of them are read per build)."""
    fp: str      # fingerprint of what it was made from ("" for files that are not pages)
    digest: str  # of its bytes (writer.digest)
    size: int


@dataclass
class OutDirs:
    """The output's folders as a build with nothing to do found them: a file added, removed or
    renamed anywhere in the output moves its folder's mtime, so while every folder has the mtime
    recorded here (and none was changed just before it was recorded) the output's files are the
    ones the records name, without a stat of each."""
    root: tuple[int, int]     # the output folder's (device, inode): another tree in its place is not it
    stamp: int                # time.time_ns() before the folders were looked at
    dirs: dict[str, int]      # folder (relative, "" for the output itself) → mtime_ns


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
    published: int = 0    # articles with a page
    out_dirs: OutDirs | None = field(default=None, compare=False)  # recorded by a later build
    on_disk: bool = field(default=False, compare=False)  # these rows are what the file holds

    def same_as(self, other: BuildState) -> bool:
        """Equal records, comparing an edit's overlays by their changes, not row by row."""
        def same(a: Mapping, b: Mapping) -> bool:
            if a is b:
                return True
            if isinstance(a, Overlay) and a.base is b:
                return a.same_as_base()
            return not isinstance(a, Overlay) and not isinstance(b, Overlay) and a == b
        return (same(self.pages, other.pages) and same(self.related.get("slugs", {}), other.related.get("slugs", {}))
                and self.related.get("fp") == other.related.get("fp")
                and (self.files is other.files or not isinstance(other.files, file_records.StoredFiles)
                     and self.files == other.files)  # the stored ones are not read whole to be compared
                and (self.out_dir, self.site_fp, self.page_count, self.plans_token, self.published)
                == (other.out_dir, other.site_fp, other.page_count, other.plans_token, other.published))


@dataclass(frozen=True)
class StateSummary:
    """What a build with nothing to do needs of the records: a few values of the meta table,
    not the rows of every output and article file."""
    out_dir: str
    site_fp: str
    related_fp: str
    page_count: int
    published: int
    outputs: int
    files_sig: str    # stat_signature of the article files as the build saw them
    files_at: int     # when it looked
    out_dirs: OutDirs | None


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
        "CREATE TABLE IF NOT EXISTS related (slug TEXT PRIMARY KEY, slugs TEXT);" + file_records.TABLE)
    return db


class MadeRecords(dict):
    """A full build's output records, in memory as it made them (a dev server builds on them,
    edit after edit): how many lie under a folder is counted once, as StoredRows asks SQL. No
    build changes them once made (an edit's records are an Overlay over them)."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._under: dict[str, int] = {}

    def count_under(self, prefix: str) -> int:
        if prefix not in self._under:
            self._under[prefix] = sum(1 for path in self if path.startswith(prefix))
        return self._under[prefix]


class StoredRows(Mapping):
    """One table of the records (outputs or related lists) as a mapping: a key is read when asked
    for, the whole table only when iterated, and then checked (`check`: the rows → the mapping,
    or None with a warning, when they are damaged: then it is empty)."""

    def __init__(self, path: Path, table: str, count: int, decode: Callable[[tuple], object],
                 check: Callable[[list, Path, list[str]], dict | None], warnings: list[str]):
        self._path, self._table, self._count = path, table, count
        self._decode, self._check, self._warnings = decode, check, warnings
        self._db: sqlite3.Connection | None = None
        self._read: dict = {}
        self._all: dict | None = None
        self._under: dict[str, int] = {}  # prefix → how many of _all's keys start with it

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self._db is None:
            self._db = sqlite3.connect(self._path, check_same_thread=False)
        return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def whole(self) -> dict:
        """Every row, read and checked once."""
        if self._all is None:
            try:
                rows = self._rows(f"SELECT * FROM {self._table}")
            except sqlite3.Error as exc:
                self._warnings.append(f"{self._path}: ignored: {exc}")
                rows = None
            self.close()
            found = None if rows is None else self._check(rows, self._path, self._warnings)
            self._all = {} if found is None else found
        return self._all

    def __getitem__(self, key):
        if self._all is not None:
            return self._all[key]
        if key not in self._read:
            if len(self._read) >= MANY_KEYS:  # a sweep asks for every name of a folder: read them all
                return self.whole()[key]
            try:
                rows = self._rows(f"SELECT * FROM {self._table} WHERE {_KEYS[self._table]}=?", (key,))
                self._read[key] = self._decode(rows[0]) if rows else None
            except (sqlite3.Error, ValueError, TypeError):
                self._read[key] = None  # a damaged row is no record: the output is made again
        value = self._read[key]
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return self._count if self._all is None else len(self._all)

    def __iter__(self) -> Iterator:
        return iter(self.whole())

    def count_under(self, prefix: str) -> int:
        """How many keys start with `prefix` (a range of the primary key, not a read of them)."""
        if self._all is not None:  # read whole, and never changed: counted once a prefix
            if prefix not in self._under:
                self._under[prefix] = sum(1 for k in self._all if k.startswith(prefix))
            return self._under[prefix]
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return self._rows(f"SELECT COUNT(*) FROM {self._table} WHERE {_KEYS[self._table]} >= ? AND"
                          f" {_KEYS[self._table]} < ?", (prefix, end))[0][0]


_KEYS = {"outputs": "path", "related": "slug"}
MANY_KEYS = 2000  # asked for one by one, then read whole


def _output_record(row: tuple) -> OutputRecord:
    _, fp, digest, size = row
    if not (type(fp) is str and type(digest) is str and type(size) is int):
        raise TypeError("an output record is damaged")
    return OutputRecord(fp, digest, size)


def _related_list(row: tuple) -> tuple[str, ...]:
    slugs = json.loads(row[1])
    if not (isinstance(slugs, list) and all(isinstance(s, str) for s in slugs)):
        raise TypeError("a related list is damaged")
    return tuple(slugs)


def _valid_related(rows: list, path: Path, warnings: list[str]) -> dict | None:
    try:
        return {row[0]: _related_list(row) for row in rows}
    except (ValueError, TypeError) as exc:
        warnings.append(f"{path}: ignored: {exc}")
        return None


def load_state(root: Path, warnings: list[str]) -> BuildState:
    """The last build's records; empty when there are none, they are not valid (a build changed
    outputs and did not get to write them) or they are damaged (with a warning). The outputs and
    related lists are StoredRows: read when asked for."""
    path = root / NAME
    if not path.exists():
        return BuildState()
    try:
        db = _connect(path)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("format") != FORMAT or meta.get("valid") != "1":
                return BuildState()
            pages = StoredRows(path, "outputs", int(meta.get("outputs", "0")), _output_record, _valid_outputs, warnings)
            files = file_records.load(db, path, int(meta["files_at"])) if meta.get("files_at") else {}
            slugs = StoredRows(path, "related", int(meta.get("related_count", "0")), _related_list, _valid_related,
                               warnings)
            related = {"fp": meta.get("related_fp", ""), "slugs": slugs}
            return BuildState(pages, meta.get("out_dir", ""), related if related["fp"] else {},
                              meta.get("site_fp", ""), int(meta.get("page_count", "0")),
                              files, meta.get("plans", ""), int(meta.get("published", "0")),
                              _out_dirs(meta.get("out_dirs")), on_disk=True)
        finally:
            db.close()
    except (sqlite3.Error, ValueError, TypeError) as exc:
        warnings.append(f"{path}: ignored: {exc}")
        return BuildState()


def load_summary(root: Path) -> StateSummary | None:
    """The records' summary from the meta table alone; None when there are none or they are
    not valid (the full read, load_state, then says why)."""
    path = root / NAME
    if not path.exists():
        return None
    try:
        db = _connect(path)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
        finally:
            db.close()
        if meta.get("format") != FORMAT or meta.get("valid") != "1" or "files_sig" not in meta:
            return None
        return StateSummary(meta.get("out_dir", ""), meta.get("site_fp", ""), meta.get("related_fp", ""),
                            int(meta.get("page_count", "0")), int(meta.get("published", "0")),
                            int(meta.get("outputs", "0")), meta["files_sig"], int(meta.get("files_at") or 0),
                            _out_dirs(meta.get("out_dirs")))
    except (sqlite3.Error, ValueError, TypeError):
        return None


def _out_dirs(text: str | None) -> OutDirs | None:
    try:
        raw = json.loads(text or "null")
        snap = OutDirs(tuple(raw["root"]), raw["stamp"], raw["dirs"]) if isinstance(raw, dict) else None
    except (ValueError, TypeError, KeyError):
        return None
    if snap is None or not (isinstance(snap.dirs, dict) and type(snap.stamp) is int and len(snap.root) == 2
                            and all(isinstance(d, str) and type(m) is int for d, m in snap.dirs.items())):
        return None
    return snap


def _out_dirs_json(snap: OutDirs | None) -> str:
    if snap is None:
        return "null"
    return json.dumps({"root": list(snap.root), "stamp": snap.stamp, "dirs": snap.dirs}, separators=(",", ":"), sort_keys=True)


def save_out_dirs(root: Path, snap: OutDirs) -> None:
    """Record the output's folders beside valid records (nothing when they are not valid)."""
    try:
        db = _connect(root / NAME)
        try:
            db.execute("UPDATE meta SET value=? WHERE key='out_dirs' AND"
                       " EXISTS (SELECT 1 FROM meta WHERE key='valid' AND value='1')", (_out_dirs_json(snap),))
        finally:
            db.close()
    except sqlite3.Error:
        pass  # only a later no-op's shortcut is lost


def _valid_outputs(rows: list, path: Path, warnings: list[str]) -> dict[str, OutputRecord] | None:
    """Output records, if every one names a file inside the output and has the right shape;
    otherwise none (a full build follows). The names are checked joined, by looking for what
    would make one unsafe (a call per name cost more than reading them), one by one only if found."""
    names = [row[0] for row in rows]
    if not all(isinstance(n, str) for n in names):
        warnings.append(f"{path}: ignored: an output record has no path")
        return None
    joined = "\n" + "\n".join(names) + "\n"
    if any(part in joined for part in _UNSAFE_IN_JOINED):  # a few scans in C; names one by one only then
        for name in names:
            if not is_safe_path(name):
                warnings.append(f"{path}: ignored: it names {name!r}, which is not a file of the output")
                return None
    if not all(type(fp) is str and type(digest) is str and type(size) is int for _, fp, digest, size in rows):
        warnings.append(f"{path}: ignored: an output record is damaged")
        return None
    return {name: OutputRecord(fp, digest, size) for name, fp, digest, size in rows}


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
        slugs = new.related.get("slugs", {})
        meta = {"format": FORMAT, "out_dir": new.out_dir, "site_fp": new.site_fp, "page_count": str(new.page_count),
                "published": str(new.published), "outputs": str(len(new.pages)), "out_dirs": _out_dirs_json(new.out_dirs),
                "files_sig": file_records.stat_signature(new.files.get("stat", {})),
                "related_fp": new.related.get("fp", ""), "files_at": str(new.files.get("at", "")),
                "plans": new.plans_token, "valid": "1", "related_count": str(len(slugs))}
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", meta.items())
        db.execute("COMMIT")
        new.on_disk = True
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def changed_rows(new: Mapping, old: Mapping) -> tuple[dict, set]:
    """What turns `old` into `new`: rows to write (key → value) and keys to delete. When `new` is
    an Overlay over `old` (an edit's), only its changes are looked at; else both whole (values
    hashable: the difference is set operations in C)."""
    if new is old:
        return {}, set()
    if isinstance(new, Overlay) and isinstance(old, Overlay) and new.base is old.base:
        upserts = dict(new.changes.items() - old.changes.items())
        return upserts, set(new.removed - old.removed)
    if isinstance(new, Overlay) and new.base is old:
        return dict(new.changes), set(new.removed)
    return dict(new.items() - old.items()), set(old.keys() - new.keys())


def _write_rows(db: sqlite3.Connection, new: BuildState, old: BuildState) -> None:
    upserts, gone = changed_rows(new.pages, old.pages)
    db.executemany("INSERT OR REPLACE INTO outputs VALUES (?,?,?,?)", ((p, *r) for p, r in upserts.items()))
    db.executemany("DELETE FROM outputs WHERE path=?", ((p,) for p in gone))
    upserts, gone = changed_rows(new.related.get("slugs", {}), old.related.get("slugs", {}))
    db.executemany("INSERT OR REPLACE INTO related VALUES (?,?)",
                   ((s, json.dumps(list(v), ensure_ascii=False, separators=(",", ":"))) for s, v in upserts.items()))
    db.executemany("DELETE FROM related WHERE slug=?", ((s,) for s in gone))
    file_records.write(db, new.files, old.files)
