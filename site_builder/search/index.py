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
  f/<g>.js          documents g·4 … g·4+3 (FRAGMENT_GROUP): title, url, date, language,
                    source, tags, text; four to a file, so 10,000 documents are 2,500 files

Every file is a tiny script, `window.__sbSearch.register("<name>", {...});`, so it loads
with a <script> tag from file:// as well as over http(s).
"""
from __future__ import annotations

import gc
import json
import math
import re
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from operator import sub
from typing import Iterable, Iterator, Mapping

from site_builder.text.locale import language_name
from site_builder.text.slug import fold

FORMAT_VERSION = 2
FRAGMENT_GROUP = 4        # documents per f/ file: creating a file costs more than its bytes here
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
_CHUNK_WORDS: dict[str, tuple] = {}             # chunk → (folded word | _BREAK, …)
_CHUNK_FORMS: dict[str, tuple] = {}             # chunk → ((exact, folded), …) without breaks
_BREAK = "\n"  # a sentence break among folded words: a word never holds one, and a pair
               # holding one is the only pair that is not str.isprintable (filtered in C)


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
        for cache in (_CHUNK_FOLDED, _CHUNK_TOKENS, _CHUNK_ACCENTED, _CHUNK_WORDS, _CHUNK_FORMS):
            cache.clear()
    for chunk in set(chunks).difference(_CHUNK_FOLDED):
        toks = _CHUNK_TOKENS[chunk] = _tokenise_chunk(chunk)
        _CHUNK_FOLDED[chunk] = tuple(t[1] if t is not None else None for t in toks)
        _CHUNK_WORDS[chunk] = tuple(t[1] if t is not None else _BREAK for t in toks)
        _CHUNK_FORMS[chunk] = tuple(t for t in toks if t is not None)
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


@lru_cache(maxsize=1)
def _bit_positions() -> list[int]:
    """id → its bit in _bitmap's integer (group i//6 is byte i//6), for ids up to 16,383."""
    return [8 * (i // 6) + i % 6 for i in range(1 << 14)]


def _bitmap(ids: list[int]) -> bytes:
    """Bit i%6 of character i//6 set for every id: each group of six ids becomes one byte (bits
    0-5) of a big integer, written as a base-2 numeral (least significant digit first, then
    reversed) and parsed by int() in C."""
    groups = ids[-1] // 6 + 1
    digits = bytearray(b"0") * (8 * groups)
    table = _bit_positions()
    bit_at = table.__getitem__ if ids[-1] < len(table) else (lambda i: 8 * (i // 6) + i % 6)
    deque(map(digits.__setitem__, map(bit_at, ids), repeat(ord("1"))), maxlen=0)
    digits.reverse()
    return int(digits, 2).to_bytes(groups, "little").translate(_TO_ALPHABET)


_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_BITS = [tuple(bit for bit in range(6) if v >> bit & 1) for v in range(64)]


def decode_ids(text: str) -> list[int]:
    """Inverse of encode_ids (the browser has the same in search.js; used by tests)."""
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


def snippet_text(text: str, limit: int = TEXT_LIMIT) -> str:
    if "  " in text or "\t" in text:
        text = re.sub(r"[ \t]+", " ", text)
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


# ---------------------------------------------------------------------------------------------
# What one document contributes


@dataclass(frozen=True)
class DocTerms:
    """Everything one document adds to the index, so an edit can take the old version out and
    put the new one in without looking at the other documents."""
    tf2: dict        # folded term → 2·tf + 1 if it is in the title (tf: title words count ×3)
    length: int      # BM25F document length (title words ×3)
    pairs: frozenset  # "w1 w2": adjacent words that no sentence break separates
    forms: dict      # exact spelling → its folded term, each spelling the document uses


def analyse(title: str, text: str) -> DocTerms:
    title_chunks, body_chunks = _chunks(title), _chunks(text)
    title_seq, body_seq, tf2, length = _weights(title_chunks, body_chunks)
    pairs = set(map(" ".join, zip(title_seq, title_seq[1:])))
    pairs.update(map(" ".join, zip(body_seq, body_seq[1:])))
    forms = dict(chain.from_iterable(map(_CHUNK_FORMS.__getitem__, set(title_chunks).union(body_chunks))))
    return DocTerms(tf2=tf2, length=length, pairs=frozenset(filter(str.isprintable, pairs)), forms=forms)


def term_weights(title: str, text: str) -> dict:
    """analyse(title, text).tf2 alone: what related briefings need of the articles an edit revectors."""
    return _weights(_chunks(title), _chunks(text))[2]


def _weights(title_chunks: list[str], body_chunks: list[str]) -> tuple[list, list, dict, int]:
    """Folded words of title and body in order (_BREAK between sentences), 2·tf + in-title,
    and the BM25F length."""
    folded_of = _CHUNK_WORDS.__getitem__
    title_seq = list(chain.from_iterable(map(folded_of, title_chunks)))
    body_seq = list(chain.from_iterable(map(folded_of, body_chunks)))
    tf = Counter(body_seq)
    length = len(body_seq) - tf.pop(_BREAK, 0)
    title_words = set(title_seq)
    title_words.discard(_BREAK)
    for w in title_seq:
        if w != _BREAK:
            tf[w] += TITLE_WEIGHT
            length += TITLE_WEIGHT
    return title_seq, body_seq, {t: 2 * c + (t in title_words) for t, c in tf.items()}, length


# ---------------------------------------------------------------------------------------------
# Layout: which file each record lives in. Every rule is local (a record's file depends on its
# own key and, for postings, its neighbours), so an edit rewrites only the files it touches.

BIG_DF = 1500          # a term in this many documents gets a postings shard to itself


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


def form_info(counts: Mapping[str, int], term: str):
    """Vocabulary 'f' of a term from its spellings: 1 if several, the spelling if it is the only
    one and differs from the term, else None."""
    if len(counts) > 1:
        return 1
    if len(counts) == 1:
        (only,) = counts
        return only if only != term else None
    return None


def impact_char(v: int, length: int, avgdl: int) -> str:
    """BM25 part of a term's score in one document, quantised; +32 when in the title."""
    tf = v >> 1
    bm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avgdl))
    level = max(1, min(IMPACT_LEVELS, round(bm / (K1 + 1) * IMPACT_LEVELS)))
    return ALPHABET[level + 32 * (v & 1)]


class _Impacts(dict):
    """(tf2 value, document length) → impact_char, computed once per distinct pair."""

    def __init__(self, avgdl: int):
        super().__init__()
        self.avgdl = avgdl

    def __missing__(self, key: tuple[int, int]) -> str:
        c = self[key] = impact_char(key[0], key[1], self.avgdl)
        return c


# ---------------------------------------------------------------------------------------------
# Files from records (shared by the full build and the incremental update)


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


def vocab_file(key: str, records: Mapping[str, tuple]) -> bytes:
    """records: term → (df, postings shard, form info)."""
    terms = sorted(records)
    shards = list(dict.fromkeys(records[t][1] for t in terms))
    index = {s: i for i, s in enumerate(shards)}
    name = f"v/{file_key(key)}"
    return _js(name, {"t": " ".join(terms), "d": [records[t][0] for t in terms], "P": shards,
                      "p": [index[records[t][1]] for t in terms],
                      "f": {t: records[t][2] for t in terms if records[t][2] is not None}})


def vocab_records(data: bytes) -> dict[str, tuple]:
    v = read_js(data)
    terms = v["t"].split(" ")
    return {t: (v["d"][i], v["P"][v["p"][i]], v["f"].get(t)) for i, t in enumerate(terms)}


def typo_file(key: str, terms: Iterable[str]) -> bytes:
    name = f"x/{file_key(key)}"
    return _js(name, " ".join(sorted(terms)))


def facets_file(docs: list[SearchDoc]) -> bytes:
    """Language, source, tag → doc ids; years as ranges of ids (ids are by date)."""
    facet_ids: dict[str, dict[str, list[int]]] = {"lang": defaultdict(list), "source": defaultdict(list),
                                                  "tag": defaultdict(list)}
    years: list[list] = []
    for doc_id, d in enumerate(docs):
        facet_ids["lang"][d.lang].append(doc_id)
        if d.source:
            facet_ids["source"][d.source].append(doc_id)
        for tag in dict.fromkeys(d.tags):
            facet_ids["tag"][tag].append(doc_id)
        year = d.date[:4]
        if not year:
            continue
        if years and years[-1][0] == year and years[-1][2] == doc_id:
            years[-1][2] = doc_id + 1
        else:
            years.append([year, doc_id, doc_id + 1])
    facets = {field: [[value, encode_ids(ids)] + ([language_name(value)] if field == "lang" else [])
                      for value, ids in sorted(values.items())]
              for field, values in facet_ids.items()}
    return _js("facets", {"fields": facets, "years": years})


def fragment(d: SearchDoc) -> dict:
    return {"t": d.title, "u": d.url, "d": d.date, "l": d.lang, "s": d.source, "g": list(d.tags),
            "x": snippet_text(d.text)}


def fragment_name(doc_id: int) -> str:
    return f"f/{doc_id // FRAGMENT_GROUP}"


def fragment_file(group: int, fragments: list[dict]) -> bytes:
    """Fragments of documents group·FRAGMENT_GROUP … in id order."""
    return _js(f"f/{group}", fragments)


def manifest_file(params: dict, set_bits: int, vocab_keys: Iterable[str], typo_keys_: Iterable[str]) -> bytes:
    return _js("manifest", {"version": FORMAT_VERSION, "docs": params["docs"], "setBits": set_bits,
                            "fragments": FRAGMENT_GROUP,
                            "vocab": " ".join(sorted(vocab_keys)), "typo": " ".join(sorted(typo_keys_)),
                            "k1": K1, "levels": IMPACT_LEVELS})


def manifest_keys(data: bytes) -> tuple[set[str], set[str]]:
    m = read_js(data)
    return set(m["vocab"].split()), set(m["typo"].split())


def is_typo_term(term: str) -> bool:
    return len(term) >= TYPO_MIN_LEN and not term.isdigit()


# ---------------------------------------------------------------------------------------------
# The full build


@dataclass
class IndexBuild:
    files: dict[str, bytes]   # relative path → bytes
    state: dict               # JSON: what an incremental update needs (see search_update)


IdList = array  # array('I'): 4 bytes an id where a list of ints takes 36 (10,000 articles: 5M ids)


def _ids() -> IdList:
    return array("I")


@dataclass
class PartialIndex:
    """What a run of consecutive documents adds to the index. Markdown workers build one each for
    their share of the archive; partials of consecutive runs merge by concatenation, so the index
    does not depend on how the archive was cut."""
    first: int                                          # id of the run's first document
    lengths: list[int]                                  # BM25F length of each document, in order
    postings: dict[str, tuple[IdList, IdList]]          # term → (doc ids, 2·tf + in title)
    pairs: dict[str, IdList]                            # "w1 w2" → doc ids
    accented: dict[str, tuple[str, IdList]]             # exact spelling ≠ term → (term, doc ids)
    form_count: Counter                                 # exact spelling → documents using it


def _append_each(arrays: defaultdict, keys: Iterable, values: Iterable) -> None:
    """arrays[k].append(v) for k, v in zip(keys, values), looped in C: the index makes millions."""
    deque(map(array.append, map(arrays.__getitem__, keys), values), maxlen=0)


def partial_index(first_id: int, analyses: Iterable[DocTerms]) -> PartialIndex:
    post_ids: defaultdict = defaultdict(_ids)
    post_v: defaultdict = defaultdict(_ids)
    pairs: defaultdict = defaultdict(_ids)
    accented: dict[str, tuple[str, IdList]] = {}
    form_count: Counter = Counter()
    lengths = []
    for doc_id, a in enumerate(analyses, first_id):
        lengths.append(a.length)
        _append_each(post_ids, a.tf2, repeat(doc_id))
        _append_each(post_v, a.tf2, a.tf2.values())
        _append_each(pairs, a.pairs, repeat(doc_id))
        form_count.update(a.forms.keys())
        for exact, term in a.forms.items():
            if exact != term:
                entry = accented.get(exact)
                if entry is None:
                    accented[exact] = (term, array("I", (doc_id,)))
                else:
                    entry[1].append(doc_id)
    postings = {t: (ids, post_v[t]) for t, ids in post_ids.items()}
    return PartialIndex(first_id, lengths, postings, dict(pairs), accented, form_count)


_KEY_SEP = "\n"  # between the keys of a packed partial: no term, pair or spelling holds one


@dataclass(frozen=True)
class PackedPartial:
    """A PartialIndex as a few flat arrays and strings: what a Markdown worker sends back.
    Pickling thousands of small arrays cost the workers more than building them did, and the
    parent as much again to unpickle; these are copied whole. Keys are joined by _KEY_SEP, each
    key's ids follow one another in key order, `*_counts` says how many each has."""
    first: int
    lengths: list[int]
    form_count: dict[str, int]
    terms: str
    term_counts: IdList
    term_ids: IdList
    term_values: IdList
    pairs: str
    pair_counts: IdList
    pair_ids: IdList
    accented: str            # exact spellings …
    accented_terms: str      # … and the term of each
    accented_counts: IdList
    accented_ids: IdList

    def document_frequencies(self) -> Iterable[tuple[str, int]]:
        """(term, documents of this run that hold it)."""
        return zip(_keys(self.terms), self.term_counts)


def _keys(joined: str) -> list[str]:
    return joined.split(_KEY_SEP) if joined else []


def _concatenated(arrays: Iterable[IdList]) -> IdList:
    out = array("I")
    deque(map(out.extend, arrays), maxlen=0)
    return out


def pack_partial(part: PartialIndex) -> PackedPartial:
    post_ids = [ids for ids, _ in part.postings.values()]
    accented_ids = [ids for _, ids in part.accented.values()]
    return PackedPartial(
        first=part.first, lengths=part.lengths, form_count=dict(part.form_count),
        terms=_KEY_SEP.join(part.postings), term_counts=array("I", map(len, post_ids)),
        term_ids=_concatenated(post_ids), term_values=_concatenated(v for _, v in part.postings.values()),
        pairs=_KEY_SEP.join(part.pairs), pair_counts=array("I", map(len, part.pairs.values())),
        pair_ids=_concatenated(part.pairs.values()),
        accented=_KEY_SEP.join(part.accented), accented_terms=_KEY_SEP.join(t for t, _ in part.accented.values()),
        accented_counts=array("I", map(len, accented_ids)), accented_ids=_concatenated(accented_ids))


def _runs(counts: IdList, flat: IdList) -> Iterator[IdList]:
    """The consecutive runs of `flat` that `counts` measures, each an array of its own."""
    at = 0
    for n in counts:
        yield flat[at:at + n]
        at += n


def merge_partials(partials: list[PackedPartial]) -> PartialIndex:
    """Packed partials of consecutive runs, in order → one PartialIndex (arrays of its own)."""
    merged = PartialIndex(partials[0].first if partials else 0, [], {}, {}, {}, Counter())
    postings, pairs, accented = merged.postings, merged.pairs, merged.accented
    for part in partials:
        if part.first != merged.first + len(merged.lengths):
            raise ValueError(f"partial index of documents {part.first}… does not follow on")
        merged.lengths.extend(part.lengths)
        for term, ids, values in zip(_keys(part.terms), _runs(part.term_counts, part.term_ids),
                                     _runs(part.term_counts, part.term_values)):
            have = postings.get(term)
            if have is None:
                postings[term] = (ids, values)
            else:
                have[0].extend(ids)
                have[1].extend(values)
        for key, ids in zip(_keys(part.pairs), _runs(part.pair_counts, part.pair_ids)):
            have_ids = pairs.get(key)
            if have_ids is None:
                pairs[key] = ids
            else:
                have_ids.extend(ids)
        for exact, term, ids in zip(_keys(part.accented), _keys(part.accented_terms),
                                    _runs(part.accented_counts, part.accented_ids)):
            have = accented.get(exact)
            if have is None:
                accented[exact] = (term, ids)
            else:
                have[1].extend(ids)
        merged.form_count.update(part.form_count)
    return merged


def build_index(docs: list[SearchDoc]) -> dict[str, bytes]:
    """SearchDocs (id = position; the build puts the oldest first) → {relative path: file bytes}."""
    return index_documents(docs).files


def index_documents(docs: list[SearchDoc], partials: list[PackedPartial] | None = None) -> IndexBuild:
    """partials: what the documents add, if already worked out (by the Markdown workers)."""
    with gc_paused():
        if partials is None:
            return _index_documents(docs, partial_index(0, (analyse(d.title, d.text) for d in docs)))
        return _index_documents(docs, merge_partials(partials))


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


def _index_documents(docs: list[SearchDoc], part: PartialIndex) -> IndexBuild:
    n = len(docs)
    lengths, form_count = part.lengths, part.form_count
    if len(lengths) != n:
        raise ValueError(f"index of {n} documents given the terms of {len(lengths)}")
    params = index_params(n, sum(lengths))
    avgdl = params["avgdl"]
    terms = sorted(part.postings)
    df = [len(part.postings[t][0]) for t in terms]

    # Spellings per term, only for terms written with accents somewhere ('forms' in the state).
    forms: dict[str, dict[str, int]] = defaultdict(dict)
    for exact, (term, _) in part.accented.items():
        forms[term][exact] = form_count[exact]
    for term, counts in forms.items():
        if form_count[term]:
            counts[term] = form_count[term]

    files: dict[str, bytes] = {}
    names = shard_names(terms, df, params["anchor"])
    shard: dict[str, list] = {}
    impacts = _Impacts(avgdl)
    length_of = lengths.__getitem__
    for i, term in enumerate(terms):
        ids, values = part.postings[term]
        chars = "".join(map(impacts.__getitem__, zip(values, map(length_of, ids))))
        shard[term] = [encode_ids(ids), chars]
        if i + 1 == len(terms) or names[i + 1] != names[i]:
            files[f"p/{names[i]}.js"] = _js(f"p/{names[i]}", shard)
            shard = {}

    sets: dict[str, str] = {key: encode_ids(ids) for key, ids in part.pairs.items()}
    for exact, (term, ids) in part.accented.items():
        if len(forms[term]) > 1:
            sets["=" + exact] = encode_ids(ids)
    set_total = sum(set_record_size(k, v) for k, v in sets.items())
    set_bits = set_bits_for(set_total)
    buckets: dict[int, dict[str, str]] = defaultdict(dict)
    for key, value in sets.items():
        buckets[fnv1a(key) & ((1 << set_bits) - 1)][key] = value
    for h, bucket in buckets.items():
        files[f"s/{h:x}.js"] = _js(f"s/{h:x}", bucket)

    chunks: dict[str, dict[str, tuple]] = defaultdict(dict)
    for i, term in enumerate(terms):
        chunks[chunk_key(term)][term] = (df[i], names[i], form_info(forms[term], term) if term in forms else None)
    for key, records in chunks.items():
        files[f"v/{file_key(key)}.js"] = vocab_file(key, records)

    typo: dict[str, set[str]] = defaultdict(set)
    for term in terms:
        if is_typo_term(term):
            for key in typo_keys(term):
                typo[key].add(term)
    for key, cands in typo.items():
        files[f"x/{file_key(key)}.js"] = typo_file(key, cands)

    files["facets.js"] = facets_file(docs)
    for g in range(0, n, FRAGMENT_GROUP):
        files[f"f/{g // FRAGMENT_GROUP}.js"] = fragment_file(g // FRAGMENT_GROUP, list(map(fragment, docs[g:g + FRAGMENT_GROUP])))
    files["manifest.js"] = manifest_file(params, set_bits, map(file_key, chunks), map(file_key, typo))
    state = {"params": params, "setBits": set_bits, "setTotal": set_total, "lengths": lengths,
             "terms": terms, "df": df, "forms": {t: dict(sorted(c.items())) for t, c in sorted(forms.items())}}
    return IndexBuild(files=dict(sorted(files.items())), state=state)
