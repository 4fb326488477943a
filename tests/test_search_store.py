"""The search state in SQLite (build/search_store.py): what is written is what is read back, an
edit's delta gives the store a full build would write, and a damaged, foreign or stale store
costs a full search build, never a failed or a wrong one."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import tree_bytes
from site_builder.build import search_store
from site_builder.search import index as si
from site_builder.search import related as rel
from site_builder.search import tokens as stok
from site_builder.search.state import FullState, StateDelta
from site_builder.search.terms import MemoryIndex
from site_builder.search.update import update_index
from test_incremental import cold, corpus, edit, rebuild  # noqa: F401 (corpus: a fixture)
from test_search_update import make_docs

PAIRS = [("Tội phạm mạng", "Các vụ tội phạm mạng tăng ở Hà Nội."), ("Cyber crime", "Hanoi convention on cyber crime."),
         ("Rice prices", "Rice prices rise in the delta."), ("Giá lúa", "Giá lúa tăng ở đồng bằng.")]
EDITED = ("Rice prices", "Rice prices fall in the delta.")


def _full(pairs, fp: str) -> FullState:
    built = si.index_documents(make_docs(pairs))
    vectors = [(("toi", 0.8), ("pham", 0.6)), (("cyber", 1.0),), (), (("lua", 0.7), ("gia", 0.7))][:len(pairs)]
    docs = [(f"d{i}", f"digest{i}", "vi" if i % 3 == 0 else "en") for i in range(len(pairs))]
    return FullState(fp, docs, vectors, built.state, code="code")


def _dump(path: Path) -> dict[str, list]:
    db = sqlite3.connect(path)
    try:
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("docs", "terms", "vectors", "holders", "langs")}
    finally:
        db.close()


def test_a_full_state_reads_back(tmp_path: Path):
    state = _full(PAIRS, "fp1")
    search_store.write_full(tmp_path, state)
    store = search_store.open_store(tmp_path, [])
    assert store is not None
    try:
        memory = MemoryIndex(state.index)
        assert (store.fp, store.code, store.params, store.set_bits) == ("fp1", "code", memory.params, memory.set_bits)
        assert store.docs() == ([s for s, _, _ in state.docs], [d for _, d, _ in state.docs])
        assert store.languages() == {"vi": 2, "en": 2} and store.lang(1) == "en"
        assert store.total_length == memory.total_length and store.length(2) == memory.length(2)
        for term in memory.terms + ["zzz", "", "toi phamx"]:
            assert store.df(term) == memory.df(term)
            assert store.forms(term) == memory.forms(term)
            assert store.before(term, 3) == memory.before(term, 3)
            assert store.after(term, 3) == memory.after(term, 3)
        assert store.dfs(memory.terms[:5] + ["zzz"]) == memory.dfs(memory.terms[:5])
        memory_vectors = rel.ListSource(state.vectors)
        for i in range(len(PAIRS)):
            assert store.vector(i) == state.vectors[i]
        for word in ("toi", "cyber", "gia", "none"):
            assert store.top(word, 25) == memory_vectors.top(word, 25)
            assert sorted(store.holders(word)) == sorted(memory_vectors.holders(word))
    finally:
        store.close()


def test_an_edit_rewrites_rows_into_what_a_full_build_writes(tmp_path: Path):
    before = _full(PAIRS, "fp1")
    search_store.write_full(tmp_path / "a", before)
    after_pairs = [PAIRS[0], PAIRS[1], EDITED, PAIRS[3]]
    after = _full(after_pairs, "fp2")
    after.vectors[2] = (("sai", 0.9), ("gon", 0.4))
    after.docs[2] = ("d2", "digest2b", "en")
    changes = [(2, stok.analyse(*PAIRS[2]), stok.analyse(*EDITED))]
    files = si.index_documents(make_docs(PAIRS)).files
    upd = update_index(before.index, make_docs(after_pairs), changes, files.get)
    delta = StateDelta("fp1", "fp2", {2: after.docs[2]}, upd.delta, {2: (before.vectors[2], after.vectors[2])}, "code")
    assert search_store.apply_delta(tmp_path / "a", delta)
    search_store.write_full(tmp_path / "b", after)
    assert _dump(tmp_path / "a" / search_store.NAME) == _dump(tmp_path / "b" / search_store.NAME)
    store = search_store.open_store(tmp_path / "a", [])
    assert store is not None and store.fp == "fp2" and store.total_length == MemoryIndex(after.index).total_length
    store.close()
    # A delta worked out from another state is not written over this one: no store at all.
    assert not search_store.apply_delta(tmp_path / "a", delta)
    assert search_store.open_store(tmp_path / "a", []) is None


def test_a_store_of_another_format_or_damaged_is_not_read(tmp_path: Path):
    search_store.write_full(tmp_path, _full(PAIRS, "fp1"))
    db = sqlite3.connect(tmp_path / search_store.NAME)
    db.execute("UPDATE meta SET value='0' WHERE key='format'")
    db.commit()
    db.close()
    assert search_store.open_store(tmp_path, []) is None
    for name in ("search.sqlite-wal", "search.sqlite-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    (tmp_path / search_store.NAME).write_bytes(b"not a database, " * 100)
    warnings: list[str] = []
    assert search_store.open_store(tmp_path, warnings) is None and warnings


def _title_edit(site: Path) -> None:
    edit(sorted((site / "content" / "articles").glob("article-*.md"))[3], "\ntitle: ", "\ntitle: Breaking ")


def test_a_damaged_store_means_a_full_search_build(corpus: Path, tmp_path: Path):  # noqa: F811
    rebuild(corpus)
    (corpus / ".site-builder-cache" / search_store.NAME).write_bytes(b"\0garbage" * 512)
    for name in ("search.sqlite-wal", "search.sqlite-shm"):
        (corpus / ".site-builder-cache" / name).unlink(missing_ok=True)
    _title_edit(corpus)
    assert rebuild(corpus).search == "rebuilt"
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)
    _title_edit(corpus)  # the store the full build wrote is good again
    assert rebuild(corpus).search == "updated"
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)


def test_an_old_search_json_or_a_missing_store_means_a_full_search_build(corpus: Path, tmp_path: Path):  # noqa: F811
    rebuild(corpus)
    cache = corpus / ".site-builder-cache"
    search_store.remove_database(cache / search_store.NAME)
    (cache / "search.json").write_text('{"format": 2, "search": {}}', encoding="utf-8")
    _title_edit(corpus)
    assert rebuild(corpus).search == "rebuilt"
    assert not (cache / "search.json").exists() and (cache / search_store.NAME).exists()
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)


def test_a_store_of_another_build_is_not_trusted(corpus: Path, tmp_path: Path):  # noqa: F811
    rebuild(corpus)
    db = sqlite3.connect(corpus / ".site-builder-cache" / search_store.NAME)
    db.execute("UPDATE meta SET value='someone else' WHERE key='fp'")
    db.commit()
    db.close()
    _title_edit(corpus)
    assert rebuild(corpus).search == "rebuilt"
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)
