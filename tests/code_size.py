"""Print every module of site_builder over 600 lines and every function over 80 lines, and every
script of the themes over 600 lines (the developers' guide's limits); exit 1 if there is any.
Usage: python tests/code_size.py"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
THEMES = PACKAGE.parent / "themes"


def oversized(package: Path = PACKAGE) -> list[str]:
    """'path: N lines' for each module, 'path:line name: N lines' for each function over the limits."""
    found = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(package.parent).as_posix()
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            found.append(f"{rel}: {lines} lines (module)")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{rel}:{node.lineno} {node.name}: {length} lines (function)")
    return found


def oversized_scripts(themes: Path = THEMES) -> list[str]:
    """'path: N lines' (path within themes/) for each JavaScript file over MAX_MODULE_LINES."""
    found = []
    for path in sorted(themes.rglob("*.js")):
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_MODULE_LINES:
            found.append(f"{path.relative_to(themes).as_posix()}: {lines} lines (script)")
    return found


if __name__ == "__main__":
    problems = oversized() + oversized_scripts()
    print("\n".join(problems) or "no module or script over 600 lines, no function over 80")
    sys.exit(1 if problems else 0)
