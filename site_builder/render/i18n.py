"""Interface text per language: i18n/<lang>.toml message catalogues, like Hugo's i18n/.

A message is a string, or a table of plural forms ({one = "…", other = "…"}) chosen by the
CLDR category of `count`. `{name}` in a message is replaced by a parameter; `{count}` by the
count written the language's way. Lookup order for a key: the site's i18n/ folder, then the
theme chain (the chosen theme first, default last); for a language: vi-VN, vi, then English.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import BuildError
from site_builder.text.locale import base_lang, format_number, plural_category

FALLBACK_LANG = "en"
_PARAM = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Catalogues:
    messages: dict[str, dict[str, str | dict]]  # lang → key → message

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.messages))

    def lookup(self, lang: str, key: str) -> str | dict | None:
        for code in dict.fromkeys((lang, base_lang(lang), FALLBACK_LANG)):
            found = self.messages.get(code, {}).get(key)
            if found is not None:
                return found
        return None

    def translate(self, lang: str, key: str, count: int | None = None, **params) -> str:
        message = self.lookup(lang, key)
        if message is None:
            raise BuildError(f"no interface text '{key}' for language '{lang}' (nor English) in any i18n/ catalogue")
        if isinstance(message, dict):
            message = message.get(plural_category(count or 0, lang)) or message.get("other", "")
        values = {k: str(v) for k, v in params.items()}
        if count is not None:
            values["count"] = format_number(count, lang)
        return _PARAM.sub(lambda m: values.get(m[1], m[0]), message)


def catalogue_files(dirs: tuple[Path, ...]) -> list[Path]:
    """Every <lang>.toml of the given i18n/ folders: what a template-chain hash must cover."""
    return sorted(f for d in dirs if d.is_dir() for f in d.glob("*.toml") if f.is_file())


def load_catalogues(dirs: tuple[Path, ...]) -> Catalogues:
    """Merge the i18n/ folders, earlier ones winning key by key."""
    messages: dict[str, dict[str, str | dict]] = {}
    for folder in reversed(dirs):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            messages.setdefault(path.stem, {}).update(_read(path))
    return Catalogues(messages)


def _read(path: Path) -> dict[str, str | dict]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: invalid TOML: {exc}") from None
    for key, value in data.items():
        plural = isinstance(value, dict) and value and all(
            k in ("zero", "one", "two", "few", "many", "other") and isinstance(v, str) for k, v in value.items())
        if not isinstance(value, str) and not (plural and "other" in value):
            raise BuildError(f"{path}: '{key}' must be a string or a table of plural forms with 'other'")
    return data
