"""A mapping seen as another with a few keys changed or removed, without a copy: an edit's
output records and related lists over the last build's (100,000 of them, read from disk by key
or kept in a dev server's memory), so that what an edit costs follows what it changed.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Overlay(Mapping, Generic[K, V]):
    """`base` with `changes` put over it and `removed` taken out. An overlay over an overlay is
    flattened, so a dev server's edits stay one layer over the records on disk."""

    def __init__(self, base: Mapping[K, V], changes: Mapping[K, V], removed: Iterable[K] = ()):
        changes, removed = dict(changes), set(removed)
        if isinstance(base, Overlay):
            changes = {**{k: v for k, v in base.changes.items() if k not in removed}, **changes}
            removed = (base.removed - changes.keys()) | removed
            base = base.base
        self.base = base
        self.changes = changes
        self.removed = frozenset(k for k in removed - changes.keys() if k in base)
        added = sum(1 for k in changes if k not in base)
        self._len = len(base) + added - len(self.removed)

    def __getitem__(self, key: K) -> V:
        if key in self.changes:
            return self.changes[key]
        if key in self.removed:
            raise KeyError(key)
        return self.base[key]

    def __contains__(self, key: object) -> bool:
        return key in self.changes or (key not in self.removed and key in self.base)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[K]:
        for key in self.base:
            if key not in self.changes and key not in self.removed:
                yield key
        yield from (k for k in self.changes)

    def count_under(self, prefix: str) -> int:
        """How many keys start with `prefix`: the base's count (by its own count_under when it has
        one) corrected by the changes."""
        count = getattr(self.base, "count_under", None)
        n = count(prefix) if count is not None else sum(1 for k in self.base if k.startswith(prefix))
        n += sum(1 for k in self.changes if k.startswith(prefix) and k not in self.base)
        return n - sum(1 for k in self.removed if k.startswith(prefix))

    def moved(self) -> dict[K, V | None]:
        """The keys whose value differs from the base's: key → its value now (None: removed)."""
        found: dict[K, V | None] = {k: v for k, v in self.changes.items() if self.base.get(k) != v}
        found.update(dict.fromkeys(self.removed))
        return found

    def same_as_base(self) -> bool:
        return not self.removed and all(self.base.get(k) == v for k, v in self.changes.items())
