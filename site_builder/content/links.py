"""The links of an article's Markdown body to other articles' files (`other.md`), with lines.

Found when the article is parsed (and cached with it); site/links.py resolves them to pages.
"""
from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit


def is_article_link(href: str) -> bool:
    """A relative link whose path names a Markdown file."""
    parts = urlsplit(href)
    return not (parts.scheme or parts.netloc or href.startswith("/")) and parts.path.lower().endswith(".md")


def markdown_links(body: str, first_line: int) -> tuple[tuple[str, int], ...]:
    """(href, file line) of every link of `body` to a .md file; `first_line` is the file line
    of the body's first line. Code spans and blocks hold no links (markdown-it decides)."""
    if ".md" not in body.lower():
        return ()
    from site_builder.markdown import markdown_parser

    lines = body.split("\n")
    found = []
    for token in markdown_parser().parse(body):
        if token.type != "inline" or not token.map:
            continue
        for child in token.children or ():
            href = child.attrGet("href") if child.type == "link_open" else None
            if href and is_article_link(href):
                found.append((href, first_line + _line_of(href, lines, *token.map)))
    return tuple(found)


def _line_of(href: str, lines: list[str], start: int, end: int) -> int:
    """Index of the line within the block [start, end) that holds the link (the block's first
    when markdown-it changed the text of the href)."""
    name = posixpath.basename(unquote(urlsplit(href).path))
    for i in range(start, min(end, len(lines))):
        if name in lines[i] or href in lines[i]:
            return i
    return start
