"""ASCII slugs for article file names.

Vietnamese must fold to plain letters (``Đại sứ Anh`` → ``dai-su-anh``); generic slug
libraries turn ``đ`` into ``dj`` or drop it, so the folding is done here.
"""
from __future__ import annotations

import re
import unicodedata

_FALLBACK = "article"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Strip diacritics (NFD + drop combining marks); đ/Đ have no decomposition, map them."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def slugify(text: str, max_len: int = 80, fallback: str = _FALLBACK) -> str:
    """Lower-case ASCII words joined by '-', at most max_len chars, cut between words.

    Never empty and always a safe file name: only [a-z0-9-] can survive.
    """
    ascii_text = fold(text or "").lower().replace("'", "").replace("\u2019", "")
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    words = [w for w in _NON_ALNUM.split(ascii_text) if w]
    out: list[str] = []
    length = 0
    for word in words:
        extra = len(word) + (1 if out else 0)
        if length + extra > max_len:
            if not out:  # one giant word: a hard cut is the only option
                out.append(word[:max_len])
            break
        out.append(word)
        length += extra
    slug = "-".join(out)
    return slug or fallback


def unique_slug(slug: str, taken: set[str] | frozenset[str]) -> str:
    """First of slug, slug-2, slug-3 … not in taken (stable for a stable input order)."""
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"
