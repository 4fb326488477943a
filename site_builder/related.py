"""Related briefings for each article, computed at build time. Pure: no I/O.

The same story in another language (article.translations) comes first; then the articles that
share the most weight of distinctive words (tf-idf over folded words, title words counted
three times), latest first on ties.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from typing import Callable, Mapping

from site_builder.search_index import TITLE_WEIGHT, gc_paused, words

TOP_TERMS = 10        # distinctive words kept per article
POSTING_CAP = 25      # per word, only the articles where it weighs most are candidates
MAX_DF_SHARE = 0.5    # words in more than half the articles say nothing about a topic


def related_slugs(articles, text_of: Mapping[str, str] | Callable[[str], str],
                  limit: int = 4) -> dict[str, tuple[str, ...]]:
    """slug → up to `limit` related slugs (translations first), in a stable order."""
    with gc_paused():
        return _related(articles, text_of, limit)


def _related(articles, text_of, limit: int) -> dict[str, tuple[str, ...]]:
    get = text_of if callable(text_of) else text_of.__getitem__
    n = len(articles)
    tfs: list[Counter] = []
    df: Counter = Counter()
    for a in articles:
        tf = Counter(words(get(a.slug)))
        for w in words(a.title):
            tf[w] += TITLE_WEIGHT
        tfs.append(tf)
        df.update(tf.keys())
    max_df = max(2, MAX_DF_SHARE * n)
    idf = {w: math.log(n / d) for w, d in df.items() if 1 < d <= max_df and len(w) > 1 and not w.isdigit()}
    log_tf = [0.0] + [1 + math.log(c) for c in range(1, 64)]
    vectors: list[list[tuple[str, float]]] = []
    holders: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for i, tf in enumerate(tfs):
        weights = [(-(log_tf[c] if c < 64 else 1 + math.log(c)) * idf[w], w) for w, c in tf.items() if w in idf]
        top = heapq.nsmallest(TOP_TERMS, weights)
        norm = math.sqrt(sum(v * v for v, _ in top)) or 1.0
        vec = [(w, -v / norm) for v, w in top]
        vectors.append(vec)
        for w, v in vec:
            holders[w].append((-v, i))
    for w, held in holders.items():
        holders[w] = [(-v, j) for v, j in heapq.nsmallest(POSTING_CAP, held)]
    by_slug = {a.slug: a for a in articles}
    result: dict[str, tuple[str, ...]] = {}
    for i, a in enumerate(articles):
        chosen = [s for s in dict.fromkeys(a.translations) if s in by_slug and s != a.slug][:limit]
        scores: dict[int, float] = defaultdict(float)
        for w, v in vectors[i]:
            for other_v, j in holders[w]:
                scores[j] += v * other_v
        scores.pop(i, None)
        for _, j in heapq.nsmallest(limit + len(chosen), [(-s, j) for j, s in scores.items()]):
            slug = articles[j].slug
            if len(chosen) < limit and slug not in chosen:
                chosen.append(slug)
        result[a.slug] = tuple(chosen)
    return result
