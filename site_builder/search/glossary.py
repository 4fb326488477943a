"""The search glossary (glossary.txt): expressions that mean one thing across words and
languages ("Saigon", "TP.HCM", "Ho Chi Minh City"; "typhoon", "bão"), each line a concept.

A document that uses an expression is also indexed under its concept term, counted like a word
of the field it is in (tokens._weights); a query that uses one also looks the concept up, at a
lower weight (search-core.js reads the expressions from the vocabulary chunk of their first
word, `c`), or at the words' own weight when the line is a name ("=" before it: the names of
one place, `n` of the chunk). Concept terms start with "_", which no word holds. Pure data and
matching, no I/O after the file is read once."""
from __future__ import annotations

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import compress, count
from pathlib import Path

from site_builder.search.layout import chunk_key

CONCEPT_MARK = "_"
MAX_WORDS = 6              # words of the longest expression (search-core.js tries no longer span)


@dataclass(frozen=True)
class Glossary:
    by_first: dict          # exact first word → [(exact words, concept)], longest first
    chunks: dict            # vocabulary chunk key → {folded expression: [concept, exact spellings…]}
    spelled: dict = None    # chunk key of a concept → {concept: [its expressions' exact words, …]}
    names: frozenset = frozenset()   # concepts of "=" lines: the names of one place, each as good as another


def _words(text: str) -> list[tuple[str, str]]:
    from site_builder.search.tokens import tokens
    return [t for t in tokens(text) if t is not None]


def parse(text: str) -> Glossary:
    """glossary.txt → Glossary; an expression on two lines, or a folded spelling shared by two
    concepts, is an error (a query could not tell them apart)."""
    by_first: dict[str, list] = defaultdict(list)
    chunks: dict[str, dict[str, list]] = defaultdict(dict)
    seen: dict[str, str] = {}
    spelled: dict[str, dict[str, list]] = defaultdict(dict)
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name = line.startswith("=")
        exprs = [_words(e) for e in line.removeprefix("=").split("|")]
        concept = CONCEPT_MARK + "".join(f for _, f in exprs[0])
        if name:
            names.add(concept)
        for words in exprs:
            exact = " ".join(e for e, _ in words)
            folded = " ".join(f for _, f in words)
            if not words or len(words) > MAX_WORDS or seen.get(exact, concept) != concept:
                raise ValueError(f"glossary: {exact!r} is empty, too long or on two lines")
            seen[exact] = concept
            spelled[chunk_key(concept)].setdefault(concept, []).append(exact)
            by_first[words[0][0]].append((tuple(e for e, _ in words), concept))
            entry = chunks[chunk_key(words[0][1])].setdefault(folded, [concept])
            if entry[0] != concept:
                raise ValueError(f"glossary: {folded!r} is in two concepts")
            if exact != folded:
                entry.append(exact)
    for key, entries in chunks.items():
        for folded, entry in entries.items():   # an unaccented spelling matches every accented one
            if folded in seen and len(entry) > 1:
                del entry[1:]
    return Glossary(by_first={w: sorted(v, key=lambda x: -len(x[0])) for w, v in by_first.items()},
                    chunks=dict(chunks), spelled=dict(spelled), names=frozenset(names))


@functools.cache
def glossary() -> Glossary:
    """The project's glossary, read once (lazily: parsing it needs the tokeniser)."""
    return parse(Path(__file__).with_name("glossary.txt").read_text(encoding="utf-8"))


def is_concept(term: str) -> bool:
    return term.startswith(CONCEPT_MARK)


def concepts(exact_words: list[str], known: Glossary | None = None) -> Counter:
    """How many times each concept's expressions occur in a field (exact words in order,
    sentence breaks left out); expressions do not overlap, the longest at a place wins. Only
    the places where an expression's first word stands are looked at (found in C)."""
    found: Counter = Counter()
    by_first = (known or glossary()).by_first
    if by_first.keys().isdisjoint(exact_words):
        return found
    free = 0  # the first place no expression found so far covers
    for i in compress(count(), map(by_first.__contains__, exact_words)):
        if i < free:
            continue
        for words, concept in by_first[exact_words[i]]:
            if tuple(exact_words[i:i + len(words)]) == words:
                found[concept] += 1
                free = i + len(words)
                break
    return found


def chunk_entries(key: str, known: Glossary | None = None) -> dict | None:
    """The `c` of vocabulary chunk `key`: folded expression → [concept, exact spellings when
    only those match]."""
    return (known or glossary()).chunks.get(key)


def chunk_names(key: str, known: Glossary | None = None) -> list:
    """The `n` of vocabulary chunk `key`: the concepts of its expressions (`c`) that are names."""
    known = known or glossary()
    return sorted({e[0] for e in (known.chunks.get(key) or {}).values()} & known.names)


def concept_spellings(key: str, known: Glossary | None = None) -> dict | None:
    """The `e` of vocabulary chunk `key`: concept → the exact words of each of its expressions,
    for the page to mark them in a result ("saigon" marks "TP.HCM")."""
    return (known or glossary()).spelled.get(key)
