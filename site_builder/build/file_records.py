"""The article files as a build saw them (stat key and digest of each), kept in the records'
files table in chunks of CHUNK files in name order, each with the signature of its names and
stat keys. An edit compares the chunks' signatures with the stat taken now and reads and
rewrites only the chunks that differ: a few rows, not one per article file.
"""
from __future__ import annotations

import hashlib
import marshal
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

CHUNK = 64
RACY_NS = 20_000_000        # a file changed this close before its stat was taken may change again unseen
COARSE_RACY_NS = 2_000_000_000  # … or this close, on file systems with whole-second times (FAT: 2 s)
TABLE = "CREATE TABLE IF NOT EXISTS files (i INTEGER PRIMARY KEY, sig TEXT, rows BLOB)"


class Chunk(NamedTuple):
    sig: str
    names: list[str]


class FileStat(dict):
    """Article file → stat key, as one look at the articles folder found them (not changed
    after): its chunks are made once for the no-op check, an edit's comparison and the write."""

    chunks: list[Chunk] | None = None


def chunks_of(stat: Mapping[str, tuple]) -> list[Chunk]:
    """The files in name order, CHUNK at a time, with the signature of each chunk's stat."""
    if isinstance(stat, FileStat) and stat.chunks is not None:
        return stat.chunks
    items = sorted(stat.items())
    # marshal: C speed. Version 2 writes no back-references: from version 3 on, an object that
    # something else also holds (a refcount above one) is written differently, so equal stats
    # could sign differently.
    chunks = [Chunk(hashlib.blake2b(marshal.dumps(items[i:i + CHUNK], 2), digest_size=12).hexdigest(),
                    [name for name, _ in items[i:i + CHUNK]]) for i in range(0, len(items), CHUNK)]
    if isinstance(stat, FileStat):
        stat.chunks = chunks
    return chunks


def stat_signature(stat: Mapping[str, tuple]) -> str:
    """One value for the stat of every article file (equal signatures: equal stats)."""
    sigs = "".join(chunk.sig for chunk in chunks_of(stat))
    return hashlib.blake2b(f"{len(stat)}:{sigs}".encode(), digest_size=16).hexdigest()


def racy_files(stat: Mapping[str, tuple], at: int) -> set[str]:
    """The files a stat taken at `at` cannot vouch for: changed just before it (git's "racily
    clean" entries: a change in the same clock tick keeps the mtime). The rule inline: a call
    per file cost a tenth of an edit's stat check."""
    fine, coarse = at - RACY_NS, at - COARSE_RACY_NS
    return {name for name, key in stat.items() if not (key[1] < coarse or (key[1] < fine and key[1] % 1_000_000_000))}


class FilesEdit(NamedTuple):
    """What an edit found of the files: those to read again, and the last build's digests of
    every file in the chunks they are in (the rows to rewrite)."""
    changed: list[str]
    digests: dict[str, str]
    chunks: frozenset[int]


class StoredFiles(dict):
    """{"at", "stat", "digests"} of the last build (the form trusted_files reads), "stat" and
    "digests" read whole when first asked for; changed_since() reads only the chunks that differ."""

    def __init__(self, path: Path, at: int, sigs: list[str]):
        super().__init__(at=at)
        self.path, self.sigs = path, sigs

    def _rows(self, chunks: Iterable[int] | None) -> list[tuple[str, tuple, str]]:
        db = sqlite3.connect(self.path)
        try:
            if chunks is None:
                blobs = [b for (b,) in db.execute("SELECT rows FROM files ORDER BY i")]
            else:
                wanted = sorted(chunks)
                blobs = [b for (b,) in db.execute(f"SELECT rows FROM files WHERE i IN ({','.join('?' * len(wanted))})",
                                                  wanted)] if wanted else []
        finally:
            db.close()
        return [row for blob in blobs for row in marshal.loads(blob)]

    def _load(self) -> None:
        if not dict.__contains__(self, "stat"):
            rows = self._rows(None)
            dict.__setitem__(self, "stat", {name: tuple(key) for name, key, _ in rows})
            dict.__setitem__(self, "digests", {name: digest for name, _, digest in rows if digest})

    def __getitem__(self, key):
        if key in ("stat", "digests"):
            self._load()
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        if key in ("stat", "digests"):
            self._load()
        return dict.get(self, key, default)

    def __eq__(self, other: object) -> bool:
        self._load()
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def changed_since(self, stat: Mapping[str, tuple]) -> FilesEdit | None:
        """The files whose stat is not what the last build saw (or could not vouch for them),
        None when files were added, removed or renamed (the chunks no longer line up)."""
        now = chunks_of(stat)
        if len(now) != len(self.sigs) or not self.sigs:
            return None
        at = self["at"]
        racy = racy_files(stat, at)
        touched = {i for i, chunk in enumerate(now) if chunk.sig != self.sigs[i]}
        if racy:
            where = {name: i for i, chunk in enumerate(now) for name in chunk.names if name in racy}
            touched.update(where.values())
        rows = {name: (tuple(key), digest) for name, key, digest in self._rows(touched)}
        if any(name not in rows for i in touched for name in now[i].names) or len(rows) != sum(
                len(now[i].names) for i in touched):
            return None  # a file renamed within a chunk
        changed = sorted(name for name, (key, _) in rows.items() if key != stat[name] or name in racy)
        return FilesEdit(changed, {name: digest for name, (_, digest) in rows.items()}, frozenset(touched))


def load(db: sqlite3.Connection, path: Path, at: int) -> StoredFiles:
    return StoredFiles(path, at, [sig for _, sig in db.execute("SELECT i, sig FROM files ORDER BY i")])


def write(db: sqlite3.Connection, new: Mapping, old: Mapping) -> None:
    """The chunks of `new` ({"stat", "digests"}, and an edit's "chunks": those it touched) that
    differ from what the file holds (`old`: a StoredFiles, or {} for an empty table)."""
    stat, digests = new.get("stat", {}), new.get("digests", {})
    chunks = chunks_of(stat)
    touched = new.get("chunks")
    old_sigs = old.sigs if isinstance(old, StoredFiles) else None
    if touched is None or old_sigs is None or len(old_sigs) != len(chunks):
        old_blobs = ({i: b for i, b in db.execute("SELECT i, rows FROM files")} if old_sigs is not None else {})
        touched = range(len(chunks))
    else:
        old_blobs = {}
    rows = []
    for i in touched:
        blob = marshal.dumps([(n, tuple(stat[n]), digests.get(n, "")) for n in chunks[i].names], 2)
        if old_blobs.get(i) != blob:
            rows.append((i, chunks[i].sig, blob))
    db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?)", rows)
    db.execute("DELETE FROM files WHERE i >= ?", (len(chunks),))
