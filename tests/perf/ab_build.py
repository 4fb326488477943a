#!/usr/bin/env python3
"""A/B of two versions of the code on one site: their cold builds alternate, so that a shared,
noisy machine weighs on both alike (figures here move by a third within a minute).

    python tests/perf/ab_build.py SITE CODE_A CODE_B [--runs 3] [--jobs 2]

CODE_A and CODE_B are checkouts (folders holding site_builder/ and themes/), e.g. made with
`git worktree add /tmp/base HEAD~3`. Each run first moves SITE/output and the build cache aside
(deleted at the end: see build_bench.py on deleting just before a timed build).
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


def cold_build(site: Path, code: Path, jobs: int, aside: MovedAside) -> float:
    aside.move(site / "output")
    aside.move(site / ".site-builder-cache")
    sync()
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site), "--jobs", str(jobs)],
                   cwd=code, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("site", type=Path)
    ap.add_argument("code_a", type=Path)
    ap.add_argument("code_b", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    site = a.site.resolve()
    aside = MovedAside(site.parent / f".{site.name}-moved-aside")
    times: dict[str, list[float]] = {"A": [], "B": []}
    for _ in range(a.runs):
        for label, code in (("A", a.code_a), ("B", a.code_b)):
            times[label].append(cold_build(site, code.resolve(), a.jobs, aside))
            print(f"{label} {times[label][-1]:.2f} s", flush=True)
    aside.clear()
    for label, runs in times.items():
        print(f"{label}: median {statistics.median(runs):.2f} s  [{' '.join(f'{t:.2f}' for t in runs)}]")
    print(f"B / A: {statistics.median(times['B']) / statistics.median(times['A']):.2f}")


if __name__ == "__main__":
    main()
