"""Updating the search index and related briefings in place gives the same bytes as building them
again from scratch, whatever the edit."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from site_builder.search import codec, layout
from site_builder.search import related as rel
from site_builder.search import files as sfiles
from site_builder.search import index as si
from site_builder.search import tokens as stok
from site_builder.content.article import Article
from site_builder.search.terms import MemoryIndex
from site_builder.search.update import NeedsFullBuild, update_index

# Few words, several spellings of one folded word, so edits keep hitting shared terms, pairs,
# spelling sets and shard boundaries.
WORDS = ["tội", "tôi", "toi", "tối", "phạm", "pham", "mạng", "mang", "cyber", "crime", "convention",
         "hanoi", "Hà", "Nội", "ambassador", "ký", "ky", "2025", "rice", "prices", "delta", "đường",
         "duong", "network", "networks", "networked"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
text = st.lists(sentence, min_size=1, max_size=5).map(". ".join)


def make_docs(pairs):
    return [sfiles.SearchDoc(url=f"articles/d{i}.html", title=t, text=x, date="2025-01-01", lang="vi",
                         source="VNA", tags=("a",)) for i, (t, x) in enumerate(pairs)]


def apply(files: dict[str, bytes], update: dict[str, bytes | None]) -> dict[str, bytes]:
    out = dict(files)
    for name, data in update.items():
        if data is None:
            out.pop(name, None)
        else:
            out[name] = data
    return dict(sorted(out.items()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(sentence, text), min_size=2, max_size=12), st.data())
def test_update_equals_full_build(corpus, data):
    _check_update(corpus, data)


@contextmanager
def split_postings_from(df: int, head: int):
    """Postings of a term in `df` documents split into a head of `head` impacts and a tail."""
    was = layout.HEAD_MIN_DF, layout.HEAD_POSTINGS
    layout.HEAD_MIN_DF, layout.HEAD_POSTINGS = df, head
    try:
        yield
    finally:
        layout.HEAD_MIN_DF, layout.HEAD_POSTINGS = was


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(st.tuples(sentence, text), min_size=2, max_size=12), st.data())
def test_update_equals_full_build_with_split_postings(corpus, data):
    with split_postings_from(2, 1):
        files = si.index_documents(make_docs(corpus)).files
        assume(any(n.startswith("t/") for n in files))
        _check_update(corpus, data)


@contextmanager
def small_shards(big: int, anchor: int):
    """Shards cut at terms in `big` documents and at every anchor term of CRC-32 ≡ 0 mod `anchor`:
    a small corpus then has many shards, whose names an edit moves."""
    was_big, was_params = layout.BIG_DF, layout.index_params

    def params(n, total):
        return {**was_params(n, total), "anchor": anchor}
    layout.BIG_DF, layout.index_params, si.index_params = big, params, params
    try:
        yield
    finally:
        layout.BIG_DF, layout.index_params, si.index_params = was_big, was_params, was_params


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(sentence, text), min_size=2, max_size=12), st.data(), st.sampled_from([2, 3, 5]),
       st.sampled_from([1, 2, 3]))
def test_update_equals_full_build_with_small_shards(corpus, data, big, anchor):
    with small_shards(big, anchor):
        _check_update(corpus, data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])  # as the test it runs
@given(st.lists(st.tuples(sentence, text), min_size=2, max_size=12),
       st.lists(st.tuples(sentence, text), min_size=1, max_size=3), st.data())
def test_appending_with_small_shards(corpus, extra, data):
    with small_shards(3, 2):
        test_appending_documents_equals_full_build.hypothesis.inner_test(corpus, extra, data)


def test_split_postings_join_back():
    ids = codec.encode_ids(range(0, 300, 3))
    chars = "".join(codec.ALPHABET[(i * 7) % 63 + 1] for i in range(100))
    record, tail = sfiles.split_postings(ids, chars, 10)
    assert sfiles.join_postings(record, tail) == [ids, chars]
    head = sorted(chars, key=codec.ALPHABET.index)[-10:]
    assert sorted(record[2], key=codec.ALPHABET.index) == head
    value = codec.ALPHABET.index
    highest, cut = value(record[3][0]), value(record[3][1])
    assert highest == max(map(value, tail))
    assert all((value(c) & 31) <= (cut & 31) and (value(c) & 32) <= (cut & 32) for c in tail)


def _check_update(corpus, data):
    before = si.index_documents(make_docs(corpus))
    edits = data.draw(st.lists(st.tuples(st.integers(0, len(corpus) - 1), sentence, text), min_size=1, max_size=3))
    after_pairs = list(corpus)
    for i, t, x in edits:
        after_pairs[i] = (t, x)
    changed = sorted({i for i, _, _ in edits})
    new_docs = make_docs(after_pairs)
    changes = [(i, stok.analyse(*corpus[i]), stok.analyse(*after_pairs[i])) for i in changed]
    try:
        upd = update_index(before.state, new_docs, changes, before.files.get)
    except NeedsFullBuild:
        assume(False)
    full = si.index_documents(new_docs)
    assert apply(before.files, upd.files) == full.files
    assert MemoryIndex(before.state).apply(upd.delta) == full.state


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(sentence, text), min_size=2, max_size=12),
       st.lists(st.tuples(sentence, text), min_size=1, max_size=3), st.data())
def test_appending_documents_equals_full_build(corpus, extra, data):
    before = si.index_documents(make_docs(corpus))
    after_pairs = list(corpus) + list(extra)
    changes = [(len(corpus) + k, stok.DocTerms({}, 0, frozenset(), {}), stok.analyse(*p)) for k, p in enumerate(extra)]
    if data.draw(st.booleans()):           # and one existing document edited too
        i = data.draw(st.integers(0, len(corpus) - 1))
        after_pairs[i] = (data.draw(sentence), data.draw(text))
        changes.append((i, stok.analyse(*corpus[i]), stok.analyse(*after_pairs[i])))
    new_docs = make_docs(after_pairs)
    try:
        upd = update_index(before.state, new_docs, sorted(changes), before.files.get)
    except NeedsFullBuild:
        assume(False)
    full = si.index_documents(new_docs)
    assert apply(before.files, upd.files) == full.files
    assert MemoryIndex(before.state).apply(upd.delta) == full.state


def _articles(pairs, translations=None):
    translations = translations or {}
    return [Article(slug=f"d{i}", title=t, body=x, source_path=Path(f"d{i}.md"), date=dt.date(2025, 1, 1),
                    translations=tuple(translations.get(i, ()))) for i, (t, x) in enumerate(pairs)]


def _vectors(pairs, index_state):
    df = dict(zip(index_state["terms"], index_state["df"]))
    return [rel.vector(stok.analyse(t, x).tf2, lambda w: df.get(w, 0), len(pairs)) for t, x in pairs]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(sentence, text), min_size=3, max_size=14), st.data())
def test_related_update_equals_full(corpus, data):
    before = si.index_documents(make_docs(corpus))
    old_vectors = _vectors(corpus, before.state)
    old_related = rel.related_all(_articles(corpus), old_vectors, limit=2)
    i = data.draw(st.integers(0, len(corpus) - 1))
    after = list(corpus)
    after[i] = (data.draw(sentence), data.draw(text))
    full_state = si.index_documents(make_docs(after)).state
    new_vectors = _vectors(after, full_state)
    full_related = rel.related_all(_articles(after), new_vectors, limit=2)
    # what the stage does: revector the edited one and those whose rounded idf moved
    old_df = dict(zip(before.state["terms"], before.state["df"]))
    new_df = dict(zip(full_state["terms"], full_state["df"]))
    n = len(corpus)
    revector = {i} | {j for j, (t, x) in enumerate(after)
                      for w in stok.analyse(t, x).tf2
                      if rel.idf(w, old_df.get(w, 0), n) != rel.idf(w, new_df.get(w, 0), n)}
    vectors, related = rel.update_related(_articles(after), old_vectors, {j: new_vectors[j] for j in revector},
                                          old_related, {i}, limit=2)
    assert vectors == new_vectors
    assert related == full_related


_vector = st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from([0.1, 0.25, 0.5, 0.9])),
                   max_size=4, unique_by=lambda e: e[0]).map(tuple)


@settings(max_examples=200, deadline=None)
@given(st.lists(_vector, min_size=1, max_size=60), st.data())
def test_holders_before_a_change_are_derived_like_built(old_vectors, data):
    """update_related derives the old holders from the new ones; with up to 60 articles on six
    words the 25-article cap binds."""
    vectors = list(old_vectors)
    moved = set(data.draw(st.lists(st.integers(0, len(vectors) - 1), max_size=8)))
    for i in moved:
        vectors[i] = data.draw(_vector)
    words = {w for i in moved for vec in (old_vectors[i], vectors[i]) for w, _ in vec}
    derived = rel.Holders(vectors).before(old_vectors, moved, words)
    built = rel.Holders(old_vectors)
    assert {w: derived.top(w) for w in words} == {w: built.top(w) for w in words}


def test_related_slugs_from_texts_is_the_same_computation():
    pairs = [("Rice prices rise", "Rice exports and prices in the delta."),
             ("Rice harvest", "Harvest of rice in the delta."),
             ("Cyber crime", "Hanoi convention on cyber crime.")]
    arts = _articles(pairs)
    state = si.index_documents(make_docs(pairs)).state
    assert rel.related_slugs(arts, {a.slug: a.body for a in arts}) == rel.related_all(arts, _vectors(pairs, state))


def test_missing_old_file_asks_for_full_build():
    corpus = [("tội phạm", "mạng"), ("crime", "network")]
    before = si.index_documents(make_docs(corpus))
    changes = [(0, stok.analyse(*corpus[0]), stok.analyse("tội phạm mới", "mạng"))]
    with pytest.raises(NeedsFullBuild):
        update_index(before.state, make_docs(corpus), changes, lambda name: None)



def _reference_vector(words, values, idf_of):
    """vector_of as a plain loop: what its C-looped form must equal."""
    import heapq
    import math
    weights = []
    for w, v in zip(words, values):
        x = idf_of(w)
        if x is not None:
            c = v >> 1
            weights.append((-(1 + math.log(c) if c else 0.0) * x, w))
    top = heapq.nsmallest(rel.TOP_TERMS, weights)
    norm = math.sqrt(sum(v * v for v, _ in top)) or 1.0
    return tuple((w, round(-v / norm, 4)) for v, w in top)


@given(st.dictionaries(st.text(alphabet="abcdđ", min_size=1, max_size=4), st.integers(1, 300), max_size=40),
       st.dictionaries(st.text(alphabet="abcdđ", min_size=1, max_size=4),
                       st.one_of(st.none(), st.floats(0.5, 9).map(lambda x: round(x * 8) / 8)), max_size=40))
def test_vector_of_is_the_plain_loop(tf2, idfs):
    assert rel.vector_of(tuple(tf2), list(tf2.values()), idfs.get) == _reference_vector(tf2, tf2.values(), idfs.get)
