"""What `build` tells the user: warnings, one summary line (or every file with -v), and how to
look at a first build. Text only; the CLI prints it."""
from __future__ import annotations

import os
from pathlib import Path

from site_builder.site_warnings import SiteWarning, shown_path


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 article', '2 articles', '0 articles'."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def warning_lines(warnings) -> list[str]:
    """SiteWarning records (file shown relative to here) and plain notes (the build cache's)."""
    return [f"warning: {w.text() if isinstance(w, SiteWarning) else w}" for w in warnings]


def strict_failure(warnings) -> str:
    return (f"build failed: {plural(len(warnings), 'warning')} and --strict; "
            "output left as it was")


def written_and_removed(report) -> tuple[list[str], list[str]]:
    """Output paths this build wrote, and those it removed."""
    written = [p for p in report.changed if p in report.digests]
    removed = [p for p in report.changed if p not in report.digests]
    return written, removed


def summary_line(report, out_dir: Path) -> str:
    """'built 1 article into 11 pages in output/ (184 files written) in 0.20 s'."""
    written, removed = written_and_removed(report)
    what = [plural(len(written), "file") + " written"] if written else []
    what += [f"{len(removed)} removed"] if removed else []
    changes = ", ".join(what) or "nothing changed"
    return (f"built {plural(report.articles, 'article')} into {plural(report.pages, 'page')} "
            f"in {shown_path(out_dir)}{os.sep} ({changes}) in {report.seconds:.2f} s")


def file_lines(report) -> list[str]:
    """-v: every file written or removed."""
    written, removed = written_and_removed(report)
    return [f"wrote {p}" for p in written] + [f"removed {p}" for p in removed]


def view_hint(out_dir: Path, site_dir: Path) -> str:
    """After a first build: how to look at the result."""
    site = shown_path(site_dir)
    serve = "site-builder serve" + ("" if site == "." else f" --site {site}")
    return (f"to view it: open {shown_path(out_dir / 'index.html')} in a web browser, "
            f"or run `{serve}` for a live preview")
