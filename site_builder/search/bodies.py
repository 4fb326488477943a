"""The body HTML a full build's search workers render on their way to the text, handed on to the
page workers with the Markdown it came from: each article's Markdown is rendered once, not
twice, and its file read once more at most (a template may read `article.body` too). Each
chunk's HTML goes into a file in the staging folder rather than back through a pipe, so that
the parent never holds it (50,000 articles: ~90 MB) and the page workers it forks do not
inherit it; a page worker reads the chunks its articles are in, one at a time.
"""
from __future__ import annotations

import marshal
import os
import shutil
from bisect import bisect_right
from pathlib import Path

FOLDER = ".bodies"  # in the search staging folder; removed once the pages are rendered


Chunk = tuple[list[str], list[str]]  # articles' body HTML, and their Markdown


def keep_chunk(staging: Path | None, lo: int, html: list[str], bodies: list[str]) -> str | Chunk:
    """The HTML and Markdown of articles lo… (search order): written under `staging`, its
    file's path returned; without a staging folder, the lists themselves."""
    if staging is None:
        return html, bodies
    folder = os.path.join(staging, FOLDER)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{lo}.marshal")
    with open(path, "wb") as fh:
        marshal.dump((html, bodies), fh)  # C speed: a list of str, written and read by this build only
    return path


class RenderedBodies:
    """slug → body HTML (.md links not yet rewritten) or Markdown of the articles the search
    stage rendered; None for one it did not (the caller renders it). A process keeps the last
    chunk it read."""

    def __init__(self, slugs: list[str], starts: list[int], chunks: list[str | Chunk]):
        self._position = {slug: i for i, slug in enumerate(slugs)}
        self._starts, self._chunks = starts, chunks
        self._loaded: tuple[int, Chunk] = (-1, ([], []))

    def html(self, slug: str) -> str | None:
        return self._get(slug, 0)

    def markdown(self, slug: str) -> str | None:
        return self._get(slug, 1)

    def _get(self, slug: str, part: int) -> str | None:
        i = self._position.get(slug)
        if i is None:
            return None
        k = bisect_right(self._starts, i) - 1
        if self._loaded[0] != k:
            chunk = self._chunks[k]
            if isinstance(chunk, str):
                try:
                    with open(chunk, "rb") as fh:
                        chunk = marshal.load(fh)
                except (OSError, EOFError, ValueError, TypeError):
                    return None
            self._loaded = (k, chunk)
        return self._loaded[1][part][i - self._starts[k]]

    def release(self) -> None:
        """Remove the chunk files (before the staging folder is committed)."""
        self._loaded = (-1, ([], []))
        folders = {os.path.dirname(c) for c in self._chunks if isinstance(c, str)}
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
