"""What `serve` does beyond a build: import raw files as they arrive, build a local preview
(drafts shown, links local even when site.toml sets base_url), serve the 404 page from any depth."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from site_builder.devserver.watcher import is_editor_junk

# A preview is looked at on this machine: drafts shown (marked), every link local.
PREVIEW_OVERRIDES = {"drafts": True, "base_url": ""}

_RELATIVE_REF = re.compile(rb"""(\s(?:href|src)=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)""")


def rooted_links(page: bytes) -> bytes:
    """The 404 page is written with links relative to the site root but served at any depth:
    each relative href/src made absolute from the server root (a <base> element would be
    refused by the pages' Content-Security-Policy)."""
    return _RELATIVE_REF.sub(rb"\1/", page)


def raw_changes(site_dir: Path, changes: set[Path] | None) -> list[Path] | None:
    """Raw .txt files among the changed paths ([] when none); None: look at all of content/raw/."""
    if changes is None:
        return None
    raw_dir = (site_dir / "content" / "raw").resolve()
    return sorted(p for p in (Path(c).resolve() for c in changes)
                  if p.is_relative_to(raw_dir) and p.suffix == ".txt" and not is_editor_junk(p.name)
                  and p.is_file())


def import_arrivals(site_dir: Path, changes: set[Path] | None, log: Callable[[str], None]) -> set[Path] | None:
    """Import the raw files that arrived or changed (all of content/raw/ on the first build);
    an article edited by hand is kept. Returns `changes` plus the articles written."""
    raws = raw_changes(site_dir, changes)
    if raws == [] or not (site_dir / "content" / "raw").is_dir():
        return changes
    from site_builder.ingest.importer import import_raw

    report = import_raw(site_dir, raws)
    for rel in report.written:
        log(f"imported {rel}")
    for rel in report.skipped_edited:
        log(f"kept {rel}: edited by hand (`site-builder import --force` overwrites it)")
    for path, message in report.errors:
        log(f"error: {path}: {message}")
    if changes is None:
        return None
    return set(changes) | {site_dir / rel for rel in report.written}
