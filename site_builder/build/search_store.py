"""The search state of the last build in SQLite (SITE/.site-builder-cache/search.sqlite): what an
edit's in-place update of the index needs besides the index files, in rows, so that an edit reads
and writes the rows it touches (a one-article edit of a 50,000-article archive: a few hundred),
not the whole state (10 MB of JSON read and written again, 1 s).

- docs: id → slug, digest, length (BM25F), language;
- terms: term → document frequency, spellings (JSON, only for terms written several ways);
- vectors: id → related-briefing words and weights; holders: word → (weight, id), the same
  vectors by word, for "the heaviest holders of a word" without reading every vector;
- langs: language → how many documents (the manifest's language names);
- meta: format, code and fingerprint of the build, the index's global numbers.

A store of another format, a damaged one or one whose fingerprint is not the build's costs a
full search build, never a wrong index: the caller then writes a new store whole.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Iterable

from site_builder.build.state_store import remove_database
from site_builder.search.state import Vector
from site_builder.search.state import FullState, StateDelta

NAME = "search.sqlite"
FORMAT = "1"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, slug TEXT, digest TEXT, length INTEGER, lang TEXT);"
    "CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, df INTEGER, forms TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS vectors (id INTEGER PRIMARY KEY, words TEXT, weights TEXT);"
    "CREATE TABLE IF NOT EXISTS holders (word TEXT, weight REAL, id INTEGER);"
    "CREATE TABLE IF NOT EXISTS langs (lang TEXT PRIMARY KEY, count INTEGER);")
_HOLDERS_INDEX = "CREATE INDEX IF NOT EXISTS holders_by_word ON holders (word, weight, id)"  # made after a bulk insert: sorted once, in C
_BATCH = 500  # terms asked in one query (SQLite allows 32,766 parameters; fewer keep it quick)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    return db


def _open(path: Path) -> sqlite3.Connection:
    db = _connect(path)
    db.execute(_HOLDERS_INDEX)
    return db


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class SearchStore:
    """An open store: the search.stage.PreviousSearch the in-place update reads (its index
    view is the store itself, search.terms.IndexView)."""

    def __init__(self, db: sqlite3.Connection, meta: dict[str, str]):
        self.db = db
        self.fp, self.code = meta["fp"], meta["code"]
        self.params = json.loads(meta["params"])
        self.set_bits, self.set_total = int(meta["set_bits"]), int(meta["set_total"])
        self.total_length = int(meta["total_length"])

    @property
    def index(self) -> SearchStore:
        return self

    def close(self) -> None:
        self.db.close()

    # The documents, the languages and the related-briefing vectors.
    def docs(self) -> tuple[list[str], list[str]]:
        """Slugs and digests in id order, each column as one string split in C (no row objects:
        50,000 of them cost more than the rest of an edit's search step)."""
        return self._column("slug"), self._column("digest")

    def _column(self, name: str) -> list[str]:
        row = self.db.execute(f"SELECT group_concat({name}, char(10)), count(*)"
                              f" FROM (SELECT {name} FROM docs ORDER BY id)").fetchone()
        values = row[0].split("\n") if row[0] else []
        if len(values) != row[1]:
            raise sqlite3.DatabaseError(f"docs.{name} holds a line break")
        return values

    def languages(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT lang, count FROM langs WHERE count > 0"))

    def lang(self, doc: int) -> str | None:
        row = self.db.execute("SELECT lang FROM docs WHERE id=?", (doc,)).fetchone()
        return None if row is None else row[0]

    def vector(self, i: int) -> Vector:
        row = self.db.execute("SELECT words, weights FROM vectors WHERE id=?", (i,)).fetchone()
        return _vector(*row) if row is not None else ()

    def top(self, word: str, n: int) -> list[tuple[float, int]]:
        return self.db.execute("SELECT weight, id FROM holders WHERE word=? ORDER BY weight DESC, id DESC LIMIT ?",
                               (word, n)).fetchall()

    def holders(self, word: str) -> list[int]:
        return [i for (i,) in self.db.execute("SELECT id FROM holders WHERE word=?", (word,))]

    # search.terms.IndexView
    def length(self, doc: int) -> int:
        return self.db.execute("SELECT length FROM docs WHERE id=?", (doc,)).fetchone()[0]

    def df(self, term: str) -> int:
        row = self.db.execute("SELECT df FROM terms WHERE term=?", (term,)).fetchone()
        return 0 if row is None else row[0]

    def dfs(self, terms: Iterable[str]) -> dict[str, int]:
        terms, out = list(terms), {}
        for k in range(0, len(terms), _BATCH):
            part = terms[k:k + _BATCH]
            out.update(self.db.execute(f"SELECT term, df FROM terms WHERE term IN ({','.join('?' * len(part))})", part))
        return out

    def forms(self, term: str) -> dict[str, int] | None:
        row = self.db.execute("SELECT forms FROM terms WHERE term=?", (term,)).fetchone()
        return json.loads(row[0]) if row is not None and row[0] else None

    def before(self, term: str, limit: int) -> list[tuple[str, int]]:
        return self.db.execute("SELECT term, df FROM terms WHERE term < ? ORDER BY term DESC LIMIT ?",
                               (term, limit)).fetchall()

    def after(self, term: str, limit: int) -> list[tuple[str, int]]:
        return self.db.execute("SELECT term, df FROM terms WHERE term > ? ORDER BY term LIMIT ?",
                               (term, limit)).fetchall()


def _vector(words: str, weights: str) -> Vector:
    return tuple(zip(words.split(" "), json.loads(weights))) if words else ()


def open_store(root: Path, warnings: list[str]) -> SearchStore | None:
    """The store of the last build, if there is one of this format (a damaged one: a warning)."""
    path = root / NAME
    if not path.exists():
        return None
    try:
        db = _open(path)
    except sqlite3.Error as exc:
        warnings.append(f"{path}: ignored: {exc}")
        return None
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("format") == FORMAT:
            return SearchStore(db, meta)
    except (sqlite3.Error, KeyError, ValueError, TypeError) as exc:
        warnings.append(f"{path}: ignored: {exc}")
    db.close()
    return None


def write_full(root: Path, state: FullState) -> None:
    """A full build's state: a new store in place of whatever was there."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / NAME
    remove_database(path)
    db = _connect(path)
    try:
        db.execute("PRAGMA journal_mode=DELETE")  # one file while it is filled
        db.execute("BEGIN")
        index = state.index
        db.executemany("INSERT INTO docs VALUES (?,?,?,?,?)",
                       ((i, slug, digest, length, lang)
                        for i, ((slug, digest, lang), length) in enumerate(zip(state.docs, index["lengths"]))))
        forms = index["forms"]
        db.executemany("INSERT INTO terms VALUES (?,?,?)",
                       ((t, d, _json(forms[t]) if t in forms else None) for t, d in zip(index["terms"], index["df"])))
        _write_vectors(db, enumerate(state.vectors))
        db.execute(_HOLDERS_INDEX)
        db.executemany("INSERT INTO langs VALUES (?,?)", sorted(Counter(lang for _, _, lang in state.docs).items()))
        _write_meta(db, state.fp, state.code, index["params"], index["setBits"], index["setTotal"],
                    sum(index["lengths"]))
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode=WAL")
    except BaseException:
        db.close()
        remove_database(path)
        raise
    db.close()


def _write_vectors(db: sqlite3.Connection, vectors: Iterable[tuple[int, Vector]]) -> None:
    rows, holders = [], []
    for i, vec in vectors:
        rows.append((i, " ".join(w for w, _ in vec), _json([x for _, x in vec])))
        holders.extend((w, x, i) for w, x in vec)
    db.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?)", rows)
    db.executemany("INSERT INTO holders VALUES (?,?,?)", holders)


def _write_meta(db: sqlite3.Connection, fp: str, code: str, params: dict, set_bits: int, set_total: int,
                total_length: int) -> None:
    meta = {"format": FORMAT, "fp": fp, "code": code, "params": _json(params), "set_bits": str(set_bits),
            "set_total": str(set_total), "total_length": str(total_length)}
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", meta.items())


def apply_delta(root: Path, delta: StateDelta) -> bool:
    """An edit's rows, written over the store it was worked out from (one transaction). False
    (and no store) if the store is not that one any more."""
    path = root / NAME
    try:
        db = _open(path)
    except sqlite3.Error:
        remove_database(path)
        return False
    try:
        db.execute("BEGIN")
        row = db.execute("SELECT value FROM meta WHERE key='fp'").fetchone()
        if row is None or row[0] != delta.base_fp:
            db.execute("ROLLBACK")
            db.close()
            remove_database(path)
            return False
        _write_delta(db, delta)
        db.execute("COMMIT")
    except sqlite3.Error:
        db.close()
        remove_database(path)
        return False
    db.close()
    return True


def _write_delta(db: sqlite3.Connection, delta: StateDelta) -> None:
    index = delta.index
    langs: Counter = Counter()
    for i, (slug, digest, lang) in sorted(delta.docs.items()):
        old = db.execute("SELECT lang FROM docs WHERE id=?", (i,)).fetchone()
        if old is not None:
            langs[old[0]] -= 1
        langs[lang] += 1
        db.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?)", (i, slug, digest, index.lengths[i], lang))
    for lang, count in sorted(langs.items()):
        if count:
            db.execute("INSERT INTO langs VALUES (?, ?) ON CONFLICT(lang) DO UPDATE SET count = count + ?",
                       (lang, count, count))
    for term, df in sorted(index.df.items()):
        if df:
            db.execute("INSERT INTO terms VALUES (?,?,NULL) ON CONFLICT(term) DO UPDATE SET df=?", (term, df, df))
        else:
            db.execute("DELETE FROM terms WHERE term=?", (term,))
    for term, forms in sorted(index.forms.items()):
        db.execute("UPDATE terms SET forms=? WHERE term=?", (_json(forms) if forms else None, term))
    for i, (old_vec, _) in sorted(delta.vectors.items()):
        db.executemany("DELETE FROM holders WHERE word=? AND weight=? AND id=?", ((w, x, i) for w, x in old_vec))
    _write_vectors(db, sorted((i, new) for i, (_, new) in delta.vectors.items()))
    _write_meta(db, delta.fp, delta.code, index.params, index.set_bits, index.set_total, index.total_length)
