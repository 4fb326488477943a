"""Layout: which file each record lives in. Every rule is local (a record's file depends on its
own key and, for postings, its neighbours), so an edit rewrites only the files it touches."""
from __future__ import annotations

import math
import re
import zlib

FRAGMENT_GROUP = 2        # documents per f/ file: a page of results loads up to 10 of them; a file costs build time
POSTINGS_TARGET = 6000    # bytes: terms are packed into postings shards up to about this size
SETS_TARGET = 3000        # bytes: average size aimed at for the hashed id-set shards
TYPO_MIN_LEN = 4          # typo candidates: terms of at least this many characters
CHUNK_KEY_LEN = 2         # a vocabulary chunk holds the terms that start with the same 2 characters
BIG_DF = 1500          # a term in this many documents gets a postings shard to itself
HEAD_POSTINGS = 1000   # a term in at least HEAD_MIN_DF documents ships these highest impacts first
HEAD_MIN_DF = 3000     # … and the others in t/<shard>.js, loaded only when the head cannot rank


def chunk_key(term: str) -> str:
    """Vocabulary chunk of a folded term: its first two characters."""
    return term[:CHUNK_KEY_LEN]


def file_key(key: str) -> str:
    """A chunk key as a safe file name: itself when [a-z0-9], else '_' + UTF-8 hex."""
    if re.fullmatch(r"[a-z0-9]+", key):
        return key
    return "_" + key.encode("utf-8").hex()


def typo_keys(term: str) -> set[str]:
    """The typo chunks a term is listed in (see the module docstring)."""
    return {term[:2], term[1:3], term[0] + term[2]}


def is_typo_term(term: str) -> bool:
    """A term a misspelt word may be meant as: 4+ characters, not a number nor a glossary
    concept ('_…', which no reader types)."""
    return len(term) >= TYPO_MIN_LEN and not term.isdigit() and not term.startswith("_")


def fragment_name(doc_id: int) -> str:
    return f"f/{doc_id // FRAGMENT_GROUP}"


def index_params(n: int, total_length: int) -> dict:
    """The global numbers every file may depend on. avgdl is rounded to two significant digits
    so that an edit or a new article almost never moves it; when it does, everything is rebuilt."""
    return {"docs": n, "avgdl": max(1, int(float(f"{total_length / n:.2g}"))) if n else 1,
            "anchor": max(4, min(256, 1 << round(math.log2(max(1, 400_000 / max(n, 1))))))}


def set_bits_for(total: int) -> int:
    bits = 0
    while (1 << bits) * SETS_TARGET < total and bits < 16:
        bits += 1
    return bits


def set_record_size(key: str, value: str) -> int:
    return len(key.encode()) + len(value) + 6


def shard_name(term: str) -> str:
    key = file_key(term)
    return key if len(key) <= 24 else f"{key[:16]}_{zlib.crc32(term.encode()):08x}"


def shard_names(terms: list[str], df: list[int], anchor: int) -> list[str]:
    """Postings shard of each term (terms sorted): a shard starts at an anchor term (CRC-32 of
    the term ≡ 0 mod `anchor`) and at and after every big term; it is named after its first
    term. Completions of a prefix tend to share a shard."""
    names: list[str] = []
    name, prev_big = "", True
    for t, d in zip(terms, df):
        big = d >= BIG_DF
        if big or prev_big or zlib.crc32(t.encode()) % anchor == 0:
            name = shard_name(t)
        names.append(name)
        prev_big = big
    return names

