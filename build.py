#!/usr/bin/env python3
"""Build the embedded default archive: import new raw files from content/raw/, then build output/.

Extra arguments go to `site-builder build` (e.g. `python build.py --theme broadsheet`).
An unreadable raw file is reported and the build still runs; the exit status is then 1.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

from site_builder.cli import build, main

SITE = Path(__file__).resolve().parent


def run(args: list[str]) -> int:
    try:
        main(args, standalone_mode=False)
    except SystemExit as exc:
        return exc.code or 0
    return 0


def show_help(args: list[str]) -> None:
    """--help / --version answer at once: nothing is imported or built first."""
    if "--version" in args:
        main(["--version"], prog_name="python build.py")
    command = copy.copy(build)
    command.help = ("Import new raw files from content/raw/ into content/articles/, then build "
                    "the archive into output/. Takes the options of `site-builder build`.")
    command.main([a for a in args if a in ("-h", "--help")], prog_name="python build.py")


if __name__ == "__main__":
    options = sys.argv[1:]
    if {"-h", "--help", "--version"} & set(options):
        show_help(options)
    imported = run(["import", "--site", str(SITE)])
    built = run(["build", "--site", str(SITE), *options])
    sys.exit(built or imported)
