"""Atom feed and sitemap. Times come from content dates, never from the clock."""
from __future__ import annotations

from html import escape as _html_escape

from typing import Callable

from site_builder.site import urls
from site_builder.site.graph import SiteGraph
from site_builder.site.tags import TagIndex
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


def atom_feeds(graph: SiteGraph, site: dict, summary_of: Callable[[Article], str]) -> dict[str, bytes]:
    """feed.xml of every article and, for a site in several languages, <lang>/feed.xml of each."""
    feeds = {urls.FEED: atom_feed(list(graph.articles), site, summary_of, graph.tags, None)}
    if len(graph.languages) > 1:
        for lang in graph.languages:
            latest = [a for a in graph.articles if a.lang == lang]
            feeds[urls.feed_path(lang)] = atom_feed(latest, site, summary_of, graph.tags, lang)
    return feeds


def feed_reads(graph: SiteGraph) -> dict[str, tuple[str, ...]]:
    """Feed path → the slugs of the articles it shows (what an edit must look for)."""
    reads = {urls.FEED: tuple(a.slug for a in graph.articles[:FEED_SIZE])}
    if len(graph.languages) > 1:
        for lang in graph.languages:
            latest = [a.slug for a in graph.articles if a.lang == lang][:FEED_SIZE]
            reads[urls.feed_path(lang)] = tuple(latest)
    return reads


def atom_feed(articles: list[Article], site: dict, summary_of: Callable[[Article], str],
              tags: TagIndex, lang: str | None = None) -> bytes:
    """One Atom feed: of every article (lang None) or of one language's; tags by display name."""
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
    if lang is None and len({a.lang for a in articles}) > 1:
        for code in sorted({a.lang for a in articles}):
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
