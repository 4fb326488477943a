"""Score one imported article against its gold file: which gold sentences the body keeps, which
debris lines it leaks, and whether the front-matter fields match.

Gold files (tests/ingest/gold/*.gold.json) list ``keep`` strings (article text), ``drop`` lines
(debris) and the expected ``title``, ``date``, ``lang``, ``source``, ``author``, ``source_url``
(null: the page does not say). Text is compared after the folding a reader would not notice:
Unicode NFC, typographic quotes and ellipsis as ASCII, Markdown markup removed, whitespace
collapsed. A paragraph may be re-wrapped, so a keep string counts as found anywhere in the body
text; a drop line counts as leaked when it is a body line, or, when long enough to be
unambiguous (30+ characters), anywhere in the body.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import frontmatter

FIELDS = ("title", "date", "lang", "source", "author", "source_url")
_TYPOGRAPHY = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u200b": None,
                             "\ufeff": None, "\u2018": "'", "\u2019": "'", "\u201c": '"',
                             "\u201d": '"', "\u00ab": '"', "\u00bb": '"'})
_MIN_SUBSTRING = 30


def plain(line: str) -> str:
    """A line of Markdown as a reader sees it, folded for comparison."""
    t = unicodedata.normalize("NFC", line).translate(_TYPOGRAPHY).replace("\u2026", "...")
    t = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", t)          # links and images: their text
    t = re.sub(r"\\(\W)", r"\1", t)                            # backslash escapes
    t = re.sub(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+)", "", t)      # heading, quote, list marker
    t = re.sub(r"(\*\*|__|`)", "", t)
    t = t.strip().strip("|").strip()                           # a table row's outer pipes
    return re.sub(r"\s+", " ", t).strip()


@dataclass(frozen=True)
class Score:
    missed: tuple[str, ...]       # gold sentences not in the body
    leaked: tuple[str, ...]       # debris lines left in the body
    keep_total: int
    drop_total: int
    wrong: tuple[tuple[str, object, object], ...]  # (field, expected, got)

    @property
    def f1(self) -> float:
        found = self.keep_total - len(self.missed)
        recall = found / self.keep_total if self.keep_total else 1.0
        precision = found / (found + len(self.leaked)) if found + len(self.leaked) else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(gold: dict, article: str) -> Score:
    """Compare an article (front-matter + Markdown body) with its gold."""
    post = frontmatter.loads(article)
    lines = [p for p in (plain(x) for x in post.content.split("\n")) if p]
    body = " ".join(lines)
    line_set = set(lines)
    title = plain(gold["title"]) if gold.get("title") else None
    missed = tuple(k for k in gold["keep"] if plain(k) not in body)
    leaked = []
    drops = [d for d in gold["drop"] if plain(d)]
    for d in drops:
        p = plain(d)
        if p == title:            # the headline once in the body is allowed, twice is debris
            if lines.count(p) > 1:
                leaked.append(d)
        elif p in line_set or (len(p) >= _MIN_SUBSTRING and p in body):
            leaked.append(d)
    wrong = []
    for key in FIELDS:
        want = gold.get(key)
        if want is None:
            continue
        got = post.metadata.get(key)
        got_s = plain(str(got)) if got is not None else None
        if key == "date" and got is not None:
            got_s = str(got)[:10]
        if got_s != plain(str(want)):
            wrong.append((key, want, got))
    return Score(missed, tuple(leaked), len(gold["keep"]), len(drops), tuple(wrong))
