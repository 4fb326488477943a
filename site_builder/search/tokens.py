"""Text → folded tokens, and what one document adds to the index (DocTerms). Pure."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from site_builder.search.scoring import TITLE_WEIGHT
from site_builder.text.slug import fold

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

