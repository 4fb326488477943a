"""What an in-place update reads of the last index besides its files (the term list with document
frequencies and spellings, document lengths, global numbers) as a view that answers for the
terms it is asked about, and the postings-shard names around the terms an edit changes.

Two views: `MemoryIndex` over the state a full build returns (tests, and the form the build
cache writes), and the SQLite store of the build cache (search/store.py), which reads only the
rows asked for. Either way an update costs what it touches, not the size of the vocabulary.
"""
from __future__ import annotations

import bisect
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol

from site_builder.search import layout


class IndexView(Protocol):
    params: dict
    set_bits: int
    set_total: int
    total_length: int

    def length(self, doc: int) -> int: ...
    def df(self, term: str) -> int: ...          # 0: not a term
    def dfs(self, terms: Iterable[str]) -> dict[str, int]: ...  # of those that are terms
    def forms(self, term: str) -> dict[str, int] | None: ...
    def before(self, term: str, limit: int) -> list[tuple[str, int]]: ...  # nearest first
    def after(self, term: str, limit: int) -> list[tuple[str, int]]: ...   # nearest first


@dataclass
class IndexDelta:
    """What an update changed of the view: the new global numbers and the rows that moved."""
    params: dict
    set_bits: int
    set_total: int
    total_length: int
    lengths: dict[int, int] = field(default_factory=dict)          # doc → length
    df: dict[str, int] = field(default_factory=dict)               # term → df (0: removed)
    forms: dict[str, dict | None] = field(default_factory=dict)    # term → spellings (None: none)


class MemoryIndex:
    """A full build's index state (index.IndexBuild.state) as an IndexView."""

    def __init__(self, state: dict):
        self.state = state
        self.params, self.set_bits, self.set_total = state["params"], state["setBits"], state["setTotal"]
        self.total_length = sum(state["lengths"])
        self.terms, self._df = state["terms"], state["df"]

    def length(self, doc: int) -> int:
        return self.state["lengths"][doc]

    def df(self, term: str) -> int:
        i = bisect.bisect_left(self.terms, term)
        return self._df[i] if i < len(self.terms) and self.terms[i] == term else 0

    def dfs(self, terms: Iterable[str]) -> dict[str, int]:
        return {t: d for t in terms if (d := self.df(t))}

    def forms(self, term: str) -> dict[str, int] | None:
        return self.state["forms"].get(term)

    def before(self, term: str, limit: int) -> list[tuple[str, int]]:
        i = bisect.bisect_left(self.terms, term)
        lo = max(0, i - limit)
        return list(zip(self.terms[lo:i], self._df[lo:i]))[::-1]

    def after(self, term: str, limit: int) -> list[tuple[str, int]]:
        i = bisect.bisect_right(self.terms, term)
        return list(zip(self.terms[i:i + limit], self._df[i:i + limit]))

    def apply(self, delta: IndexDelta) -> dict:
        """The state after `delta` (what a full build of the new documents returns)."""
        df = dict(zip(self.terms, self._df))
        df.update(delta.df)
        terms = sorted(t for t, d in df.items() if d)
        forms = dict(self.state["forms"])
        for t, f in delta.forms.items():
            if f is None:
                forms.pop(t, None)
            else:
                forms[t] = f
        lengths = list(self.state["lengths"]) + [0] * (delta.params["docs"] - len(self.state["lengths"]))
        for d, n in delta.lengths.items():
            lengths[d] = n
        return {"params": delta.params, "setBits": delta.set_bits, "setTotal": delta.set_total,
                "lengths": lengths, "terms": terms, "df": [df[t] for t in terms],
                "forms": dict(sorted(forms.items()))}


def _is_start(term: str, df: int, prev_df: int | None, anchor: int) -> bool | None:
    """Whether a term starts a postings shard (layout.shard_names); None: cannot tell without
    the term before it."""
    if df >= layout.BIG_DF or zlib.crc32(term.encode()) % anchor == 0:
        return True
    return None if prev_df is None else prev_df >= layout.BIG_DF


class ShardLayout:
    """Shard names before and after an edit, worked out only in the regions around the changed
    terms: from a term that starts a shard both before and after, to the next such term. (A
    shard starts at an anchor term, a big term and the term after a big one: a name can change
    only between two terms whose standing did not.)"""

    def __init__(self, view: IndexView, new_df: dict[str, int], anchor: int,
                 known: Callable[[str], str | None] = lambda term: None):
        """new_df: the terms added, removed (0) or crossing layout.BIG_DF; known: a term's old
        shard as the index says it (its vocabulary chunk), or None."""
        self.view, self.new_df, self.anchor, self.known = view, new_df, anchor, known
        self.old_name: dict[str, str] = {}
        self.new_name: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}   # new shard name → its terms (in a region)
        for term in sorted(new_df):
            if term not in self.old_name and term not in self.new_name:
                self._region(term)

    def _window(self, term: str, k: int):
        """Old and new (term, df) lists around `term`, and whether they reach either end."""
        below, above = self.view.before(term, k), self.view.after(term, k)
        old_df = self.view.df(term)
        old = below[::-1] + ([(term, old_df)] if old_df else []) + above
        first_all, last_all = len(below) < k, len(above) < k
        lo = None if first_all or not old else old[0][0]
        hi = None if last_all or not old else old[-1][0]
        merged = dict(old)
        for t, d in self.new_df.items():
            if (lo is None or t >= lo) and (hi is None or t <= hi):
                merged[t] = d
        new = sorted((t, d) for t, d in merged.items() if d)
        return old, new, first_all, last_all

    def _starts(self, items: list[tuple[str, int]], first_all: bool) -> dict[str, bool | None]:
        out: dict[str, bool | None] = {}
        prev = None
        for i, (t, d) in enumerate(items):
            out[t] = True if i == 0 and first_all else _is_start(t, d, prev, self.anchor)
            prev = d
        return out

    def _region(self, term: str) -> None:
        k = 32
        while True:
            old, new, first_all, last_all = self._window(term, k)
            s_old, s_new = self._starts(old, first_all), self._starts(new, first_all)
            both = [t for t, _ in old if s_old[t] and s_new.get(t)]
            lo = next((t for t in reversed(both) if t <= term), None)
            hi = next((t for t in both if t > term), None)
            if (lo is not None or first_all) and (hi is not None or last_all):
                break
            k *= 4
        for items, names in ((old, self.old_name), (new, self.new_name)):
            name = ""
            for t, _ in items:
                if (lo is not None and t < lo) or (hi is not None and t >= hi):
                    continue
                if name == "" or (s_old if names is self.old_name else s_new)[t]:
                    name = layout.shard_name(t)
                names[t] = name
                if names is self.new_name:
                    self.members.setdefault(name, set()).add(t)

    def old_name_of(self, term: str) -> str:
        """The shard a term of the old index was in (found by walking back to a shard start)."""
        if term in self.old_name:
            return self.old_name[term]
        name = self.known(term)
        if name is not None:
            self.old_name[term] = name
            return name
        k = 32
        while True:
            below = self.view.before(term, k)
            items = below[::-1] + [(term, self.view.df(term))]
            starts = self._starts(items, len(below) < k)
            found = next((t for t, _ in reversed(items) if starts[t]), None)
            if found is not None:
                self.old_name[term] = layout.shard_name(found)
                return self.old_name[term]
            k *= 4
