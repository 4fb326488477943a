"""Articles → every page the site has, each with its template and context. No I/O, no Jinja."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from site_builder.site import urls
from site_builder.content.loader import Article
from site_builder.text.locale import format_month, language_name


@dataclass(frozen=True)
class Term:
    """One value of a taxonomy (a tag, a source, a language, a month) with its articles."""
    kind: str
    name: str
    slug: str
    articles: tuple[Article, ...]

    @property
    def path(self) -> str:
        return urls.term_path(self.kind, self.slug)

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True)
class TermRef:
    """What a page shows of a term: not its article list, so that a page's fingerprint (and so
    what an edit re-renders) covers only what the page really shows."""
    kind: str
    name: str
    slug: str
    count: int
    path: str


def ref(term: Term) -> TermRef:
    return TermRef(term.kind, term.name, term.slug, term.count, term.path)


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    context: dict = field(compare=False)
    lang: str = "en"
    source: str = "site"  # what asked for this page, named when two pages collide


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    paths: tuple[str, ...]

    @property
    def prev_path(self):
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def next_path(self):
        return self.paths[self.number] if self.number < self.total else None


def taxonomies(articles: list[Article]) -> dict[str, list[Term]]:
    """Tags, sources, languages and months, each sorted by name; article lists latest first."""
    groups: dict[str, dict[str, list[Article]]] = {k: defaultdict(list) for k in urls.TAXONOMY_DIRS}
    names: dict[tuple[str, str], str] = {}
    for a in articles:
        keys = [("tag", t) for t in a.tags] + [("lang", a.lang)]
        if a.source:
            keys.append(("source", a.source))
        if a.date:
            keys.append(("month", f"{a.date.year:04d}-{a.date.month:02d}"))
        for kind, name in keys:
            slug = urls.term_slug(kind, name)
            names.setdefault((kind, slug), name)
            if not groups[kind][slug] or groups[kind][slug][-1] is not a:
                groups[kind][slug].append(a)
    result = {}
    for kind, by_slug in groups.items():
        terms = [Term(kind, _display(kind, names[(kind, s)]), s, tuple(arts)) for s, arts in by_slug.items()]
        reverse = kind == "month"
        result[kind] = sorted(terms, key=lambda t: (t.slug if reverse else t.name.casefold(), t.slug),
                              reverse=reverse)
    return result


def _display(kind: str, name: str) -> str:
    if kind == "lang":
        return language_name(name)
    if kind == "month":
        return format_month(int(name[:4]), int(name[5:7]))
    return name


def paginate(items, per_page: int, path_of) -> list[tuple[Pager, tuple]]:
    chunks = [tuple(items[i:i + per_page]) for i in range(0, len(items), per_page)] or [()]
    paths = tuple(path_of(n) for n in range(1, len(chunks) + 1))
    return [(Pager(n, len(chunks), paths), chunk) for n, chunk in enumerate(chunks, start=1)]


def plan_pages(articles: list[Article], per_page: int, site_lang: str,
               related: dict[str, tuple[str, ...]] | None = None) -> list[Page]:
    """Every HTML page of the site, in a stable order. `related`: slug → related slugs."""
    by_slug = {a.slug: a for a in articles}
    related = related or {}
    pages: list[Page] = []
    for i, a in enumerate(articles):
        newer = articles[i - 1] if i > 0 else None
        older = articles[i + 1] if i + 1 < len(articles) else None
        translations = tuple(by_slug[s] for s in a.translations if s in by_slug and s != a.slug)
        see_also = tuple(by_slug[s] for s in related.get(a.slug, ()) if s in by_slug and s != a.slug)
        pages.append(Page(urls.article_path(a.slug), "article.html",
                          {"article": a, "newer": newer, "older": older, "translations": translations,
                           "related": see_also},
                          lang=a.lang, source=str(a.source_path)))
    for pager, chunk in paginate(articles, per_page, urls.home_path):
        pages.append(Page(pager.paths[pager.number - 1], "index.html",
                          {"articles": chunk, "pager": pager, "total": len(articles)}, lang=site_lang))
    terms = taxonomies(articles)
    for kind, kind_terms in terms.items():
        pages.append(Page(urls.taxonomy_index_path(kind), "terms.html",
                          {"kind": kind, "terms": tuple(ref(t) for t in kind_terms)}, lang=site_lang))
        for term in kind_terms:
            lang = term.slug if kind == "lang" else site_lang
            for pager, chunk in paginate(term.articles, per_page,
                                         lambda n, t=term: urls.term_path(t.kind, t.slug, n)):
                pages.append(Page(pager.paths[pager.number - 1], "term.html",
                                  {"term": ref(term), "articles": chunk, "pager": pager}, lang=lang,
                                  source=f"{kind} '{term.name}'"))
    pages.append(Page(urls.SEARCH, "search.html", {}, lang=site_lang))
    pages.append(Page(urls.NOT_FOUND, "404.html", {}, lang=site_lang))
    return pages
