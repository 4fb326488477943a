"""Articles → every page the site has, each with its template and context. No I/O, no Jinja."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from site_builder.site import urls
from site_builder.site.tags import TagIndex, TagRef, index_tags, safe_slugs
from site_builder.content.article import Article
from site_builder.text.locale import language_name

UNDATED = "undated"  # the month term of articles with no date of their own or a translation's


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

    @property
    def year_group(self) -> str:
        """The year a month term is listed under in the archive ('undated' for no date)."""
        return self.slug[:4] if self.kind == "month" and self.slug != UNDATED else self.slug


def ref(term: Term) -> TermRef:
    return TermRef(term.kind, term.name, term.slug, term.count, term.path)


@dataclass(frozen=True)
class ShownDate:
    """The date an article is listed under: its own, or (from_lang set) its translation's."""
    date: dt.date
    from_lang: str | None = None


@dataclass(frozen=True)
class LangLink:
    """One entry of the header's language switch: lang '' is the page of every language."""
    lang: str
    path: str
    current: bool


# Frozen records whose fields are all plain values (no article, no long tuple): equal ones read
# alike, so what is made of one (its fingerprint, its plan's JSON) is made once per value.
PLAIN_RECORDS = frozenset({TermRef, ShownDate, LangLink, TagRef})


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

    @property
    def window(self) -> tuple[int | None, ...]:
        """Page numbers a numbered pager shows: first, last and two either side of this one;
        None where numbers are left out."""
        keep = sorted({1, self.total, *range(max(1, self.number - 2), min(self.total, self.number + 2) + 1)})
        out: list[int | None] = []
        for n in keep:
            if out and n - out[-1] > 1:
                out.append(None if n - out[-1] > 2 else n - 1)
            out.append(n)
        return tuple(out)


@dataclass(frozen=True)
class SiteGraph:
    """What pages and feeds share: articles in listing order, tags, translations, shown dates."""
    articles: tuple[Article, ...]
    tags: TagIndex
    translations: dict[str, tuple[Article, ...]]  # slug → its other-language versions
    dates: dict[str, ShownDate]  # slug → shown date (articles with none are left out)
    languages: tuple[str, ...]  # every article language, sorted
    site_lang: str = "en"

    def borrowed(self, articles) -> dict[str, ShownDate]:
        """Shown dates taken from a translation, for the articles of one list."""
        return {a.slug: self.dates[a.slug] for a in articles
                if a.slug in self.dates and self.dates[a.slug].from_lang}


def _translation_groups(articles: list[Article]) -> dict[str, tuple[Article, ...]]:
    """Translations both ways: an article listed by another is its translation too."""
    by_slug = {a.slug: a for a in articles}
    linked: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        for s in a.translations:
            if s in by_slug and s != a.slug:
                linked[a.slug].add(s)
                linked[s].add(a.slug)
    return {slug: tuple(sorted((by_slug[s] for s in others), key=lambda t: (t.lang, t.slug)))
            for slug, others in linked.items()}


def _shown_dates(articles: list[Article], translations) -> dict[str, ShownDate]:
    dates = {}
    for a in articles:
        if a.date:
            dates[a.slug] = ShownDate(a.date)
            continue
        dated = sorted((t.date, t.slug, t.lang) for t in translations.get(a.slug, ()) if t.date)
        if dated:
            dates[a.slug] = ShownDate(dated[0][0], dated[0][2])
    return dates


def site_graph(articles: list[Article], aliases: dict[str, str] | None = None, site_lang: str = "en") -> SiteGraph:
    translations = _translation_groups(articles)
    dates = _shown_dates(articles, translations)

    def listing_order(a: Article):
        d = dates.get(a.slug)
        return (d is None, -(d.date.toordinal() if d else 0), a.slug)
    return SiteGraph(articles=tuple(sorted(articles, key=listing_order)),
                     tags=index_tags((t for a in articles for t in a.tags), aliases),
                     translations=translations, dates=dates,
                     languages=tuple(sorted({a.lang for a in articles})), site_lang=site_lang)


def warnings(graph: SiteGraph) -> list[str]:
    """What the graph tells the editor: tags left out (undated articles are warned about with
    the other date warnings, in site_warnings)."""
    return [f"tag '{t}' has no letter or digit: left out" for t in graph.tags.dropped]


def taxonomies(graph: SiteGraph) -> dict[str, list[Term]]:
    """Tags, sources, languages and months, each sorted by name (months latest first, undated
    last); article lists in listing order."""
    groups: dict[str, dict[str, list[Article]]] = {k: defaultdict(list) for k in urls.TAXONOMY_DIRS}
    names: dict[tuple[str, str], str] = {}
    source_slugs = safe_slugs((a.source for a in graph.articles if a.source), "source")
    for a in graph.articles:
        shown = graph.dates.get(a.slug)
        keys = [("tag", t.slug, t.name) for t in graph.tags.refs(a.tags)] + [("lang", a.lang, a.lang)]
        if a.source in source_slugs:
            keys.append(("source", source_slugs[a.source], a.source))
        month = f"{shown.date.year:04d}-{shown.date.month:02d}" if shown else UNDATED
        keys.append(("month", month, month))
        for kind, slug, name in keys:
            names.setdefault((kind, slug), name)
            if not groups[kind][slug] or groups[kind][slug][-1] is not a:
                groups[kind][slug].append(a)
    result = {}
    for kind, by_slug in groups.items():
        terms = [Term(kind, _display(kind, names[(kind, s)]), s, tuple(arts)) for s, arts in by_slug.items()]
        if kind == "month":
            result[kind] = sorted(terms, key=lambda t: (t.slug != UNDATED, t.slug), reverse=True)
        else:
            result[kind] = sorted(terms, key=lambda t: (t.name.casefold(), t.slug))
    return result


def _display(kind: str, name: str) -> str:
    return language_name(name) if kind == "lang" else name


def paginate(items, per_page: int, path_of) -> list[tuple[Pager, tuple]]:
    chunks = [tuple(items[i:i + per_page]) for i in range(0, len(items), per_page)] or [()]
    paths = tuple(path_of(n) for n in range(1, len(chunks) + 1))
    return [(Pager(n, len(chunks), paths), chunk) for n, chunk in enumerate(chunks, start=1)]


def language_switch(graph: SiteGraph, current: str, versions: dict[str, str] | None = None) -> tuple[LangLink, ...]:
    """Every language's version of a page (`versions`: lang → path) or else its home, after the
    page of all languages. Empty for a site in one language."""
    if len(graph.languages) < 2:
        return ()
    versions = versions or {}
    links = [LangLink("", urls.HOME, current == "")]
    links += [LangLink(lang, versions.get(lang, urls.lang_home_path(lang)), lang == current)
              for lang in graph.languages]
    return tuple(links)


def see_also(article: Article, translations: tuple[Article, ...], related: tuple[str, ...],
             by_slug: dict[str, Article]) -> tuple[Article, ...]:
    """The related briefings an article's page shows: neither itself nor its translations."""
    others = {article.slug, *(t.slug for t in translations)}
    return tuple(by_slug[s] for s in related if s in by_slug and s not in others)


def _article_pages(graph: SiteGraph, related: dict[str, tuple[str, ...]]) -> list[Page]:
    arts = graph.articles
    by_slug = {a.slug: a for a in arts}
    source_slugs = safe_slugs((a.source for a in arts if a.source), "source")
    pages = []
    for i, a in enumerate(arts):
        translations = graph.translations.get(a.slug, ())
        versions = {t.lang: urls.article_path(t.slug) for t in reversed(translations)}
        versions[a.lang] = urls.article_path(a.slug)
        # x-default: the version in the site's language, else this one
        default = versions.get(graph.site_lang, versions[a.lang])
        pages.append(Page(urls.article_path(a.slug), "article.html", {
            "article": a, "translations": translations,
            "related": see_also(a, translations, related.get(a.slug, ()), by_slug),
            "newer": arts[i - 1] if i > 0 else None, "older": arts[i + 1] if i + 1 < len(arts) else None,
            "tags": graph.tags.refs(a.tags), "shown_date": graph.dates.get(a.slug),
            "source_path": urls.term_path("source", source_slugs[a.source]) if a.source in source_slugs else None,
            "x_default": default, "switch": language_switch(graph, a.lang, versions)},
            lang=a.lang, source=str(a.source_path)))
    return pages


def _home_pages(graph: SiteGraph, per_page: int) -> list[Page]:
    """The home of every language together, then one per language (when there are several)."""
    pages = []
    homes = [(None, list(graph.articles))]
    if len(graph.languages) > 1:
        homes += [(lang, [a for a in graph.articles if a.lang == lang]) for lang in graph.languages]
    for lang, arts in homes:
        path_of = urls.home_path if lang is None else (lambda n, lang=lang: urls.lang_home_path(lang, n))
        versions = {other: urls.lang_home_path(other) for other in graph.languages}
        for pager, chunk in paginate(arts, per_page, path_of):
            pages.append(Page(pager.paths[pager.number - 1], "index.html", {
                "articles": chunk, "pager": pager, "total": len(arts), "home_lang": lang,
                "borrowed": graph.borrowed(chunk), "feed_path": urls.feed_path(lang),
                "switch": language_switch(graph, lang or "", versions)}, lang=lang or graph.site_lang))
    return pages


def plan_pages(articles: list[Article], per_page: int, site_lang: str,
               related: dict[str, tuple[str, ...]] | None = None,
               graph: SiteGraph | None = None) -> list[Page]:
    """Every HTML page of the site, in a stable order. `related`: slug → related slugs."""
    graph = graph or site_graph(articles, site_lang=site_lang)
    pages = _article_pages(graph, related or {})
    pages += _home_pages(graph, per_page)
    switch = language_switch(graph, "")
    for kind, kind_terms in taxonomies(graph).items():
        pages.append(Page(urls.taxonomy_index_path(kind), "terms.html",
                          {"kind": kind, "terms": tuple(ref(t) for t in kind_terms), "switch": switch},
                          lang=site_lang))
        for term in kind_terms:
            lang = term.slug if kind == "lang" else site_lang
            for pager, chunk in paginate(term.articles, per_page,
                                         lambda n, t=term: urls.term_path(t.kind, t.slug, n)):
                pages.append(Page(pager.paths[pager.number - 1], "term.html",
                                  {"term": ref(term), "articles": chunk, "pager": pager, "switch": switch,
                                   "borrowed": graph.borrowed(chunk)},
                                  lang=lang, source=f"{kind} '{term.name}'"))
    pages.append(Page(urls.SEARCH, "search.html", {"switch": switch}, lang=site_lang))
    pages.append(Page(urls.NOT_FOUND, "404.html", {"switch": switch}, lang=site_lang))
    return pages
