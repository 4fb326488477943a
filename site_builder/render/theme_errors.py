"""Errors about themes and templates that say what exists and where the fault is."""
from __future__ import annotations

import traceback
from pathlib import Path

from site_builder.errors import BuildError

TEMPLATE_SUFFIXES = (".html", ".htm", ".xml", ".j2", ".jinja", ".txt")


class ThemeNotFound(BuildError):
    """A theme name that no themes/ folder holds: bad usage (exit 2), with the themes there are."""

    def __init__(self, name: str, search: list[Path]):
        self.name = name
        self.found = themes_found(search)
        places = "; ".join(f"{', '.join(names)} (in {folder})" for folder, names in self.found.items())
        looked = ", ".join(str(p) for p in _unique(search))
        super().__init__(f"theme '{name}' not found; themes found: {places or 'none'}"
                         if places else f"theme '{name}' not found in {looked}: no themes there")


def _unique(folders: list[Path]) -> list[Path]:
    seen, out = set(), []
    for folder in folders:
        key = folder.resolve() if folder.exists() else folder
        if key not in seen:
            seen.add(key)
            out.append(folder)
    return out


def themes_found(search: list[Path]) -> dict[Path, list[str]]:
    """Folder → names of the themes in it (folders with a templates/ or theme.toml), each
    folder once even when the site's themes/ is the shipped one."""
    found = {}
    for folder in _unique(search):
        names = sorted(d.name for d in folder.iterdir()
                       if d.is_dir() and ((d / "templates").is_dir() or (d / "theme.toml").is_file())) \
            if folder.is_dir() else []
        if names:
            found[folder] = names
    return found


def template_frame(tb, fallback: str = "") -> tuple[str, int | None]:
    """The innermost template file and line of a traceback (Jinja maps its frames to them)."""
    found: tuple[str, int | None] = (fallback, None)
    for frame in traceback.extract_tb(tb):
        if frame.filename.endswith(TEMPLATE_SUFFIXES):
            found = (frame.filename, frame.lineno)
    return found
