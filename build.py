#!/usr/bin/env python3
"""Build the embedded default archive: import new raw files from content/raw/, then build output/."""
from __future__ import annotations

import sys
from pathlib import Path

from site_builder.cli import main

SITE = Path(__file__).resolve().parent

if __name__ == "__main__":
    args = sys.argv[1:]
    import_code = 0
    try:
        main(["import", "--site", str(SITE)], standalone_mode=False)
    except SystemExit as exc:
        import_code = exc.code or 0
    except Exception as exc:  # click usage errors when the import command is unavailable
        import_code = 0 if "No such command" in str(exc) else 1
        if import_code:
            print(f"error: {exc}", file=sys.stderr)
    if import_code:
        sys.exit(import_code)
    main(["build", "--site", str(SITE), *args])
