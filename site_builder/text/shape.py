"""Line shapes the cleaner and the metadata readers share: prose, headline, name, table row."""
from __future__ import annotations

import re

from site_builder.text.slug import fold
from site_builder.text.sentences import ends_sentence, split_sentences, words


def starts_upper(text: str) -> bool:
    """First character is an upper-case letter (any script, 'Đ' and 'Ư' included)."""
    return text[:1].isupper()


def norm(text: str) -> str:
    """Comparison key: folded, lower-case words only."""
    return " ".join(fold(w).lower() for w in words(text))


def is_prose(text: str) -> bool:
    """A sentence-like paragraph: ends like a sentence and is not a tiny fragment."""
    return ends_sentence(text) and len(words(text)) >= 6


def is_headline(text: str) -> bool:
    """Headline shape: a few words, capitalised, no sentence ending (a question is allowed)."""
    t = text.strip()
    n = len(words(t))
    if not (3 <= n <= 35 and len(t) <= 240):
        return False
    if not starts_upper(t.lstrip("\"'“‘([")):
        return False
    last = t.rstrip("\"'”’»)]")[-1:]
    return last not in ".!…;,:" and len(split_sentences(t)) == 1


def is_name(text: str) -> bool:
    """Person-name shape: 2-5 capitalised words, letters only, short."""
    t = text.strip().rstrip(".")
    ws = t.split()
    if not (2 <= len(ws) <= 5) or len(t) > 45:
        return False
    return all(starts_upper(w) and re.fullmatch(r"[^\W\d_]+(?:[.\-'][^\W\d_]*)*", w) for w in ws)


def unglue(text: str) -> str:
    """'NameName' (a publisher printed twice without a space) → 'Name'."""
    t = text.strip()
    half = len(t) // 2
    if len(t) % 2 == 0 and t[:half] == t[half:]:
        return t[:half].strip()
    return t


_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp)$", re.I)


def near_same(a: str, b: str) -> bool:
    """Same headline give or take a word or an appended counter (' - 1', '(2)')."""
    ta = re.sub(r"\s*[-–(]?\s*\d{1,2}\)?$", "", norm(_IMAGE_EXT.sub("", a))).split()
    tb = re.sub(r"\s*[-–(]?\s*\d{1,2}\)?$", "", norm(_IMAGE_EXT.sub("", b))).split()
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    shorter = min(len(ta), len(tb))
    if shorter < 4:
        return False
    return token_distance(ta, tb) <= (1 if shorter < 8 else 2)


def token_distance(a: list[str], b: list[str]) -> int:
    """Word-level edit distance (insert, delete, substitute)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def table_cells(text: str) -> list[str] | None:
    t = text.strip()
    return [c.strip() for c in t[1:-1].split("|")] if len(t) >= 2 and t[0] == t[-1] == "|" else None
