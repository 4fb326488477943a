"""What a build tells its caller: BuildReport, and the progress callback's type."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from site_builder.site_warnings import SiteWarning

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    articles: int
    pages: int
    files: int
    bytes_written: int
    seconds: float
    changed: tuple[str, ...] = ()  # output paths written or removed by this build
    digests: dict = field(default_factory=dict, compare=False, repr=False)  # output path → digest
    rendered: int = 0  # pages actually rendered (the rest were current)
    planned: int = 0   # pages planned and fingerprinted: all, or an edit's readers (build/incremental.py)
    search: str = "reused"  # search index: reused, updated (in place) or rebuilt
    warnings: tuple[SiteWarning | str, ...] = ()  # the content's (SiteWarning) and the cache's own notes

    def summary(self) -> str:
        return (f"built {self.articles} articles into {self.pages} pages "
                f"({self.rendered} rendered, {len(self.changed)} files written or removed) "
                f"in {self.seconds:.2f} s")
