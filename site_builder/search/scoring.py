"""The ranking numbers: BM25F weights baked into the postings (impact chars) and the query-time
ranking the browser applies (shipped in the manifest)."""
from __future__ import annotations

from dataclasses import dataclass

from site_builder.search.codec import ALPHABET

TITLE_WEIGHT = 5          # a title word counts as this many body words (BM25F)
LEAD_WEIGHT = 2           # … a word of the summary or a photo caption
FIELD_WEIGHTS = (TITLE_WEIGHT, LEAD_WEIGHT, 1)   # title, lead, body
JOIN_MAX = 5              # letters of a syllable that joins its neighbour in a name (Hà Nội → hanoi)
K1, B = 1.2, 1.0           # BM25 parameters (B tuned on tests/relevance: 0.75 → 1.0, +0.003 nDCG)
IMPACT_LEVELS = 31        # BM25 part quantised to 1..31; +32 when the term is in the title
IMPACT_CURVE = 0.5        # … on the scale 1 − (1 − x)^curve of its share x of k1 + 1: finer near 1, where
                          # the title matches of a common word crowd (0.5: +0.004 nDCG on tests/relevance)
TITLE_FLOOR = 0.7         # a title match's x (never far below 1: a title word counts 5) is spaced from here
                          # to 1 on the same scale, so the levels order title matches by their BM25 part


@dataclass(frozen=True)
class QueryRanking:
    """How the browser ranks a query (docs/search.md, "A query"). Only search-core.js uses these;
    they ship in the manifest so that the script holds no numbers of its own."""
    title_bonus: float = 3.0        # added to a term's BM25 part when it is in the title
    accent_boost: float = 1.6       # × when the document has the accented form the query typed
    phrase_bonus: float = 2.5       # × idf of a query word pair found as a phrase
    phrase_min_idf: float = 0.2     # floor of that idf
    completion_weight: float = 0.8  # a completion of the word being typed
    completions: int = 5            # most frequent completions taken
    prefix_min_length: int = 2      # a word being typed is completed from this many letters
    typo_weight: float = 0.6        # a term one edit away from a word that matched nothing
    typos: int = 3                  # one-edit terms taken
    typo_min_length: int = 5        # a query word gets one-edit terms from this many letters
    fill_below: int = 10            # fewer documents than this have every word: those lacking one follow
    concept_weight: float = 0.5     # a glossary concept of query words (search/glossary.py), shared by its words
    language_boost: float = 1.3     # × for a Vietnamese document when the query has a letter only Vietnamese uses
    common_share: float = 0.5       # a word in more than this share of the documents is not required (it still scores)


QUERY_RANKING = QueryRanking()


def impact_char(v: int, length: int, avgdl: int) -> str:
    """BM25 part of a term's score in one document, quantised (IMPACT_CURVE; a title match from
    TITLE_FLOOR up); +32 when in the title."""
    tf = v >> 1
    x = tf / (tf + K1 * (1 - B + B * length / avgdl))      # the BM25 part's share of k1 + 1
    if v & 1:
        x = max(0.0, (x - TITLE_FLOOR) / (1 - TITLE_FLOOR))
    level = max(1, min(IMPACT_LEVELS, round((1 - (1 - x) ** IMPACT_CURVE) * IMPACT_LEVELS)))
    return ALPHABET[level + 32 * (v & 1)]


class _Impacts(dict):
    """(tf2 value, document length) → impact_char, computed once per distinct pair."""

    def __init__(self, avgdl: int):
        super().__init__()
        self.avgdl = avgdl

    def __missing__(self, key: tuple[int, int]) -> str:
        c = self[key] = impact_char(key[0], key[1], self.avgdl)
        return c
