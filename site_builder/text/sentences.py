"""Small text measures shared by the cleaner and the translation matcher.

Kept apart from the rules so that both can reason about "shape" and "vocabulary" the same way.
"""
from __future__ import annotations

import re
import unicodedata

from site_builder.text.slug import fold

# Function words: enough to tell English from Vietnamese and to ignore when comparing vocabulary.
EN_STOP = frozenset(
    """a an the and or but of to in on at by for with from as is are was were be been being
    has have had do does did not no this that these those it its he she they we you i his her
    their our your them him us will would can could should may might must shall also than then
    there here which who whom whose what when where why how all any some such into over under
    about after before between during while said says say more most other only very just so
    up out if one two new""".split()
)
VI_STOP = frozenset(
    """và của là các những được trong cho với không này một người có đã đang sẽ cũng như để
    tại từ về theo khi thì mà nhưng hay hoặc vì nên đó đây ra vào lên rằng bị do đến nhiều
    rất còn chỉ vẫn lại nhau cùng trên dưới sau trước năm ngày tháng hôm việc""".split()
)
STOP = EN_STOP | VI_STOP | frozenset(fold(w) for w in VI_STOP)

# Letters that only Vietnamese uses (precomposed tone marks and ă/ơ/ư/đ and the hooks).
_VI_LETTERS = set(
    "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)
TERMINAL = ".!?…"
_CLOSERS = "\"'”’»)]"


def nfc(text: str) -> str:
    """NFC plus non-breaking spaces as spaces: scraped text mixes both forms."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")


def words(text: str) -> list[str]:
    """Word tokens (letters/digits, inner apostrophes and hyphens kept)."""
    return _WORD.findall(text)


def ends_sentence(text: str) -> bool:
    """True when the line ends like a sentence (terminal mark, maybe inside quotes)."""
    t = text.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(t) and t[-1] in TERMINAL


def ends_with_ellipsis(text: str) -> bool:
    """Teasers of related articles are cut with '...' or '…' at the very end."""
    t = text.rstrip()
    return t.endswith("...") or t.endswith("…")


# Short abbreviations that end with a dot but not a sentence (generic, both languages).
_ABBREVIATIONS = frozenset(
    "tp mr mrs ms dr st no jr sr co inc ltd gen col lt sgt prof vs etc ths ts pgs gs q p tx "
    "tt ubnd hđnd".split()
)


def _is_abbreviation(text_before: str) -> bool:
    """The word before a dot is a known abbreviation or a single capital initial."""
    m = re.search(r"(\w+)\.$", text_before[-24:])  # abbreviations are short: look at the tail only
    if not m:
        return False
    word = m.group(1)
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences; 'TP.', 'Mr.' or an initial do not end one."""
    parts: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?…]+[\"'”’»)\]]*(?=\s+|$)", text):
        end = m.end()
        if not text[start:end].strip():
            continue
        if m.group(0) == "." and _is_abbreviation(text[start:end]) and text[end:].strip():
            continue
        parts.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def _common_words(text: str) -> list[str]:
    """Lower-case words only: names ('Hà Nội' in English text) say nothing about language."""
    return [w for w in words(text) if not w[:1].isupper()] or [w.lower() for w in words(text)]


def vi_score(text: str) -> float:
    """Share of common words that carry Vietnamese-only letters or are Vietnamese function words."""
    ws = _common_words(text)
    if not ws:
        return 0.0
    hits = sum(1 for w in ws if w in VI_STOP or any(c in _VI_LETTERS for c in w))
    return hits / len(ws)


def en_score(text: str) -> float:
    """Share of common words that are English function words."""
    ws = _common_words(text)
    if not ws:
        return 0.0
    return sum(1 for w in ws if w in EN_STOP) / len(ws)


def detect_lang(text: str) -> str | None:
    """'vi' or 'en' from diacritics and function words; works on a single sentence.

    Names are skipped and the two shares compared, so Vietnamese place names inside English
    text do not flip the answer.
    """
    vi, en = vi_score(text), en_score(text)
    if vi == 0 and en == 0:
        return None
    return "vi" if vi > en else "en"


def terms(text: str) -> frozenset[str]:
    """Vocabulary of a text: folded content words plus adjacent pairs (Vietnamese syllables
    mean little alone, their pairs are the words)."""
    toks = [fold(w).lower() for w in words(text)]
    keep = [t if (t not in STOP and (len(t) >= 3 or t.isdigit())) else "" for t in toks]
    uni = {t for t in keep if t}
    bi = {f"{a}_{b}" for a, b in zip(keep, keep[1:]) if a and b}
    return frozenset(uni | bi)


def overlap(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of part's vocabulary found in whole (0 when part has none)."""
    return len(part & whole) / len(part) if part else 0.0
