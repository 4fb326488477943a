"""Text → folded tokens, and what one document adds to the index (DocTerms). Pure."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import chain, compress, count, islice, repeat
from operator import and_, mul

from site_builder.search.glossary import concepts
from site_builder.search.scoring import FIELD_WEIGHTS, JOIN_MAX
from site_builder.search.stem import stem
from site_builder.text.slug import fold

# A word is a run of letters/digits (\w without '_'); sentence punctuation breaks phrases.
_TOKEN_RE = re.compile(r"[^\W_]+|[.!?;:…。\n]")


def normalize_word(word: str) -> tuple[str, str]:
    """A raw word → (exact, folded): exact is NFC and case-folded, folded also has its accents
    stripped and đ turned into d. `Tội` → ('tội', 'toi'). The folded form is stemmed (English,
    search/stem.py), and so is the exact one when it has no accents: `Floods` → ('flood', 'flood'),
    `Cafés` → ('cafés', 'cafe')."""
    exact = unicodedata.normalize("NFC", word).casefold()
    folded = fold(exact).casefold()
    stemmed = stem(folded)
    return (stemmed if exact == folded else exact), stemmed


# Text is split on white space (fast, in C); each distinct chunk ("mạng," "(UNODC)") is
# tokenised once and remembered, so tokenising an archive is mostly dictionary look-ups.
_NEWLINE = "\x00"                              # stands for a line break: a sentence break
_CHUNK_FOLDED: dict[str, tuple] = {}            # chunk → (folded word | None for a break, …)
_CHUNK_TOKENS: dict[str, tuple] = {}            # chunk → ((exact, folded) | None, …)
_CHUNK_ACCENTED: dict[str, tuple] = {}          # chunk → its exact forms that differ from folded
_CHUNK_WORDS: dict[str, tuple] = {}             # chunk → (folded word | _BREAK, …)
_CHUNK_FORMS: dict[str, tuple] = {}             # chunk → ((exact, folded), …) without breaks
_CHUNK_NAMES: dict[str, tuple] = {}             # chunk → (True for a capitalised word, …) as _CHUNK_WORDS
_CHUNK_EXACT: dict[str, tuple] = {}             # chunk → (exact word, …) without breaks (what concepts match)
_CACHES = (_CHUNK_FOLDED, _CHUNK_TOKENS, _CHUNK_ACCENTED, _CHUNK_WORDS, _CHUNK_FORMS, _CHUNK_NAMES, _CHUNK_EXACT)
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


def _capitalised(chunk: str, toks: tuple) -> tuple:
    """Per token of a chunk: does the word start with a capital letter (a name's syllable)?"""
    if chunk == _NEWLINE:
        return (False,)
    return tuple(t is not None and raw[:1].isupper() for raw, t in zip(_TOKEN_RE.findall(chunk), toks))


def _chunks(text: str) -> list[str]:
    chunks = unicodedata.normalize("NFC", text).replace("\n", f" {_NEWLINE} ").split()
    if len(_CHUNK_FOLDED) > 1_000_000:
        for cache in _CACHES:
            cache.clear()
    for chunk in set(chunks).difference(_CHUNK_FOLDED):
        toks = _CHUNK_TOKENS[chunk] = _tokenise_chunk(chunk)
        _CHUNK_FOLDED[chunk] = tuple(t[1] if t is not None else None for t in toks)
        _CHUNK_WORDS[chunk] = tuple(t[1] if t is not None else _BREAK for t in toks)
        forms = _CHUNK_FORMS[chunk] = tuple(t for t in toks if t is not None)
        _CHUNK_EXACT[chunk] = tuple(t[0] for t in forms)
        _CHUNK_ACCENTED[chunk] = tuple(t[0] for t in toks if t is not None and t[0] != t[1])
        _CHUNK_NAMES[chunk] = _capitalised(chunk, toks)
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


@dataclass(frozen=True)
class DocTerms:
    """Everything one document adds to the index, so an edit can take the old version out and
    put the new one in without looking at the other documents."""
    tf2: dict        # folded term → 2·tf + 1 if it is in the title (tf: field-weighted, BM25F)
    length: int      # BM25F document length (field-weighted)
    pairs: frozenset  # "w1 w2": adjacent words that no sentence break separates
    forms: dict      # exact spelling → its folded term, each spelling the document uses


def analyse(title: str, text: str, lead: str = "") -> DocTerms:
    """lead: what the article says it is about besides its title (summary, photo captions)."""
    fields = (_chunks(title), _chunks(lead), _chunks(text))
    seqs, tf2, length = _weights(fields)
    pairs = set()
    for seq in seqs:
        pairs.update(map(" ".join, zip(seq, seq[1:])))
    forms = dict(chain.from_iterable(map(_CHUNK_FORMS.__getitem__, set().union(*fields))))
    return DocTerms(tf2=tf2, length=length, pairs=frozenset(filter(str.isprintable, pairs)), forms=forms)


def article_lead(article) -> str:
    """The lead field of an article (content.loader.Article): its summary and photo captions."""
    return "\n".join(filter(None, (article.summary or "", *article.captions)))


def term_weights(title: str, text: str, lead: str = "") -> dict:
    """analyse(title, text, lead).tf2 alone: what related briefings need of the articles an edit revectors."""
    return _weights((_chunks(title), _chunks(lead), _chunks(text)))[1]


def joined_names(seq: list[str], capitalised: list[bool]) -> list[str]:
    """Two adjacent capitalised syllables of a name, written joined: 'Hà Nội' → 'hanoi', so that
    a reader who writes a Vietnamese name the English way (Hanoi, Vietnam, Danang) finds it.
    Only the places where two capitalised words meet are looked at (found in C)."""
    out = []
    for i in compress(count(), map(and_, capitalised, islice(capitalised, 1, None))):
        a, b = seq[i], seq[i + 1]
        if (len(a) <= JOIN_MAX and len(b) <= JOIN_MAX
                and a.isalpha() and b.isalpha() and a.isascii() and b.isascii()):
            out.append(a + b)
    return out


def _weights(fields: tuple[list[str], ...]) -> tuple[list, dict, int]:
    """Folded words of each field in order (_BREAK between sentences), 2·tf + in-title, and the
    BM25F length: a word counts FIELD_WEIGHTS[field] times (title, lead, body). Joined names and
    glossary concepts count like words but add nothing to the length. Every occurrence goes into
    one list, repeated by its field's weight, that one Counter counts (in C): the terms come in
    the order they first occur."""
    folded_of, names_of, exact_of = _CHUNK_WORDS.__getitem__, _CHUNK_NAMES.__getitem__, _CHUNK_EXACT.__getitem__
    seqs = [list(chain.from_iterable(map(folded_of, chunks))) for chunks in fields]
    weighted: list[str] = []
    length = 0
    title_words: set[str] = set()
    for field, (chunks, seq, weight) in enumerate(zip(fields, seqs, FIELD_WEIGHTS)):
        joined = joined_names(seq, list(chain.from_iterable(map(names_of, chunks))))
        found = concepts(list(chain.from_iterable(map(exact_of, chunks))))
        terms = [*seq, *joined, *found.elements()]
        length += weight * (len(seq) - seq.count(_BREAK))
        weighted += terms * weight if weight != 1 else terms
        if field == 0:
            title_words.update(terms)
    tf = Counter(weighted)
    tf.pop(_BREAK, None)
    title_words.discard(_BREAK)
    tf2 = dict(zip(tf, map(mul, repeat(2), tf.values())))
    for t in title_words:
        tf2[t] += 1
    return seqs, tf2, length
