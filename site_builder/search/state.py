"""What a search build leaves for the next one's in-place update (kept by the build cache):
a full build's whole state, or an edit's changes to the state it started from."""
from __future__ import annotations

from dataclasses import dataclass, field

from site_builder.search.terms import IndexDelta

Vector = tuple  # ((word, weight), …), heaviest first (search/related.py)


@dataclass
class FullState:
    fp: str
    docs: list[tuple[str, str, str]]   # id order (oldest first): slug, digest, language
    vectors: list[Vector]              # related-briefing words of each document
    index: dict | None = None          # index.IndexBuild.state, once the index is built
    code: str = ""                     # the search code's fingerprint (set by the pipeline)


@dataclass
class StateDelta:
    base_fp: str                       # the state it changes: written only over that one
    fp: str
    docs: dict[int, tuple[str, str, str]]   # id → slug, digest, language: edited or appended
    index: IndexDelta
    vectors: dict[int, tuple[Vector, Vector]] = field(default_factory=dict)  # id → (old, new)
    code: str = ""
