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

from site_builder.search_index import TITLE_WEIGHT, words

TOP_TERMS = 12        # distinctive words kept per article
POSTING_CAP = 40      # per word, only the articles where it weighs most are candidates
MAX_DF_SHARE = 0.5    # words in more than half the articles say nothing about a topic


def related_slugs(articles, text_of: Mapping[str, str] | Callable[[str], str],
                  limit: int = 4) -> dict[str, tuple[str, ...]]:
    """slug → up to `limit` related slugs (translations first), in a stable order."""
    get = text_of if callable(text_of) else text_of.__getitem__
    n = len(articles)
    tfs: list[Counter] = []
    df: Counter = Counter()
    for a in articles:
        tf = Counter(words(get(a.slug)))
        for w in words(a.title):
            tf[w] += TITLE_WEIGHT
        for w in [w for w in tf if len(w) < 2 or w.isdigit()]:
            del tf[w]
        tfs.append(tf)
        df.update(tf.keys())
    max_df = max(2, MAX_DF_SHARE * n)
    idf = {w: math.log(n / d) for w, d in df.items() if 1 < d <= max_df}
    log_tf = [0.0] + [1 + math.log(c) for c in range(1, 64)]
    vectors: list[dict[str, float]] = []
    for tf in tfs:
        weights = [((log_tf[c] if c < 64 else 1 + math.log(c)) * idf[w], w) for w, c in tf.items() if w in idf]
        top = heapq.nsmallest(TOP_TERMS, weights, key=lambda vw: (-vw[0], vw[1]))
        norm = math.sqrt(sum(v * v for v, _ in top)) or 1.0
        vectors.append({w: v / norm for v, w in top})
    holders: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for i, vec in enumerate(vectors):
        for w, v in vec.items():
            holders[w].append((v, i))
    for w in holders:
        holders[w] = sorted(holders[w], key=lambda vi: (-vi[0], vi[1]))[:POSTING_CAP]
    by_slug = {a.slug: a for a in articles}
    result: dict[str, tuple[str, ...]] = {}
    for i, a in enumerate(articles):
        chosen = [s for s in dict.fromkeys(a.translations) if s in by_slug and s != a.slug][:limit]
        scores: dict[int, float] = defaultdict(float)
        for w, v in vectors[i].items():
            for other_v, j in holders[w]:
                if j != i:
                    scores[j] += v * other_v
        for j, _ in sorted(scores.items(), key=lambda js: (-js[1], js[0])):
            if len(chosen) >= limit:
                break
            slug = articles[j].slug
            if slug not in chosen:
                chosen.append(slug)
        result[a.slug] = tuple(chosen)
    return result
