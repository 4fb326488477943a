"""Decide whether a folder may be replaced by a build's output.

A build swaps a whole tree over its output folder, so a wrong `--out` would destroy whatever was
there. Only a folder that is missing, empty, or marked as this tool's output may be replaced, and
never the site itself, a folder of its content or themes, or a folder that holds the site.
"""
from __future__ import annotations

import os
from pathlib import Path

MARKER = ".site-builder-output"
MARKER_TEXT = b"This folder is written by site-builder; a build replaces everything in it.\n"


class UnsafeOutput(Exception):
    """The output folder cannot be replaced without destroying files that are not ours (exit 2)."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def check_output_dir(out_dir: Path, site_dir: Path) -> None:
    """Raise UnsafeOutput unless replacing out_dir can only destroy an earlier build's output."""
    given = Path(os.path.abspath(out_dir))
    if given.is_symlink():
        raise UnsafeOutput(f"output folder {given} is a symbolic link: a build would replace what it "
                           f"points to; use --out with a real folder")
    out = given.resolve()
    site = Path(site_dir).resolve()
    if _inside(site, out):
        raise UnsafeOutput(f"output folder {out} holds the site {site}: a build would delete it; "
                           f"use --out with a folder of its own, e.g. {site / 'output'}")
    for name in ("content", "themes", ".site-builder-cache"):
        if _inside(out, site / name):
            raise UnsafeOutput(f"output folder {out} is inside the site's {name}/: a build would delete "
                               f"files there; use --out with a folder of its own")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"output path {out} is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise UnsafeOutput(f"output folder {out} is not empty and was not written by site-builder "
                           f"(no {MARKER} file): a build would delete what it holds; choose an empty "
                           f"or new folder, or empty this one yourself")


def check_articles_dir(articles_dir: Path, site_dir: Path) -> None:
    """content/articles may be a symbolic link only to a folder inside the site: a build never
    publishes a folder from elsewhere on the machine."""
    real = articles_dir.resolve()
    if articles_dir.is_symlink() and not real.is_relative_to(Path(site_dir).resolve()):
        raise UnsafeOutput(f"{articles_dir} is a symbolic link to {real}, outside the site: a build "
                           f"publishes only the site's own articles; copy them into the site instead")
