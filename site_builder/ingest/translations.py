"""Find the same story told in other languages.

Translations share little vocabulary but keep their anchors: people's and places' names
(folded, so 'Đà Nẵng' meets 'Da Nang'), acronyms and numbers. Anchors that every article of the
archive shares (e.g. the country the archive is about) say nothing, so each anchor is
weighted by how rare it is in the given set.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date as Date
from itertools import combinations

from .metadata import name_runs
from site_builder.text.slug import fold
from site_builder.text.sentences import split_sentences

THRESHOLD = 0.1
MAX_DAYS_APART = 7

_MONTHS = ("january february march april may june july august september october november "
           "december").split()
_NUM = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})(?:/\d{2,4})?(?!\d)")
_MONTH_DAY = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})\b", re.I)
_DAY_MONTH_EN = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\b", re.I)


@dataclass(frozen=True)
class ArticleText:
    slug: str
    lang: str | None
    text: str
    date: str | None = None


def anchors(text: str) -> Counter[str]:
    """Language-neutral anchors of a text with counts: folded names (whole, and the last word
    of a multi-word name: 'Iain Frew' meets 'Ian Frew'), acronyms, numbers, day-month."""
    out: Counter[str] = Counter()
    for sent in split_sentences(text.replace("\n", " ")):
        for run in name_runs(sent):
            toks = [fold(t).lower() for t in run]
            out["n:" + "".join(toks)] += 1
            if len(toks) > 1 and len(toks[-1]) >= 4:
                out["n:" + toks[-1]] += 1
    for m in _NUM.finditer(text):
        digits = re.sub(r"[.,]", "", m.group(0))
        if len(digits) >= 2:
            out["#" + digits.lstrip("0")] += 1
    for d, m in _DAY_MONTH.findall(text):
        if 1 <= int(m) <= 12:
            out[f"d:{int(d)}-{int(m)}"] += 1
    for mon, d in _MONTH_DAY.findall(text):
        out[f"d:{int(d)}-{_MONTHS.index(mon.lower()) + 1}"] += 1
    for d, mon in _DAY_MONTH_EN.findall(text):
        out[f"d:{int(d)}-{_MONTHS.index(mon.lower()) + 1}"] += 1
    return out


def similarity(a: Counter[str], b: Counter[str], weight: dict[str, float]) -> float:
    """Cosine of rarity-weighted anchor vectors (log counts: a name said ten times is not ten
    times the evidence)."""
    va = {f: (1 + math.log(c)) * weight[f] for f, c in a.items()}
    vb = {f: (1 + math.log(c)) * weight[f] for f, c in b.items()}
    dot = sum(v * vb[f] for f, v in va.items() if f in vb)
    na = math.sqrt(sum(v * v for v in va.values()))
    nb = math.sqrt(sum(v * v for v in vb.values()))
    return dot / (na * nb) if na and nb else 0.0


def _days_apart(a: str | None, b: str | None) -> int:
    try:
        return abs((Date.fromisoformat(str(a)[:10]) - Date.fromisoformat(str(b)[:10])).days)
    except (TypeError, ValueError):
        return 0  # unknown dates do not rule a pair out


def find_translations(articles: list[ArticleText], threshold: float = THRESHOLD
                      ) -> dict[str, list[str]]:
    """{slug: [slugs of the same story in other languages]}, symmetric, sorted.

    A pair links when each is the other's best match in its language and the score clears the
    threshold: mutual best keeps one event's many reports from all linking to each other.
    """
    feats = {a.slug: anchors(a.text) for a in articles}
    df = Counter(f for fs in feats.values() for f in fs)
    n = len(articles)
    weight = {f: math.log(1 + n / c) for f, c in df.items()}
    scores: dict[tuple[str, str], float] = {}
    for a, b in combinations(articles, 2):
        if a.lang and b.lang and a.lang != b.lang and _days_apart(a.date, b.date) <= MAX_DAYS_APART:
            s = similarity(feats[a.slug], feats[b.slug], weight)
            scores[(a.slug, b.slug)] = scores[(b.slug, a.slug)] = s
    lang = {a.slug: a.lang for a in articles}
    best: dict[tuple[str, str | None], tuple[float, str]] = {}
    for (x, y), s in sorted(scores.items()):
        key = (x, lang[y])
        if s > best.get(key, (-1.0, ""))[0]:
            best[key] = (s, y)
    links: dict[str, set[str]] = {}
    for (x, _), (s, y) in best.items():
        if s >= threshold and best.get((y, lang[x]), (0.0, ""))[1] == x:
            links.setdefault(x, set()).add(y)
            links.setdefault(y, set()).add(x)
    return {k: sorted(v) for k, v in sorted(links.items())}
