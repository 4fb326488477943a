"""Related briefings for each article, computed at build time. Pure: no I/O.

The same story in another language (article.translations) comes first; then the articles that
share the most weight of distinctive words: each article keeps its 10 heaviest folded words
(tf-idf, title words counted three times), normalised; two articles score the product of the
weights of the words they share; newer first on ties (articles are given oldest first). idf is rounded to 1/8 so that one edit moves the weights of
other articles only when a word's rounded idf moves; an edit then rescores only the articles
whose words it touched (update_related), with the same result as computing all again.
"""
from __future__ import annotations

import heapq
import math
from collections import defaultdict
from itertools import compress, repeat
from operator import is_not, mul, neg
from typing import Callable, Iterable, Mapping, Protocol

from site_builder.content.archive import slugs_of
from site_builder.overlay import Overlay
from site_builder.parallel import gc_paused

TOP_TERMS = 10        # distinctive words kept per article
POSTING_CAP = 25      # per word, only the articles where it weighs most are candidates
MAX_DF_SHARE = 0.5    # words in more than half the articles say nothing about a topic
LIMIT = 4

Vector = tuple  # ((word, weight), …), heaviest first


def doc_count_bucket(n: int) -> int:
    """The article count as idf sees it: exact below 100, else two significant digits, so that
    adding an article to a large archive does not move every word's idf."""
    return n if n < 100 else int(float(f"{n:.2g}"))


def idf(word: str, df: int, n: int) -> float | None:
    """Rounded idf of a word that can tell topics apart, else None (also for a glossary
    concept '_…': related briefings are by the words articles use)."""
    n = doc_count_bucket(n)
    if not (1 < df <= max(2, MAX_DF_SHARE * n)) or len(word) < 2 or word.isdigit() or word[0] == "_":
        return None
    return round(math.log(n / df) * 8) / 8


def idf_table(df: Mapping[str, int], n: int) -> dict[str, float]:
    """word → rounded idf, for every word that can tell topics apart."""
    table = {}
    for w, d in df.items():
        x = idf(w, d, n)
        if x is not None:
            table[w] = x
    return table


def vector(tf2: Mapping[str, int], df_of: Callable[[str], int] | None, n: int,
           idf_of: Mapping[str, float] | None = None) -> Vector:
    """An article's top words from its search terms (tf2 = 2·tf + title flag); idf from
    `idf_of` (an idf_table) when given, else from df_of."""
    get = idf_of.get if idf_of is not None else (lambda w: idf(w, df_of(w), n))
    return vector_of(tf2.keys(), tf2.values(), get)


class _NegLogTf(dict):
    """tf2 value (2·tf + in title) → −(1 + ln tf), made once per distinct value."""

    def __missing__(self, value: int) -> float:
        c = value >> 1
        x = self[value] = -(1 + math.log(c) if c else 0.0)
        return x


_NEG_LOG_TF = _NegLogTf()


def vector_of(words: Iterable[str], values: Iterable[int], idf_of: Callable[[str], float | None]) -> Vector:
    """vector() from an article's terms and tf2 values side by side (what the Markdown workers
    send back: a tuple and an array cost a third of a dict). The weights of its ~200 words are
    made by loops that run in C (10,000 articles: 0.43 s, where a Python loop took 0.52)."""
    words = tuple(words)
    idfs = list(map(idf_of, words))
    keep = list(map(is_not, idfs, repeat(None)))
    weights = map(mul, map(_NEG_LOG_TF.__getitem__, compress(values, keep)), compress(idfs, keep))
    top = heapq.nsmallest(TOP_TERMS, zip(weights, compress(words, keep)))
    norm = math.sqrt(sum(v * v for v, _ in top)) or 1.0
    return tuple((w, round(-v / norm, 4)) for v, w in top)  # 4 places: plenty, and a small cache


class Holders:
    """word → the articles whose vector holds it, heaviest first, newer (higher id) first on
    ties, capped; built on demand."""

    def __init__(self, vectors: list[Vector]):
        self.by_word: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for i, vec in enumerate(vectors):
            for w, v in vec:
                self.by_word[w].append((-v, -i))
        self._top: dict[str, list[tuple[float, int]]] = {}

    def before(self, old_vectors: list[Vector], moved: set[int], words: Iterable[str]) -> "Holders":
        """The holders of `words` as they were when the `moved` articles had their old vectors:
        derived from these lists, not built again from every vector."""
        was = Holders([])
        for i in moved:
            for w, v in old_vectors[i]:
                was.by_word[w].append((-v, -i))
        gone = {-i for i in moved}
        for w in words:
            was.by_word[w].extend(e for e in self.by_word.get(w, ()) if e[1] not in gone)
        return was

    def top(self, word: str) -> list[tuple[float, int]]:
        got = self._top.get(word)
        if got is None:
            got = self._top[word] = [(-v, -j) for v, j in heapq.nsmallest(POSTING_CAP, self.by_word.get(word, ()))]
        return got


def _related_of(i: int, articles, slugs: list[str], by_slug, vec: Vector, top: Callable[[str], list],
                limit: int) -> tuple[str, ...]:
    a = articles[i]
    chosen = [s for s in dict.fromkeys(a.translations) if s in by_slug and s != a.slug][:limit]
    scores: dict[int, float] = {}
    get = scores.get
    for w, v in vec:
        for other_v, j in top(w):
            scores[j] = get(j, 0.0) + v * other_v
    scores.pop(i, None)
    for _, j in heapq.nsmallest(limit + len(chosen), zip(map(neg, scores.values()), map(neg, scores))):
        slug = slugs[-j]
        if len(chosen) < limit and slug not in chosen:
            chosen.append(slug)
    return tuple(chosen)


def _related_job(payload: dict, lo: int, hi: int) -> list[tuple[str, ...]]:
    articles, by_slug, vectors, holders, limit = (payload["articles"], payload["by_slug"], payload["vectors"],
                                                   payload["holders"], payload["limit"])
    slugs = payload["slugs"]
    with gc_paused():
        return [_related_of(i, articles, slugs, by_slug, vectors[i], holders.top, limit) for i in range(lo, hi)]


def related_all(articles, vectors: list[Vector], limit: int = LIMIT, jobs: int = 1) -> dict[str, tuple[str, ...]]:
    """slug → up to `limit` related slugs (translations first), in a stable order; over `jobs`
    forked workers (each article is scored on its own: a 50,000-article build spent 30–45 s here in
    the parent alone, on a loaded machine)."""
    from site_builder.parallel import chunked_map
    with gc_paused():
        payload = {"articles": articles, "by_slug": {a.slug: a for a in articles}, "vectors": vectors,
                   "holders": Holders(vectors), "limit": limit, "slugs": [a.slug for a in articles]}
        chunks = chunked_map(_related_job, len(articles), payload, jobs)
        return dict(zip((a.slug for a in articles), (r for chunk in chunks for r in chunk)))


class VectorSource(Protocol):
    """The vectors of the last build, asked one article or one word at a time."""

    def vector(self, i: int) -> Vector: ...
    def top(self, word: str, n: int) -> list[tuple[float, int]]: ...  # heaviest first, newer first on ties
    def holders(self, word: str) -> list[int]: ...                     # every article whose vector has it


class ListSource:
    """A VectorSource over vectors in memory."""

    def __init__(self, vectors: list[Vector]):
        self.vectors, self.by = vectors, Holders(vectors)

    def vector(self, i: int) -> Vector:
        return self.vectors[i] if i < len(self.vectors) else ()

    def top(self, word: str, n: int) -> list[tuple[float, int]]:
        return [(-v, -j) for v, j in heapq.nsmallest(n, self.by.by_word.get(word, ()))]

    def holders(self, word: str) -> list[int]:
        return [-j for _, j in self.by.by_word.get(word, ())]


class _After:
    """The holders of words once the `moved` articles have their new vectors."""

    def __init__(self, source: VectorSource, moved: dict[int, Vector]):
        self.source, self.moved, self._top = source, moved, {}

    def vector(self, i: int) -> Vector:
        return self.moved[i] if i in self.moved else self.source.vector(i)

    def top(self, word: str) -> list[tuple[float, int]]:
        got = self._top.get(word)
        if got is None:
            kept = [(-v, -j) for v, j in self.source.top(word, POSTING_CAP + len(self.moved)) if j not in self.moved]
            kept += [(-v, -i) for i, vec in self.moved.items() for w, v in vec if w == word]
            got = self._top[word] = [(-v, -j) for v, j in heapq.nsmallest(POSTING_CAP, kept)]
        return got

    def holders(self, word: str) -> set[int]:
        out = {j for j in self.source.holders(word) if j not in self.moved}
        return out | {i for i, vec in self.moved.items() if any(w == word for w, _ in vec)}


class _Slugs:
    """`slug in` the articles, the set made only if an article to rescore has translations."""

    def __init__(self, slugs: list[str]):
        self.listed, self.slugs = slugs, None

    def __contains__(self, slug: str) -> bool:
        if self.slugs is None:
            self.slugs = set(self.listed)
        return slug in self.slugs


def update_related_from(articles, source: VectorSource, new_vectors: dict[int, Vector],
                        old_related: Mapping[str, tuple], changed: set[int],
                        limit: int = LIMIT) -> tuple[dict[int, tuple[Vector, Vector]], Mapping[str, tuple[str, ...]]]:
    """The vectors that moved (i → (old, new)) and the related lists after some articles'
    vectors changed (new_vectors) and some articles changed (their translations may have):
    only the articles whose candidates could have moved are rescored, and only the words
    those touch are asked of `source`. The lists are an Overlay of the rescored over the old."""
    with gc_paused():
        old = {i: source.vector(i) for i in new_vectors}
        moved = {i: vec for i, vec in new_vectors.items() if vec != old[i]}
        after = _After(source, moved)
        words = {w for i in moved for vec in (old[i], moved[i]) for w, _ in vec}
        rescore = set(changed) | moved.keys()
        for w in sorted(words):
            if source.top(w, POSTING_CAP) != after.top(w):
                rescore.update(after.holders(w))
        slugs = slugs_of(articles)
        by_slug = _Slugs(slugs)
        changes = {slugs[i]: _related_of(i, articles, slugs, by_slug, after.vector(i), after.top, limit)
                   for i in sorted(rescore)}
        return {i: (old[i], vec) for i, vec in moved.items()}, Overlay(old_related, changes)


def update_related(articles, old_vectors: list[Vector], new_vectors: dict[int, Vector],
                   old_related: Mapping[str, tuple], changed: set[int],
                   limit: int = LIMIT) -> tuple[list[Vector], dict[str, tuple[str, ...]]]:
    """update_related_from over vectors in memory: all the vectors after, and the related lists."""
    moved, related = update_related_from(articles, ListSource(old_vectors), new_vectors, old_related, changed, limit)
    vectors = list(old_vectors)
    for i, (_, vec) in moved.items():
        vectors[i] = vec
    return vectors, related


def related_slugs(articles, text_of: Mapping[str, str] | Callable[[str], str],
                  limit: int = LIMIT) -> dict[str, tuple[str, ...]]:
    """Related lists straight from texts (for callers without a search index at hand)."""
    from site_builder.search.tokens import analyse, article_lead

    get = text_of if callable(text_of) else text_of.__getitem__
    tf2s = [analyse(a.title, get(a.slug), article_lead(a)).tf2 for a in articles]
    df: dict[str, int] = defaultdict(int)
    for tf2 in tf2s:
        for w in tf2:
            df[w] += 1
    vectors = [vector(tf2, df.__getitem__, len(articles)) for tf2 in tf2s]
    return related_all(articles, vectors, limit)
