"""A light English stemmer (Porter's step 1: plurals, -ed, -ing), the same in search-core.js.

Applied to words of ASCII letters only (English; a Vietnamese syllable never ends in s, ed or
ing, and has accents or is short), at index and query time alike, so `floods`, `flooded` and
`flooding` are one term `flood`. Steps 2-5 of Porter (-ation, -ness, -al …) are left out: they
join unrelated words (general/generate) and cut names."""
from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]{4,}")
# words ending in s that are not plurals (the rest of that class ends in ss, us or is)
KEEP = frozenset("this thus does news plus always perhaps series species yes lens bias gas "
                 "whereas towards afterwards besides sometimes".split())


def _consonant(w: str, i: int) -> bool:
    c = w[i]
    if c in "aeiou":
        return False
    return c != "y" or i == 0 or not _consonant(w, i - 1)


def _measure(w: str) -> int:
    """Porter's m: the number of vowel-consonant runs in w."""
    shape = "".join("c" if _consonant(w, i) else "v" for i in range(len(w)))
    return len(re.findall(r"v+c+", shape))


def _has_vowel(w: str) -> bool:
    return any(not _consonant(w, i) for i in range(len(w)))


def _cvc(w: str) -> bool:
    n = len(w)
    return (n >= 3 and _consonant(w, n - 3) and not _consonant(w, n - 2) and _consonant(w, n - 1)
            and w[-1] not in "wxy")


def _plural(w: str) -> str:
    if w in KEEP or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies"):
        return w[:-3] + ("y" if len(w) > 4 else "ie")
    if w.endswith(("sses", "ches", "shes", "xes", "zes")):
        return w[:-2]
    return w[:-1]


def _ending(w: str) -> str:
    """-eed, -ied, -ed, -ing with Porter's repairs (hoping → hope, stopped → stop)."""
    if w.endswith("eed"):
        return w[:-1] if _measure(w[:-3]) > 0 else w
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    for suffix in ("ed", "ing"):
        if w.endswith(suffix) and _has_vowel(w[:-len(suffix)]):
            w = w[:-len(suffix)]
            break
    else:
        return w
    if w.endswith(("at", "bl", "iz")):
        return w + "e"
    if len(w) > 1 and w[-1] == w[-2] and _consonant(w, len(w) - 1) and w[-1] not in "lsz":
        return w[:-1]
    if _measure(w) == 1 and _cvc(w):
        return w + "e"
    return w


def _once(word: str) -> str:
    if not _WORD.fullmatch(word):
        return word
    if word.endswith("s"):
        word = _plural(word)
    return _ending(word) if len(word) >= 4 else word


def stem(word: str) -> str:
    """A folded word → its stem; words that are not 4+ ASCII lower-case letters are kept.
    Repeated until nothing changes (each step shortens the word), so a stem is its own stem:
    a query word typed as a stem finds it."""
    while (shorter := _once(word)) != word:
        word = shorter
    return word
