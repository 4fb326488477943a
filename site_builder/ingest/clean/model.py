"""The cleaner's data: raw lines, the document the rules read, the change a rule returns, and the
helpers rules use to claim lines and find their way around the page.

A rule looks at the lines no earlier rule has claimed and returns a ``Change``; ``apply`` folds it
into the next ``Doc``. A line nobody claims is kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from site_builder.ingest.publishers import Publishers, builtin
from site_builder.text.sentences import terms
from site_builder.text.shape import is_prose

VERDICTS = ("kept", "dropped", "caption", "metadata")


@dataclass(frozen=True)
class Decision:
    """What happened to (part of) one raw line, and which rule decided it."""

    line_no: int
    text: str
    verdict: str
    rule: str


@dataclass(frozen=True)
class Origin:
    """Where a metadata field came from: the raw line (0: derived from the body) and the rule."""

    key: str
    line_no: int
    rule: str


@dataclass(frozen=True)
class CleanResult:
    body: str
    meta: dict
    decisions: tuple[Decision, ...]
    origins: tuple[Origin, ...] = ()


@dataclass(frozen=True)
class Line:
    no: int  # 1-based raw line number
    raw: str
    text: str  # current text, after prefixes/suffixes moved to metadata
    verdict: str | None = None
    rule: str = ""

    @property
    def open(self) -> bool:
        return self.verdict is None


@dataclass(frozen=True)
class Doc:
    lines: tuple[Line, ...]
    meta: Mapping[str, object]
    origins: Mapping[str, Origin] = field(default_factory=lambda: MappingProxyType({}))
    publishers: Publishers = field(default_factory=builtin)


@dataclass(frozen=True)
class Change:
    lines: tuple[Line, ...] = ()
    meta: tuple[tuple[str, object], ...] = ()
    notes: tuple[Decision, ...] = ()


Rule = Callable[[Doc], Change]
# list-valued metadata; 'source_hints' holds (trust rank, name) pairs weaker than a credit
LIST_KEYS = ("captions", "tags", "source_hints")
# trust of the signals naming a publisher, after an explicit credit ('Theo …', '(VNA)', 'X/AFP')
HINT_MASTHEAD, HINT_COPYRIGHT, HINT_DOMAIN, HINT_FOLLOW = 2, 3, 4, 5


def claim(line: Line, verdict: str, rule: str, text: str | None = None) -> Line:
    return replace(line, verdict=verdict, rule=rule, text=line.text if text is None else text)


def open_idx(doc: Doc) -> list[int]:
    """Indexes of lines no rule has claimed yet (blank lines are claimed first)."""
    return [i for i, ln in enumerate(doc.lines) if ln.open]


def is_blank(line: Line) -> bool:
    return line.rule == "blank_line"


def prev_content(doc: Doc, i: int) -> int | None:
    """Index of the nearest non-blank line above i."""
    for j in range(i - 1, -1, -1):
        if not is_blank(doc.lines[j]):
            return j
    return None


def next_content(doc: Doc, i: int) -> int | None:
    for j in range(i + 1, len(doc.lines)):
        if not is_blank(doc.lines[j]):
            return j
    return None


def adjacent_above(doc: Doc, i: int) -> bool:
    """True when line i directly follows a non-blank line (same visual block)."""
    return i > 0 and not is_blank(doc.lines[i - 1])


def article_vocab(doc: Doc, exclude: Iterable[int] = ()) -> frozenset[str]:
    """Vocabulary of the open prose lines: what the article itself talks about."""
    skip = set(exclude)
    out: set[str] = set()
    for i in open_idx(doc):
        if i not in skip and is_prose(doc.lines[i].text):
            out |= terms(doc.lines[i].text)
    return frozenset(out)


def prose_bounds(doc: Doc) -> tuple[int | None, int | None]:
    """First and last open prose line: the article's body runs between them."""
    idx = [i for i in open_idx(doc) if is_prose(doc.lines[i].text)]
    return (idx[0], idx[-1]) if idx else (None, None)


def apply(doc: Doc, change: Change) -> Doc:
    lines = list(doc.lines)
    for ln in change.lines:
        lines[ln.no - 1] = ln
    meta = dict(doc.meta)
    origins = dict(doc.origins)
    for k, v in change.meta:
        if k in LIST_KEYS:
            cur = list(meta.get(k, ()))
            if v not in cur:
                meta[k] = cur + [v]
        elif v and k not in meta:
            meta[k] = v
            origins[k] = origin_of(k, change)
    return Doc(tuple(lines), MappingProxyType(meta), MappingProxyType(origins), doc.publishers)


def origin_of(key: str, change: Change) -> Origin:
    """A field's origin: the first line the change took as metadata (a rule that sets several
    values from several lines sets the first one from its first line)."""
    found = sorted([(ln.no, ln.rule) for ln in change.lines if ln.verdict == "metadata"]
                   + [(d.line_no, d.rule) for d in change.notes if d.verdict == "metadata"])
    if found:
        return Origin(key, *found[0])
    if change.lines:
        return Origin(key, change.lines[0].no, change.lines[0].rule or "?")
    return Origin(key, 0, "?")
