"""Atom feed and sitemap. Times come from content dates, never from the clock."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape as _html_escape
from typing import Callable

from site_builder.site import urls
from site_builder.site.graph import SiteGraph
from site_builder.site.tags import TagIndex, TagRef
from site_builder.content.article import Article
from site_builder.text.locale import language_name


def escape(text: str) -> str:
    """XML text: & < > (xml.sax.saxutils would pull in urllib and email at import)."""
    return _html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    return '"' + _html_escape(text, quote=True) + '"'

FEED_SIZE = 50


def _stamp(article: Article | None) -> str:
    return f"{article.date.isoformat()}T00:00:00Z" if article and article.date else "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class FeedPlan:
    """What one feed shows: the slugs of its entries (latest first), the site's languages and
    the tags of those entries. Kept by the plan store, so that an edit of an article a feed
    shows remakes the feed from these entries alone."""
    lang: str | None                          # None: the feed of every article
    slugs: tuple[str, ...]
    languages: tuple[str, ...]
    tags: tuple[tuple[str, TagRef], ...]      # spelling → tag, for the entries' spellings


def feed_plans(graph: SiteGraph) -> dict[str, FeedPlan]:
    """feed.xml of every article and, for a site in several languages, <lang>/feed.xml of each."""
    lists = {urls.FEED: (None, graph.articles[:FEED_SIZE])}
    if len(graph.languages) > 1:
        for lang in graph.languages:
            lists[urls.feed_path(lang)] = (lang, [a for a in graph.articles if a.lang == lang][:FEED_SIZE])
    plans = {}
    for path, (lang, latest) in lists.items():
        spellings = sorted({t for a in latest for t in a.tags})
        tags = tuple((t, ref) for t in spellings if (ref := graph.tags.of(t)) is not None)
        plans[path] = FeedPlan(lang, tuple(a.slug for a in latest), graph.languages, tags)
    return plans


def atom_feeds(graph: SiteGraph, site: dict, summary_of: Callable[[Article], str]) -> dict[str, bytes]:
    """Every feed of the site (feed_plans), made."""
    by_slug = {a.slug: a for a in graph.articles}
    return {path: feed_of(plan, by_slug, site, summary_of) for path, plan in feed_plans(graph).items()}


def feed_of(plan: FeedPlan, by_slug: Mapping[str, Article], site: dict, summary_of: Callable[[Article], str]) -> bytes:
    """One feed made from its plan, with the articles `by_slug` gives."""
    return atom_feed([by_slug[s] for s in plan.slugs], site, summary_of, TagIndex(dict(plan.tags)), plan.lang,
                     plan.languages)


def atom_feed(articles: list[Article], site: dict, summary_of: Callable[[Article], str],
              tags: TagIndex, lang: str | None = None, languages: tuple[str, ...] | None = None) -> bytes:
    """One Atom feed: of every article (lang None) or of one language's; tags by display name;
    the feed of every article links the feeds of `languages` (default: those of `articles`)."""
    base = site.get("base_url", "")
    here = urls.feed_path(lang)
    if base:
        link = lambda p: urls.absolute(base, p)  # noqa: E731
    else:  # relative to the feed itself, so it works from anywhere the site is put
        link = lambda p: urls.relative(here, p)  # noqa: E731
    home = urls.HOME if lang is None else urls.lang_home_path(lang)
    title = site["title"] if lang is None else f"{site['title']} ({language_name(lang)})"
    feed_id = link(here) if base else f"urn:site-builder:{escape(site['title'])}" + (f":{lang}" if lang else "")
    latest = articles[:FEED_SIZE]
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(lang or site["language"])}>',
           f"<title>{escape(title)}</title>",
           f"<id>{escape(feed_id)}</id>",
           f"<updated>{_stamp(max(latest, key=lambda a: a.date.toordinal() if a.date else 0, default=None))}</updated>",
           f'<link rel="self" href={quoteattr(link(here))}/>',
           f'<link rel="alternate" type="text/html" href={quoteattr(link(home))}/>']
    languages = tuple(sorted({a.lang for a in articles})) if languages is None else languages
    if lang is None and len(languages) > 1:
        for code in languages:
            out.append(f'<link rel="alternate" type="application/atom+xml" hreflang={quoteattr(code)} '
                       f'href={quoteattr(link(urls.feed_path(code)))}/>')
    elif lang is not None:
        out.append(f'<link rel="related" type="application/atom+xml" href={quoteattr(link(urls.FEED))}/>')
    for a in latest:
        entry_id = link(urls.article_path(a.slug)) if base else f"urn:site-builder:article:{a.slug}"
        out += [f"<entry xml:lang={quoteattr(a.lang)}>", f"<title>{escape(a.title)}</title>",
                f'<link rel="alternate" hreflang={quoteattr(a.lang)} href={quoteattr(link(urls.article_path(a.slug)))}/>',
                f"<id>{escape(entry_id)}</id>", f"<updated>{_stamp(a)}</updated>"]
        if a.author or a.source:
            out.append(f"<author><name>{escape(a.author or a.source)}</name></author>")
        for tag in tags.refs(a.tags):
            out.append(f"<category term={quoteattr(tag.slug)} label={quoteattr(tag.name)}/>")
        out.append(f"<summary>{escape(summary_of(a))}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def sitemap(paths: list[str], base_url: str) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    out += [f"<url><loc>{escape(urls.absolute(base_url, p))}</loc></url>" for p in sorted(paths)]
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")
