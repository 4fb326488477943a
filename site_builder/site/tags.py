"""One concept, one tag: the spellings articles use, merged and given a display name and a slug.

Two spellings are one tag when their folded forms match with spaces, hyphens and underscores
removed (Việt Nam = Vietnam = viet-nam; Hà Nội = Hanoi), or when content/tags.toml says so.
Other punctuation counts (C++ and C stay two tags). No I/O here but reading tags.toml.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from site_builder.errors import ContentError, Problem
from site_builder.text.slug import fold, slugify, unique_slug

ALIASES_FILE = "tags.toml"
RESERVED_SLUGS = frozenset({"index"})  # tags/index.html is the list of all tags
_JOINERS = re.compile(r"[\s\-_\u2010-\u2015]+")
# Symbols that tell names apart (C++ / C, C# / C): spelled out in the slug, not dropped.
_SPELLED = {"+": " plus ", "#": " sharp ", "&": " and ", "@": " at "}
_SPELLED_RE = re.compile("[" + re.escape("".join(_SPELLED)) + "]")


def tag_key(name: str) -> str:
    """The form two spellings of one tag share: folded, case-free, without spaces or hyphens."""
    text = unicodedata.normalize("NFKC", name)
    return _JOINERS.sub("", fold(text).casefold())


def term_slug(name: str, fallback: str = "") -> str:
    """ASCII slug of a tag or source name; meaningful symbols spelled out; '' if nothing is left."""
    slug = slugify(_SPELLED_RE.sub(lambda m: _SPELLED[m[0]], name), max_len=60, fallback=fallback)
    return slug


def safe_slugs(names: Iterable[str], kind: str) -> dict[str, str]:
    """Name → distinct slug, never a reserved one; names without letters or digits are left out.
    Clashes are settled in sorted order of the names, so a slug does not depend on article order."""
    taken: set[str] = set(RESERVED_SLUGS)
    slugs: dict[str, str] = {}
    for name in sorted(set(names), key=lambda n: (term_slug(n), n)):
        base = term_slug(name)
        if not base:
            continue
        if base in RESERVED_SLUGS:
            base = f"{base}-{kind}"
        slug = unique_slug(base, taken)
        taken.add(slug)
        slugs[name] = slug
    return slugs


@dataclass(frozen=True)
class TagRef:
    """A tag as a page shows it: its display name and its slug (used only in its URL)."""
    name: str
    slug: str


@dataclass(frozen=True)
class TagIndex:
    by_spelling: dict[str, TagRef]  # every spelling an article uses → its tag
    dropped: tuple[str, ...] = ()  # spellings with no letter or digit

    def of(self, spelling: str) -> TagRef | None:
        return self.by_spelling.get(spelling)

    def refs(self, spellings: Iterable[str]) -> tuple[TagRef, ...]:
        """An article's tags, each concept once, in the article's order."""
        found = (self.by_spelling.get(s) for s in spellings)
        return tuple(dict.fromkeys(r for r in found if r is not None))


def _looks_like_a_name(spelling: str) -> bool:
    """'Hà Nội', 'Hanoi Convention' rather than 'ha-noi': a slug is the last choice for display."""
    return spelling != spelling.lower() or not spelling.isascii() or " " in spelling


def display_name(counts: Counter) -> str:
    """The spelling shown for a tag: a name before a slug, then the most used, then the one with
    the most letters outside ASCII (diacritics kept), then the first in code-point order."""
    return min(counts, key=lambda s: (not _looks_like_a_name(s), -counts[s],
                                      -sum(not c.isascii() for c in s), s))


def index_tags(spellings: Iterable[str], aliases: dict[str, str] | None = None) -> TagIndex:
    """Every spelling (one per article use) → its tag. `aliases`: spelling → the tag's name, from
    tags.toml; an alias target is also the tag's display name."""
    aliases = aliases or {}
    target_of = {tag_key(a): tag_key(t) for a, t in aliases.items()}
    forced = {tag_key(t): t for t in aliases.values()}
    counts: dict[str, Counter] = defaultdict(Counter)
    for spelling in spellings:
        key = tag_key(spelling)
        counts[target_of.get(key, key)][spelling] += 1
    names = {key: forced.get(key) or display_name(c) for key, c in counts.items()}
    slugs = safe_slugs(names.values(), "tag")
    by_spelling: dict[str, TagRef] = {}
    dropped: list[str] = []
    for key, c in counts.items():
        slug = slugs.get(names[key])
        for spelling in c:
            if slug is None:
                dropped.append(spelling)
            else:
                by_spelling[spelling] = TagRef(names[key], slug)
    return TagIndex(by_spelling, tuple(sorted(dropped)))


def load_aliases(content_dir: Path) -> dict[str, str]:
    """content/tags.toml: `[aliases]` of "spelling" = "Tag name" ({} when there is no file)."""
    path = content_dir / ALIASES_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ContentError(Problem(path, int(line[1]) if line else None, f"invalid TOML: {exc}")) from None
    aliases = data.get("aliases", {})
    unknown = sorted(set(data) - {"aliases"})
    problems = [Problem(path, None, f"unknown table or key '{k}' (only [aliases] is read)") for k in unknown]
    if not isinstance(aliases, dict):
        problems.append(Problem(path, None, "'aliases' must be a table of \"spelling\" = \"Tag name\""))
        aliases = {}
    for spelling, target in aliases.items():
        if not isinstance(target, str) or not target.strip():
            problems.append(Problem(path, None, f"alias '{spelling}' must name a tag (a non-empty string)"))
        elif not term_slug(target):
            problems.append(Problem(path, None, f"alias target '{target}' has no letter or digit"))
    if problems:
        raise ContentError(problems)
    return {str(k): v.strip() for k, v in aliases.items()}
