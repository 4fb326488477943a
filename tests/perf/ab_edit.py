#!/usr/bin/env python3
"""A/B of two versions of the code on the builds an editor waits for: on one site, for each
version in turn, a cold build, a rebuild with nothing changed and a rebuild after one article
was edited (runs alternate, so a noisy machine weighs on both alike). It shows what a change to
the build's core costs an edit, e.g. the all-or-nothing commit (a staging tree of hard links).

    python tests/perf/ab_edit.py SITE CODE_A CODE_B [--runs 3] [--jobs 2]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from build_bench import MovedAside, sync


def timed_build(site: Path, code: Path, jobs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site), "--jobs", str(jobs)],
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def edit_one(site: Path, run: int) -> None:
    path = sorted((site / "content" / "articles").glob("*.md"))[7 + run]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: \"", f"title: \"Edit {run} ", 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("code_a", type=Path)
    parser.add_argument("code_b", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    times: dict[tuple[str, str], list[float]] = {}
    aside = MovedAside(args.site.parent / f".{args.site.name}-moved-aside")
    try:
        for run in range(args.runs):
            for label, code in (("A", args.code_a), ("B", args.code_b)):
                edit_one(args.site, 2 * run + (label == "B"))
                aside.move(args.site / "output")
                aside.move(args.site / ".site-builder-cache")
                sync()
                times.setdefault((label, "cold"), []).append(timed_build(args.site, code, args.jobs))
                times.setdefault((label, "no-op"), []).append(timed_build(args.site, code, args.jobs))
                edit_one(args.site, 2 * run + (label == "B") + 100)
                time.sleep(0.05)
                times.setdefault((label, "edit"), []).append(timed_build(args.site, code, args.jobs))
    finally:
        aside.clear()
    print(f"{'build':8} {'A s':>7} {'B s':>7} {'B/A':>6}   runs A | B")
    for kind in ("cold", "no-op", "edit"):
        a, b = statistics.median(times[("A", kind)]), statistics.median(times[("B", kind)])
        runs = " ".join(f"{t:.2f}" for t in times[("A", kind)]) + " | " + " ".join(f"{t:.2f}" for t in times[("B", kind)])
        print(f"{kind:8} {a:7.2f} {b:7.2f} {b / a:6.2f}   {runs}")


if __name__ == "__main__":
    main()
