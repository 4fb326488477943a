"""Problems the CLI reports as `path:line: message`: ContentError (exit 1, the user's content)
and BuildError (exit 1, the build cannot go on: theme, templates, disk). Both carry Problems;
nothing parses a message back into its parts."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: Path | str
    line: int | None
    message: str

    def __str__(self) -> str:
        if not self.path:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


class SiteError(Exception):
    """One or more problems, reported together."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ContentError(SiteError):
    """Problems in the user's content (articles, site.toml)."""


class BuildError(SiteError):
    """The build itself cannot go on (theme missing, a template fails, two pages on one path,
    the disk is full, …)."""

    def __init__(self, problems: list[Problem] | Problem | str, path: Path | str = "", line: int | None = None):
        super().__init__(Problem(path, line, problems) if isinstance(problems, str) else problems)
