"""The published articles as a sequence whose items are made when first asked for.

An edit that moves no article leaves the list as the last build had it (same slugs, same order,
same files) but for the edited articles' digests. Its pages, search update and related
briefings read a few dozen articles of it; making all 100,000 Article objects from the cache
would cost more than the rest of the edit. `LazyArticles` keeps the list as rows and makes an
article (through `make`) only when an item is read; the columns (slugs, digests) cost nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple

from site_builder.content.article import Article


class ArchiveRow(NamedTuple):
    """One published article as the list knows it."""
    slug: str
    digest: str
    file: str  # under content/articles/, posix


class LazyArticles(Sequence):
    """Articles in list order (latest first), each made once, when first read. Slices share
    what was made."""

    def __init__(self, rows: list[ArchiveRow], made: dict[str, Article], make: Callable[[ArchiveRow], Article],
                 since_last: dict[int, str] | None = None, index: dict[str, int] | None = None):
        self._rows, self._made, self._make = rows, made, make  # made: digest → Article
        self._index = index  # slug → position, if known already (a list with the same slugs)
        # position → the last build's digest, of the articles that differ from its list (the
        # rest is that list as it was: its search index need not compare them all)
        self.since_last = since_last

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):  # its differences from the same slice of the last build's list
            since = None
            if self.since_last is not None:
                kept = range(len(self._rows))[i]
                since = {kept.index(p): d for p, d in self.since_last.items() if p in kept}
            return LazyArticles(self._rows[i], self._made, self._make, since)
        row = self._rows[i]
        article = self._made.get(row.digest)
        if article is None:
            article = self._made[row.digest] = self._make(row)
        return article

    def __iter__(self) -> Iterator[Article]:
        return (self[i] for i in range(len(self._rows)))

    def rows(self) -> list[ArchiveRow]:
        return self._rows

    def slugs(self) -> list[str]:
        return [row.slug for row in self._rows]

    def digests(self) -> list[str]:
        return [row.digest for row in self._rows]

    def position(self, slug: str) -> int | None:
        return self.index().get(slug)

    def index(self) -> dict[str, int]:
        """slug → position in the list."""
        if self._index is None:
            self._index = {row.slug: i for i, row in enumerate(self._rows)}
        return self._index


class SlugView(Mapping):
    """slug → Article over LazyArticles, without making the others."""

    def __init__(self, articles: LazyArticles):
        self._articles = articles

    def __getitem__(self, slug: str) -> Article:
        i = self._articles.position(slug)
        if i is None:
            raise KeyError(slug)
        return self._articles[i]

    def __contains__(self, slug: object) -> bool:
        return isinstance(slug, str) and self._articles.position(slug) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._articles.slugs())

    def __len__(self) -> int:
        return len(self._articles)


class ListedArticles(list):
    """A loaded list of articles (never changed once made) that keeps its slug index and
    columns: several stages of a build ask for them."""

    def __init__(self, articles=()):
        super().__init__(articles)
        self._by_slug: dict[str, Article] | None = None
        self._slugs: list[str] | None = None

    def by_slug(self) -> dict[str, Article]:
        if self._by_slug is None:
            self._by_slug = {a.slug: a for a in self}
        return self._by_slug

    def slugs(self) -> list[str]:
        if self._slugs is None:
            self._slugs = [a.slug for a in self]
        return self._slugs


def slugs_of(articles: Sequence[Article]) -> list[str]:
    """The articles' slugs in order, without making lazy ones."""
    return articles.slugs() if isinstance(articles, (LazyArticles, ListedArticles)) else [a.slug for a in articles]


def digests_of(articles: Sequence[Article]) -> list[str]:
    return articles.digests() if isinstance(articles, LazyArticles) else [a.digest for a in articles]


def by_slug(articles: Sequence[Article]) -> Mapping[str, Article]:
    """slug → article; over lazy articles, a view that makes only those read."""
    if isinstance(articles, LazyArticles):
        return SlugView(articles)
    return articles.by_slug() if isinstance(articles, ListedArticles) else {a.slug: a for a in articles}
