"""Links in Markdown to other articles' files (`other.md`, `other-slug.md`) → links to their pages.

A writer links articles the way their editor shows them, by file. Each article remembers the
.md links of its body with their file lines (content/links.py, when it is parsed); a build
resolves them against the articles it has (`LinkTargets`), puts each article page's resolved
links in its context (so a page is rendered again when a target appears, moves or goes), rewrites
the hrefs of the rendered HTML and warns about every link to an article that does not exist.
"""
from __future__ import annotations

import html
import os
import posixpath
import re
from typing import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from site_builder.site import urls
from site_builder.site_warnings import SiteWarning

_HREF = re.compile(r'(<a href=")([^"]*)(")')


class LinkTargets:
    """What a .md link can name: an article file (relative to content/articles/) or a slug.
    Made on first use (`make`): most archives have no such links, and making it reads the path
    of every article."""

    def __init__(self, make: Callable[[], tuple[dict[str, str], frozenset[str]]]):
        self._make = make
        self._made: tuple[dict[str, str], frozenset[str]] | None = None

    @classmethod
    def of(cls, articles, articles_dir: Path) -> "LinkTargets":
        def make() -> tuple[dict[str, str], frozenset[str]]:
            files = ArticleFiles(articles_dir)
            by_file = {}
            for a in articles:
                rel = files.rel(a.source_path)
                if rel is not None:
                    by_file[rel] = a.slug
            return by_file, frozenset(a.slug for a in articles)
        return cls(make)

    def _targets(self) -> tuple[dict[str, str], frozenset[str]]:
        if self._made is None:
            self._made = self._make()
        return self._made

    @property
    def by_file(self) -> dict[str, str]:
        return self._targets()[0]

    @property
    def slugs(self) -> frozenset[str]:
        return self._targets()[1]

    def slug_for(self, href: str, from_file: str) -> str | None:
        """The slug of the article `href` names, seen from the article file `from_file`."""
        path = unquote(urlsplit(href).path)
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_file), path))
        if joined in self.by_file:
            return self.by_file[joined]
        stem = posixpath.basename(path)[:-3]
        if stem in self.slugs:
            return stem
        from site_builder.text.slug import slugify

        slug = slugify(stem)
        return slug if slug in self.slugs else None

    def resolved(self, article, articles_dir) -> tuple[tuple[str, str | None], ...]:
        """(href, page href or None) of each .md link of an article."""
        if not article.links:
            return ()
        here = _file_of(article, articles_dir)
        page_dir = posixpath.dirname(urls.article_path(article.slug))
        out = []
        for href, _line in article.links:
            slug = self.slug_for(href, here)
            if slug is None:
                out.append((href, None))
                continue
            fragment = urlsplit(href).fragment
            target = posixpath.relpath(urls.article_path(slug), page_dir or ".")
            out.append((href, target + (f"#{fragment}" if fragment else "")))
        return tuple(out)


class ArticleFiles:
    """An article file's path relative to the (resolved) articles folder. The folder is resolved
    once; a file below it as given is cut by string (os.walk does not enter linked folders, so
    only the file itself can be a link, and the folder listing says which are): resolving
    50,000 paths one by one cost 5 s."""

    def __init__(self, articles_dir: Path):
        self._dir = articles_dir
        self._resolved = articles_dir.resolve()
        self._prefix = os.path.join(str(articles_dir), "")
        self._links: set[str] | None = None

    def _is_link(self, path: str) -> bool:
        if self._links is None:  # d_type from the folder listing: no stat per file
            self._links = set()
            for folder, dirs, _ in os.walk(self._dir):
                with os.scandir(folder) as entries:
                    self._links.update(e.path for e in entries if e.is_symlink())
        return path in self._links

    def rel(self, source_path) -> str | None:
        """The posix path under the articles folder, or None for a file outside it."""
        text = str(source_path)
        if text.startswith(self._prefix) and not self._is_link(text):
            return text[len(self._prefix):].replace(os.sep, "/")
        try:
            return Path(source_path).resolve().relative_to(self._resolved).as_posix()
        except ValueError:
            return None


def _file_of(article, articles_dir: Path | ArticleFiles) -> str:
    files = articles_dir if isinstance(articles_dir, ArticleFiles) else ArticleFiles(articles_dir)
    rel = files.rel(article.source_path)
    return rel if rel is not None else Path(article.source_path).name


def attach_links(pages, targets: LinkTargets, articles_dir: Path) -> None:
    """Give every article page with .md links their resolved targets (part of its fingerprint)."""
    files = ArticleFiles(articles_dir)
    for page in pages:
        article = page.context.get("article") if page.template == "article.html" else None
        if article is not None and article.links:
            page.context["links"] = targets.resolved(article, files)


def rewrite_links(body_html: str, resolved: tuple[tuple[str, str | None], ...]) -> str:
    """The rendered body with each resolved .md href replaced by its page's href."""
    mapping = {href: target for href, target in resolved if target is not None}
    if not mapping:
        return body_html

    def swap(m: re.Match) -> str:
        target = mapping.get(html.unescape(m.group(2)))
        return m.group(0) if target is None else m.group(1) + html.escape(target) + m.group(3)

    return _HREF.sub(swap, body_html)


def link_warnings(articles, targets: LinkTargets, articles_dir: Path) -> list[SiteWarning]:
    """A warning, with file and line, for each link to an article that does not exist."""
    warnings = []
    files = ArticleFiles(articles_dir)
    for a in articles:
        if not a.links:
            continue
        here = _file_of(a, files)
        for href, line in a.links:
            if targets.slug_for(href, here) is None:
                warnings.append(SiteWarning(str(a.source_path), line, f"link to a missing article '{href}'",
                                            "no article has that file name or slug"))
    return warnings
