#!/usr/bin/env python3
"""Build the embedded default archive: import new raw files from content/raw/, then build output/.

Extra arguments go to `site-builder build` (e.g. `python build.py --theme broadsheet`).
An unreadable raw file is reported and the build still runs; the exit status is then 1.
"""
from __future__ import annotations

import sys
from pathlib import Path

from site_builder.cli import main

SITE = Path(__file__).resolve().parent


def run(args: list[str]) -> int:
    try:
        main(args, standalone_mode=False)
    except SystemExit as exc:
        return exc.code or 0
    return 0


if __name__ == "__main__":
    imported = run(["import", "--site", str(SITE)])
    built = run(["build", "--site", str(SITE), *sys.argv[1:]])
    sys.exit(built or imported)
