"""Warnings: things a build can go on with but the writer should hear about (file and line).

An unknown key in site.toml, an article without a date or dated in the future, a link to an
article that does not exist. The CLI prints them; `build --strict` turns them into a failure
before anything is written. The last build's warnings are kept beside the build cache, so a
build that finds nothing changed reports them again.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from site_builder.errors import ContentError, Problem

WARNINGS_FILE = "warnings.json"
CONFIG_TABLES = {"extra"}  # tables site.toml may hold besides the plain keys
# Names other generators use for the same setting: difflib alone cannot see these.
SYNONYMS = {"paginate": "per_page", "pagination": "per_page", "languagecode": "language",
            "lang": "language", "url": "base_url", "baseurl": "base_url", "name": "title",
            "sitename": "title", "tagline": "description", "subtitle": "description"}


@dataclass(frozen=True)
class SiteWarning:
    path: str
    line: int | None
    message: str
    hint: str = ""
    until: str = ""  # ISO date from which the warning no longer holds (a date in the future)

    def __str__(self) -> str:
        return self.text(self.path)

    def text(self, path: str | None = None) -> str:
        """'message in file:line — hint', the file shown as given (default: relative to here)."""
        where = path if path is not None else shown_path(self.path)
        where = f"{where}:{self.line}" if self.line else where
        return f"{self.message} in {where}" + (f" — {self.hint}" if self.hint else "")


class WarningsAreErrors(ContentError):
    """`--strict` and at least one warning: the build stops before writing anything."""

    def __init__(self, warnings: list[SiteWarning]):
        self.warnings = list(warnings)
        super().__init__([Problem(w.path, w.line, f"{w.message}" + (f" — {w.hint}" if w.hint else ""))
                          for w in self.warnings])


def shown_path(path: Path | str, base: Path | None = None) -> str:
    """A path as the user would type it: relative to `base` (default: the current folder) when
    inside it, else as given."""
    p = Path(path)
    try:
        return p.resolve().relative_to((base or Path.cwd()).resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def nearest_key(key: str, known: Iterable[str]) -> str | None:
    """The known key a misspelt one most likely meant: spelling without case and '_', a known
    synonym, or difflib's closest match."""
    known = sorted(known)
    folded = {k.replace("_", "").casefold(): k for k in known}
    plain = key.replace("_", "").replace("-", "").casefold()
    if plain in folded:
        return folded[plain]
    if SYNONYMS.get(plain) in known:
        return SYNONYMS[plain]
    close = difflib.get_close_matches(key.casefold(), known, n=1, cutoff=0.6)
    return close[0] if close else None


_TOP_KEY = re.compile(r"""\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*[=.]""")
_TABLE = re.compile(r"\s*\[+\s*([^\]]+?)\s*\]")


def _top_level_lines(text: str) -> dict[str, int]:
    """Line of each top-level key (or table header) of a TOML text: the first that names it."""
    lines: dict[str, int] = {}
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        table = _TABLE.match(line)
        if table:
            in_table = True
            name = table.group(1).split(".")[0].strip("\"' ")
            lines.setdefault(name, number)
            continue
        key = _TOP_KEY.match(line)
        if key and not in_table:
            lines.setdefault(next(g for g in key.groups() if g), number)
    return lines


def config_warnings(path: Path, known: Iterable[str]) -> list[SiteWarning]:
    """Every key of site.toml that is not a setting; nothing when the file is missing (or is
    invalid TOML, which the build reports as an error)."""
    try:
        text = path.read_text(encoding="utf-8")
        values = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    known = set(known)
    lines = _top_level_lines(text)
    warnings = []
    for key in values:
        if key in known or key in CONFIG_TABLES:
            continue
        near = nearest_key(key, known | CONFIG_TABLES)
        hint = f"did you mean '{near}'?" if near else "values of your own go in an [extra] table"
        warnings.append(SiteWarning(str(path), lines.get(key), f"unknown key '{key}'", hint))
    return warnings


UNDATED = "no date, nor a dated translation"


def date_warnings(articles, today: dt.date) -> list[SiteWarning]:
    """Articles without a date of their own or a translation's (listed as undated) and dated
    after `today`."""
    return undated_warnings(articles) + future_warnings(articles, today)


def undated_warnings(articles) -> list[SiteWarning]:
    """Articles without a date of their own or a translation's: listed as undated."""
    dated = {a.slug for a in articles if a.date is not None}
    # translations may be named on one side only: a dated article's partners borrow its date too
    partners_of_dated = {t for a in articles if a.date is not None for t in a.translations}
    return [SiteWarning(str(a.source_path), 1, UNDATED, "it is listed as undated; add 'date: YYYY-MM-DD'")
            for a in articles
            if a.date is None and a.slug not in partners_of_dated and dated.isdisjoint(a.translations)]


def future_warnings(articles, today: dt.date) -> list[SiteWarning]:
    """Articles dated after `today`: published now, at the top of every list."""
    return [SiteWarning(str(a.source_path), a.date_line or 1, f"date {a.date.isoformat()} is in the future",
                        "it is published now, at the top of every list", until=a.date.isoformat())
            for a in articles if a.date is not None and a.date > today]


def sort_warnings(warnings: Iterable[SiteWarning]) -> list[SiteWarning]:
    return sorted(set(warnings), key=lambda w: (w.path, w.line or 0, w.message))


def save_warnings(cache_dir: Path | None, warnings: list[SiteWarning]) -> None:
    """Keep this build's warnings for a build that finds nothing changed."""
    if cache_dir is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".tmp-{WARNINGS_FILE}"
    tmp.write_text(json.dumps([asdict(w) for w in warnings], ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, cache_dir / WARNINGS_FILE)


def load_warnings(cache_dir: Path | None, today: dt.date) -> list[SiteWarning]:
    """The last build's warnings, but for future dates that have since come."""
    if cache_dir is None:
        return []
    try:
        data = json.loads((cache_dir / WARNINGS_FILE).read_text(encoding="utf-8"))
        warnings = [SiteWarning(**item) for item in data]
    except (OSError, ValueError, TypeError):
        return []
    return [w for w in warnings if not w.until or w.until > today.isoformat()]
