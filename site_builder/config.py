"""SiteConfig: everything a build depends on besides content and theme files."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.errors import ContentError, Problem

DEFAULTS = {
    "title": "Briefing archive",
    "description": "News briefings in English and Vietnamese",
    "language": "en",
    "theme": "default",
    "base_url": "",
    "per_page": 20,
}


@dataclass(frozen=True)
class SiteConfig:
    site_dir: Path
    out_dir: Path
    title: str = DEFAULTS["title"]
    description: str = DEFAULTS["description"]
    language: str = DEFAULTS["language"]
    theme: str = DEFAULTS["theme"]
    base_url: str = ""
    per_page: int = 20
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    extra: tuple = ()
    drafts: bool = False   # build articles marked `draft: true` too (command line only)
    strict: bool = False   # a warning fails the build (command line only)

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    @property
    def articles_dir(self) -> Path:
        return self.content_dir / "articles"

    @property
    def config_path(self) -> Path:
        return self.site_dir / "site.toml"

    @property
    def cache_dir(self) -> Path:
        return self.site_dir / ".site-builder-cache"


def load_config(site_dir: Path, out_dir: Path | None = None, **overrides) -> SiteConfig:
    """Read site.toml (optional) and apply CLI overrides; report every bad key at once."""
    site_dir = Path(site_dir).resolve()
    values: dict = {}
    path = site_dir / "site.toml"
    if path.is_file():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ContentError(Problem(path, _toml_line(exc), f"invalid TOML: {exc}")) from None
    problems = []
    known = {k: values.pop(k) for k in list(values) if k in DEFAULTS}
    for key in ("title", "description", "language", "theme", "base_url"):
        if key in known and not isinstance(known[key], str):
            problems.append(Problem(path, None, f"'{key}' must be a string"))
    if "per_page" in known and (type(known["per_page"]) is not int or known["per_page"] < 1):
        problems.append(Problem(path, None, "'per_page' must be a positive integer"))
    if problems:
        raise ContentError(problems)
    known.update({k: v for k, v in overrides.items() if v is not None})
    known["base_url"] = (known.get("base_url") or "").rstrip("/")
    # not resolved: the output guard must see a symlink given as --out
    out = Path(os.path.abspath(out_dir)) if out_dir else site_dir / "output"
    # values of the site's own: the [extra] table (and, warned about, unknown top-level keys)
    own = values.pop("extra", None)
    values.update(own if isinstance(own, dict) else {})
    extra = tuple(sorted((k, v) for k, v in values.items() if isinstance(v, (str, int, float, bool))))
    return replace(SiteConfig(site_dir=site_dir, out_dir=out), extra=extra, **known)


def _toml_line(exc: Exception) -> int | None:
    import re

    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else None
