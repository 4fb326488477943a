"""Atom feed and sitemap. Times come from content dates, never from the clock."""
from __future__ import annotations

from html import escape as _html_escape

from site_builder.site import urls
from site_builder.content.loader import Article


def escape(text: str) -> str:
    """XML text: & < > (xml.sax.saxutils would pull in urllib and email at import)."""
    return _html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    return '"' + _html_escape(text, quote=True) + '"'

FEED_SIZE = 50


def _stamp(article: Article | None) -> str:
    return f"{article.date.isoformat()}T00:00:00Z" if article and article.date else "1970-01-01T00:00:00Z"


def atom_feed(articles: list[Article], site: dict, summaries: dict[str, str]) -> bytes:
    base = site.get("base_url", "")
    link = (lambda p: urls.absolute(base, p)) if base else (lambda p: p)
    feed_id = link(urls.FEED) if base else f"urn:site-builder:{escape(site['title'])}"
    latest = articles[:FEED_SIZE]
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(site["language"])}>',
           f"<title>{escape(site['title'])}</title>",
           f"<id>{escape(feed_id)}</id>",
           f"<updated>{_stamp(max(latest, key=lambda a: a.date.toordinal() if a.date else 0, default=None))}</updated>",
           f'<link rel="self" href={quoteattr(link(urls.FEED))}/>',
           f'<link rel="alternate" href={quoteattr(link(urls.HOME))}/>']
    for a in latest:
        entry_id = link(urls.article_path(a.slug)) if base else f"urn:site-builder:article:{a.slug}"
        out += ["<entry>", f"<title>{escape(a.title)}</title>",
                f'<link rel="alternate" href={quoteattr(link(urls.article_path(a.slug)))}/>',
                f"<id>{escape(entry_id)}</id>", f"<updated>{_stamp(a)}</updated>"]
        if a.author or a.source:
            out.append(f"<author><name>{escape(a.author or a.source)}</name></author>")
        for tag in a.tags:
            out.append(f"<category term={quoteattr(tag)}/>")
        out.append(f"<summary>{escape(summaries.get(a.slug, ''))}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def sitemap(paths: list[str], base_url: str) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    out += [f"<url><loc>{escape(urls.absolute(base_url, p))}</loc></url>" for p in sorted(paths)]
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")
