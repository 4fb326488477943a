"""The only place that decides where a page lives and how pages link to each other.

Every internal link is relative and ends in a file name, so one output works at a domain
root, under a sub-path and from file:// (where a link to a folder shows a listing or fails).
"""
from __future__ import annotations

import posixpath
from functools import lru_cache

from site_builder.site.tags import RESERVED_SLUGS, term_slug as name_slug

HOME = "index.html"
SEARCH = "search.html"
NOT_FOUND = "404.html"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
STATIC = "static"

TAXONOMY_DIRS = {"tag": "tags", "source": "sources", "lang": "languages", "month": "archive"}


def article_path(slug: str) -> str:
    return f"articles/{slug}.html"


@lru_cache(maxsize=4096)
def term_slug(kind: str, name: str) -> str:
    """The slug of one name on its own; the site graph also settles clashes between names."""
    if kind in ("lang", "month"):
        return name
    slug = name_slug(name, fallback=kind)
    return f"{slug}-{kind}" if slug in RESERVED_SLUGS else slug


def term_path(kind: str, slug: str, page: int = 1) -> str:
    base = f"{TAXONOMY_DIRS[kind]}/{slug}"
    return f"{base}.html" if page == 1 else f"{base}/page-{page}.html"


def taxonomy_index_path(kind: str) -> str:
    return f"{TAXONOMY_DIRS[kind]}/index.html"


def home_path(page: int = 1) -> str:
    return HOME if page == 1 else f"page/{page}.html"


def lang_home_path(lang: str, page: int = 1) -> str:
    """The home page of one language's articles."""
    return f"{lang}/index.html" if page == 1 else f"{lang}/page/{page}.html"


def feed_path(lang: str | None = None) -> str:
    """The Atom feed of every article (lang None) or of one language's."""
    return FEED if lang is None else f"{lang}/{FEED}"


def static_path(name: str) -> str:
    return f"{STATIC}/{name}"


def root_prefix(page_path: str) -> str:
    """Relative prefix from a page to the site root: '' for index.html, '../' for a/b.html."""
    depth = page_path.count("/")
    return "../" * depth


def relative(from_page: str, to_path: str) -> str:
    return posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")


def absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/{path}"
