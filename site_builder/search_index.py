"""Text → folded tokens → a sharded, script-loaded search index. Pure: no I/O, no clock.

The browser side is themes/default/static/search.js; the format is documented in
docs/search.md. In short, under search/:

  manifest.js       sizes, the list of vocabulary/typo chunk keys, year ranges
  facets.js         per facet value (language, source, tag) the set of doc ids
  v/<key>.js        vocabulary: folded terms starting with <key> (first 2 letters),
                    with document frequency, postings shard and surface forms
  p/<n>.js          postings: for each folded term its doc ids and one impact char per doc
  s/<hash>.js       id sets keyed by hash: word pairs "w1 w2" (phrases) and exact
                    accented forms "=tội" (for terms written several ways)
  x/<key>.js        typo candidates: every term t of 4+ letters is listed under the keys
                    t[:2], t[1:3] and t[0]+t[2], so a word one edit away from t always
                    finds it in one of three chunks
  f/<id>.js         one document: title, url, date, language, source, tags, text

Every file is a tiny script, `window.__sbSearch.register("<name>", {...});`, so it loads
with a <script> tag from file:// as well as over http(s).
"""
from __future__ import annotations

import gc
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Callable, Iterable, Mapping

from site_builder.i18n import language_name
from site_builder.ingest.slug import fold

FORMAT_VERSION = 1
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TITLE_WEIGHT = 3          # a title word counts as this many body words (BM25F)
K1, B = 1.2, 0.75         # BM25 parameters
IMPACT_LEVELS = 31        # BM25 part quantised to 1..31; +32 when the term is in the title
POSTINGS_TARGET = 6000    # bytes: terms are packed into postings shards up to about this size
SETS_TARGET = 3000        # bytes: average size aimed at for the hashed id-set shards
TEXT_LIMIT = 4000         # characters of plain text kept per document for snippets
TYPO_MIN_LEN = 4          # typo candidates: terms of at least this many characters

# A word is a run of letters/digits (\w without '_'); sentence punctuation breaks phrases.
_TOKEN_RE = re.compile(r"[^\W_]+|[.!?;:…。\n]")


def normalize_word(word: str) -> tuple[str, str]:
    """A raw word → (exact, folded): exact is NFC and case-folded, folded also has its accents
    stripped and đ turned into d. `Tội` → ('tội', 'toi')."""
    exact = unicodedata.normalize("NFC", word).casefold()
    folded = fold(exact).casefold()
    return exact, folded


# Text is split on white space (fast, in C); each distinct chunk ("mạng," "(UNODC)") is
# tokenised once and remembered, so tokenising an archive is mostly dictionary look-ups.
_NEWLINE = "\x00"                              # stands for a line break: a sentence break
_CHUNK_FOLDED: dict[str, tuple] = {}            # chunk → (folded word | None for a break, …)
_CHUNK_TOKENS: dict[str, tuple] = {}            # chunk → ((exact, folded) | None, …)
_CHUNK_ACCENTED: dict[str, tuple] = {}          # chunk → its exact forms that differ from folded


def _tokenise_chunk(chunk: str) -> tuple:
    if chunk == _NEWLINE:
        return (None,)
    out = []
    for raw in _TOKEN_RE.findall(chunk):
        if len(raw) == 1 and not raw.isalnum():
            out.append(None)
            continue
        exact, folded = normalize_word(raw)
        if not folded.isalnum():   # e.g. a letter whose case folding leaves a stray mark
            folded = "".join(ch for ch in folded if ch.isalnum())
            exact = "".join(ch for ch in exact if ch.isalnum()) or folded
        out.append((exact, folded) if folded else None)
    return tuple(out)


def _chunks(text: str) -> list[str]:
    chunks = unicodedata.normalize("NFC", text).replace("\n", f" {_NEWLINE} ").split()
    if len(_CHUNK_FOLDED) > 1_000_000:
        _CHUNK_FOLDED.clear()
        _CHUNK_TOKENS.clear()
        _CHUNK_ACCENTED.clear()
    for chunk in set(chunks).difference(_CHUNK_FOLDED):
        toks = _CHUNK_TOKENS[chunk] = _tokenise_chunk(chunk)
        _CHUNK_FOLDED[chunk] = tuple(t[1] if t is not None else None for t in toks)
        _CHUNK_ACCENTED[chunk] = tuple(t[0] for t in toks if t is not None and t[0] != t[1])
    return chunks


def folded_sequence(text: str) -> list[str | None]:
    """The folded words of a text in order, None where a sentence breaks."""
    return list(chain.from_iterable(map(_CHUNK_FOLDED.__getitem__, _chunks(text))))


def tokens(text: str) -> list[tuple[str, str] | None]:
    """Text → [(exact, folded), …] with None where a sentence breaks. Never raises on a str."""
    return list(chain.from_iterable(map(_CHUNK_TOKENS.__getitem__, _chunks(text))))


def words(text: str) -> list[str]:
    """The folded words of a text, in order (no breaks)."""
    return [w for w in folded_sequence(text) if w is not None]


def bigrams(toks: list[tuple[str, str] | None]) -> list[str]:
    """Adjacent folded word pairs 'w1 w2' that no sentence break separates."""
    seq = [t[1] if t is not None else None for t in toks]
    return [f"{a} {b}" for a, b in zip(seq, seq[1:]) if a is not None and b is not None]


# ---------------------------------------------------------------------------------------------
# Compact encodings (all ASCII from ALPHABET, so JSON needs no escapes)


def _varint(n: int) -> str:
    """Base-32 digits, most significant first; every digit but the last has +32 (continues)."""
    digits = [n & 31]
    n >>= 5
    while n:
        digits.append((n & 31) | 32)
        n >>= 5
    return "".join(ALPHABET[d] for d in reversed(digits))


_SMALL = [_varint(i) for i in range(1024)]


def encode_ids(ids: Iterable[int], n: int) -> str:
    """Sorted distinct doc ids → 'g' + gap varints, or 'b' + a bitmap of n bits (6 per char),
    whichever is shorter."""
    ids = list(ids)
    bitmap_len = 1 + (n + 5) // 6
    if len(ids) + 1 < bitmap_len:
        small, prev, parts = _SMALL, -1, []
        for i in ids:
            gap = i - prev - 1
            parts.append(small[gap] if gap < 1024 else _varint(gap))
            prev = i
        gap_text = "g" + "".join(parts)
        if len(gap_text) <= bitmap_len:
            return gap_text
    bits = [0] * ((n + 5) // 6)
    for i in ids:
        bits[i // 6] |= 1 << (i % 6)
    return "b" + "".join([ALPHABET[b] for b in bits])


def decode_ids(text: str) -> list[int]:
    """Inverse of encode_ids (the browser has the same in search.js; used by tests)."""
    value = {c: i for i, c in enumerate(ALPHABET)}
    if text.startswith("b"):
        return [k * 6 + bit for k, c in enumerate(text[1:]) for bit in range(6) if value[c] >> bit & 1]
    ids, prev, n = [], -1, 0
    for c in text[1:]:
        d = value[c]
        n = (n << 5) | (d & 31)
        if d < 32:
            prev = prev + 1 + n
            ids.append(prev)
            n = 0
    return ids


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes (search.js has the same)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def chunk_key(term: str) -> str:
    """Vocabulary chunk of a folded term: its first two characters."""
    return term[:2]


def file_key(key: str) -> str:
    """A chunk key as a safe file name: itself when [a-z0-9], else '_' + UTF-8 hex."""
    if re.fullmatch(r"[a-z0-9]+", key):
        return key
    return "_" + key.encode("utf-8").hex()


def typo_keys(term: str) -> set[str]:
    """The typo chunks a term is listed in (see the module docstring)."""
    return {term[:2], term[1:3], term[0] + term[2]}


# ---------------------------------------------------------------------------------------------
# Documents


@dataclass(frozen=True)
class SearchDoc:
    url: str             # relative to the site root
    title: str
    text: str            # plain text of the body
    date: str = ""       # YYYY-MM-DD or ""
    lang: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()


def docs_from_articles(articles, text_of: Mapping[str, str] | Callable[[str], str],
                       url_of: Callable[[str], str]) -> list[SearchDoc]:
    """Articles (latest first: doc id order is recency order) → SearchDocs."""
    get = text_of if callable(text_of) else text_of.__getitem__
    return [SearchDoc(url=url_of(a.slug), title=a.title, text=get(a.slug),
                      date=a.date.isoformat() if a.date else "", lang=a.lang, source=a.source or "",
                      tags=tuple(a.tags)) for a in articles]


def snippet_text(text: str, limit: int = TEXT_LIMIT) -> str:
    if "  " in text or "\t" in text:
        text = re.sub(r"[ \t]+", " ", text)
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


# ---------------------------------------------------------------------------------------------
# The index


def _js(name: str, data) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f'window.__sbSearch.register("{name}",{payload});\n'.encode("utf-8")


def build_index(docs: list[SearchDoc]) -> dict[str, bytes]:
    """SearchDocs (id = position; put the latest first) → {relative path: file bytes}."""
    with gc_paused():
        return _build_index(docs)


@contextmanager
def gc_paused():
    """Millions of small, long-lived objects and no cycles: the cyclic GC would only rescan them
    again and again (it tripled the time of a 10,000-article index)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_index(docs: list[SearchDoc]) -> dict[str, bytes]:
    n = len(docs)
    folded_of = _CHUNK_FOLDED.__getitem__
    accented_of = _CHUNK_ACCENTED.__getitem__
    word_id: dict = {None: 0}                               # None: a sentence break
    post_ids: dict[str, list[int]] = defaultdict(list)     # term → doc ids
    post_tf: dict[str, list[int]] = defaultdict(list)      # term → 2 * BM25F tf (+1 if in title)
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    form_ids: dict[str, list[int]] = defaultdict(list)     # accented exact form → doc ids
    lengths: list[int] = []
    all_chunks: set[str] = set()
    # One pass, keeping nothing per document but its length: 10,000 articles make millions of
    # postings, and per-document sets would cost hundreds of MB.
    for doc_id, doc in enumerate(docs):
        title_chunks, body_chunks = _chunks(doc.title), _chunks(doc.text)
        title_seq = list(chain.from_iterable(map(folded_of, title_chunks)))
        body_seq = list(chain.from_iterable(map(folded_of, body_chunks)))
        tf = Counter(body_seq)
        length = len(body_seq) - tf.pop(None, 0)
        title_words = set(title_seq)
        title_words.discard(None)
        for w in title_seq:
            if w is not None:
                tf[w] += TITLE_WEIGHT
                length += TITLE_WEIGHT
        lengths.append(length)
        for term, count in tf.items():
            post_ids[term].append(doc_id)
            post_tf[term].append(2 * count + (term in title_words))
        for w in tf.keys() - word_id.keys():
            word_id[w] = len(word_id)
        doc_pairs = set()
        for seq in (title_seq, body_seq):
            ids = list(map(word_id.__getitem__, seq))
            doc_pairs.update(zip(ids, ids[1:]))
        for pair in doc_pairs:
            if pair[0] and pair[1]:
                pairs[pair].append(doc_id)
        distinct = set(title_chunks)
        distinct.update(body_chunks)
        all_chunks |= distinct
        for exact in set(chain.from_iterable(map(accented_of, distinct))):
            form_ids[exact].append(doc_id)
    word_of = sorted(word_id, key=word_id.__getitem__)
    avgdl = (sum(lengths) / n if n else 1.0) or 1.0

    # Impacts: the BM25 part of a term's score, quantised; +32 when the term is in the title.
    post_imp: dict[str, str] = {}
    for term, values in post_tf.items():
        chars = []
        for doc_id, v in zip(post_ids[term], values):
            tf = v >> 1
            bm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[doc_id] / avgdl))
            level = max(1, min(IMPACT_LEVELS, round(bm / (K1 + 1) * IMPACT_LEVELS)))
            chars.append(ALPHABET[level + 32 * (v & 1)])
        post_imp[term] = "".join(chars)

    # Surface forms of each folded term, over the whole archive.
    all_forms: dict[str, set[str]] = defaultdict(set)
    folded_form: dict[str, str] = {}
    for chunk in all_chunks:
        for t in _CHUNK_TOKENS[chunk]:
            if t is not None:
                all_forms[t[1]].add(t[0])
                folded_form[t[0]] = t[1]

    files: dict[str, bytes] = {}
    terms = sorted(post_ids)

    # Postings, packed in term order so a prefix's completions tend to share a shard.
    shard_of: dict[str, int] = {}
    shards: list[dict] = []
    current: dict = {}
    size = 0
    for term in terms:
        entry = [encode_ids(post_ids[term], n), post_imp[term]]
        entry_size = len(term.encode()) + len(entry[0]) + len(entry[1]) + 10
        if current and size + entry_size > POSTINGS_TARGET:
            shards.append(current)
            current, size = {}, 0
        current[term] = entry
        size += entry_size
        shard_of[term] = len(shards)
    if current:
        shards.append(current)
    for i, shard in enumerate(shards):
        files[f"p/{i}.js"] = _js(f"p/{i}", shard)

    # Id sets by hash: word pairs, and exact forms of terms written more than one way.
    sets: dict[str, str] = {f"{word_of[a]} {word_of[b]}": encode_ids(ids, n) for (a, b), ids in pairs.items()}
    form_info: dict[str, object] = {}
    for term in terms:
        term_forms = all_forms[term]
        if len(term_forms) > 1:
            form_info[term] = 1                 # several: look up "=form" in the sets
        elif term not in term_forms:
            (form_info[term],) = term_forms     # the only way it is written
    for exact, ids in form_ids.items():
        if len(all_forms[folded_form[exact]]) > 1:
            sets["=" + exact] = encode_ids(ids, n)
    total = sum(len(k.encode()) + len(v) + 6 for k, v in sets.items())
    set_bits = 0
    while (1 << set_bits) * SETS_TARGET < total and set_bits < 16:
        set_bits += 1
    buckets: dict[int, dict[str, str]] = defaultdict(dict)
    for key, value in sets.items():
        buckets[fnv1a(key) & ((1 << set_bits) - 1)][key] = value
    for h, bucket in buckets.items():
        files[f"s/{h:x}.js"] = _js(f"s/{h:x}", bucket)

    # Vocabulary chunks: columnar, terms in order.
    chunks: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        chunks[chunk_key(term)].append(term)
    for key, chunk_terms in chunks.items():
        name = f"v/{file_key(key)}"
        files[name + ".js"] = _js(name, {
            "t": " ".join(chunk_terms),
            "d": [len(post_ids[t]) for t in chunk_terms],
            "p": [shard_of[t] for t in chunk_terms],
            "f": {t: form_info[t] for t in chunk_terms if t in form_info},
        })

    # Typo candidates.
    typo: dict[str, set[str]] = defaultdict(set)
    for term in terms:
        if len(term) >= TYPO_MIN_LEN and not term.isdigit():
            for key in typo_keys(term):
                typo[key].add(term)
    for key, cands in typo.items():
        name = f"x/{file_key(key)}"
        files[name + ".js"] = _js(name, " ".join(sorted(cands)))

    # Facets: language, source, tag → doc ids; years as ranges of ids (ids are by date).
    facet_ids: dict[str, dict[str, list[int]]] = {"lang": defaultdict(list), "source": defaultdict(list),
                                                  "tag": defaultdict(list)}
    for doc_id, d in enumerate(docs):
        facet_ids["lang"][d.lang].append(doc_id)
        if d.source:
            facet_ids["source"][d.source].append(doc_id)
        for tag in dict.fromkeys(d.tags):
            facet_ids["tag"][tag].append(doc_id)
    facets = {field: [[value, encode_ids(ids, n)] + ([language_name(value)] if field == "lang" else [])
                      for value, ids in sorted(values.items())]
              for field, values in facet_ids.items()}
    years: list[list] = []
    for doc_id, d in enumerate(docs):
        year = d.date[:4]
        if not year:
            continue
        if years and years[-1][0] == year and years[-1][2] == doc_id:
            years[-1][2] = doc_id + 1
        else:
            years.append([year, doc_id, doc_id + 1])
    files["facets.js"] = _js("facets", {"fields": facets, "years": years})

    # One fragment per document, loaded only when shown.
    for doc_id, d in enumerate(docs):
        files[f"f/{doc_id}.js"] = _js(f"f/{doc_id}", {
            "t": d.title, "u": d.url, "d": d.date, "l": d.lang, "s": d.source, "g": list(d.tags),
            "x": snippet_text(d.text)})

    files["manifest.js"] = _js("manifest", {
        "version": FORMAT_VERSION, "docs": n, "setBits": set_bits,
        "vocab": " ".join(file_key(k) for k in sorted(chunks)),
        "typo": " ".join(file_key(k) for k in sorted(typo)),
        "k1": K1, "levels": IMPACT_LEVELS,
    })
    return dict(sorted(files.items()))
