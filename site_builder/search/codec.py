"""Compact encodings of the search index: id sets as gap varints or bitmaps (all ASCII from
ALPHABET, so JSON needs no escapes), the FNV-1a hash of set keys, deflated document text, and the script
wrapper every index file is (search-core.js reads the same)."""
from __future__ import annotations

import base64
import json
import re
import zlib
from collections import deque
from functools import lru_cache
from itertools import chain, repeat
from operator import sub
from typing import Iterable

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _varint(n: int) -> str:
    """Base-32 digits, most significant first; every digit but the last has +32 (continues)."""
    digits = [n & 31]
    n >>= 5
    while n:
        digits.append((n & 31) | 32)
        n >>= 5
    return "".join(ALPHABET[d] for d in reversed(digits))


@lru_cache(maxsize=1)
def _small_varints() -> list[str]:
    """_varint of every gap of an archive up to 16,384 articles (made on first use, not on import;
    digit by digit, in 3 ms where calling _varint took 60: an edit's build needs the table too)."""
    last, more = ALPHABET[:32], ALPHABET[32:]  # a final digit; a digit with more to follow
    return (list(last) + [a + b for a in more[1:] for b in last]
            + [a + b + c for a in more[1:16] for b in more for c in last])


_TO_ALPHABET = bytes.maketrans(bytes(range(64)), ALPHABET.encode("ascii"))


def encode_ids(ids: Iterable[int]) -> str:
    """Sorted distinct doc ids → 'g' + gap varints, or 'b' + a bitmap up to the largest id (6 bits
    per char), whichever is shorter. Neither depends on the document count, so appending a
    document leaves every other set's encoding as it was. (An index encodes millions of ids:
    both forms are built with loops that run in C.)"""
    ids = list(ids)
    if not ids:
        return "g"
    bitmap_len = 1 + ids[-1] // 6 + 1
    if len(ids) + 1 < bitmap_len:
        gaps = list(map(sub, map(sub, ids, chain((-1,), ids)), repeat(1)))
        small = _small_varints()
        gap_text = "g" + ("".join(map(small.__getitem__, gaps)) if max(gaps) < len(small)
                          else "".join(map(_varint, gaps)))
        if len(gap_text) <= bitmap_len:
            return gap_text
    return "b" + _bitmap(ids).decode("ascii")


@lru_cache(maxsize=2)
def _bit_positions(size: int) -> list[int]:
    """id → its bit in _bitmap's integer (group i//6 is byte i//6), for ids below `size` (a power
    of two: an archive's table is made once, ~15 ms for 100,000 articles)."""
    return [8 * (i // 6) + i % 6 for i in range(size)]


def _bitmap(ids: list[int]) -> bytes:
    """Bit i%6 of character i//6 set for every id: each group of six ids becomes one byte (bits
    0-5) of a big integer, written as a base-2 numeral (least significant digit first, then
    reversed) and parsed by int() in C."""
    groups = ids[-1] // 6 + 1
    digits = bytearray(b"0") * (8 * groups)
    table = _bit_positions(1 << max(14, ids[-1].bit_length()))
    deque(map(digits.__setitem__, map(table.__getitem__, ids), repeat(ord("1"))), maxlen=0)
    digits.reverse()
    return int(digits, 2).to_bytes(groups, "little").translate(_TO_ALPHABET)


_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_BITS = [tuple(bit for bit in range(6) if v >> bit & 1) for v in range(64)]


def decode_ids(text: str) -> list[int]:
    """Inverse of encode_ids (the browser has the same in search-core.js; used by tests)."""
    value = _VALUE
    if text.startswith("b"):
        out = []
        for k, c in enumerate(text[1:]):
            v = value[c]
            if v:
                out.extend(k * 6 + bit for bit in _BITS[v])
        return out
    ids, prev, n = [], -1, 0
    for c in text[1:]:
        d = value[c]
        n = (n << 5) | (d & 31)
        if d < 32:
            prev = prev + 1 + n
            ids.append(prev)
            n = 0
    return ids


_FROM_ALPHABET = bytes.maketrans(ALPHABET.encode("ascii"), bytes(range(64)))


def rank(text: str, doc: int) -> tuple[int, bool]:
    """(how many ids of an encoded set are below `doc`, whether `doc` is one of them), without
    decoding the set: a bitmap is counted in C (an edit asks this of sets of 30,000 ids)."""
    if text.startswith("b"):
        k, bit = divmod(doc, 6)
        whole = text[1:k + 1].encode("ascii").translate(_FROM_ALPHABET)
        below = int.from_bytes(whole, "little").bit_count()
        if k + 1 >= len(text):
            return below, False
        v = _VALUE[text[k + 1]]
        return below + (v & ((1 << bit) - 1)).bit_count(), bool(v >> bit & 1)
    value, prev, n, at = _VALUE, -1, 0, 0
    for c in text[1:]:
        d = value[c]
        n = (n << 5) | (d & 31)
        if d < 32:
            prev = prev + 1 + n
            if prev >= doc:
                return at, prev == doc
            at += 1
            n = 0
    return at, False


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes (search-core.js has the same)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


_LOOKAHEAD = 262  # zlib's MIN_LOOKAHEAD: a window reaches back this much less than its size


def pack_text(data) -> str:
    """JSON data as raw DEFLATE in standard base64: what a fragment file registers. Document text
    is most of the index and most of what a page of results loads; deflated it is about half
    (search-core.js inflates it with DecompressionStream). Level 9, so the bytes are a function
    of the data."""
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    # The smallest window that reaches back over the whole text (9–15 bits): the same bytes as a full one, and
    # a fifth less time for a fragment file, where setting up the 32 KB window is much of the work.
    z = zlib.compressobj(9, zlib.DEFLATED, -min(15, max(9, (len(raw) + _LOOKAHEAD).bit_length())))
    return base64.b64encode(z.compress(raw) + z.flush()).decode("ascii")


def unpack_text(text: str):
    """Inverse of pack_text."""
    try:
        return json.loads(zlib.decompress(base64.b64decode(text), -15))
    except zlib.error as exc:
        raise ValueError(f"not deflated text: {exc}") from None


def _js(name: str, data) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f'window.__sbSearch.register("{name}",{payload});\n'.encode("utf-8")


_REGISTERED = re.compile(rb'^window\.__sbSearch\.register\("([^"]+)",(.*)\);\n$', re.S)


def read_js(data: bytes):
    """Inverse of _js: the registered data."""
    m = _REGISTERED.match(data)
    if not m:
        raise ValueError("not a search index file")
    return json.loads(m[2])

