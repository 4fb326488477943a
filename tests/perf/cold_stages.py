#!/usr/bin/env python3
"""Where one cold build's time goes, stage by stage: for each stage, when it started, its wall
time, the parent's CPU and the CPU of the workers it waited for.

    python tests/perf/cold_stages.py SITE [--jobs 2]

SITE's output, cache and spare are moved aside first (into SITE/../moved-aside, left for you to
delete: deleting them right before the build would slow the disk); the build runs in this process with the stages'
functions wrapped by a timer. A background job (the index, the kept plans) shows its CPU in the
stage that waited for it. For the cold-build breakdown in docs/internals.md.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from build_bench import sync  # noqa: E402

import site_builder.build.cache as cache_module  # noqa: E402
import site_builder.build.rebuild as rebuild  # noqa: E402
import site_builder.build.render_stage as render_stage  # noqa: E402
import site_builder.search.stage as search_stage  # noqa: E402
from site_builder.build.pipeline import build_site  # noqa: E402
from site_builder.config import load_config  # noqa: E402

STAGES = [  # (module or class, function, what it is)
    (rebuild, "_load_and_check", "load and check the articles"),
    (render_stage, "_search_stage", "search: everything below"),
    (search_stage, "chunked_map", "  Markdown, analysis, fragments (workers)"),
    (search_stage, "Background", "  index job forked"),
    (search_stage.rel, "idf_table", "  idf table"),
    (search_stage.rel, "related_all", "  related briefings (workers)"),
    (render_stage, "_plan_all", "plan every page"),
    (render_stage, "_render_pages", "render the pages (workers)"),
    (search_stage.SearchOutcome, "finish", "wait for the index job"),
    (rebuild, "_save_plans", "wait for the kept plans"),
    (cache_module.BuildCache, "save", "write the cache"),
]


def _cpu() -> tuple[float, float]:
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = parser.parse_args()
    rows: list[tuple[float, str, float, float, float]] = []
    started = time.perf_counter()

    def timed(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*args, **kwargs):
            t0, (own0, kids0) = time.perf_counter(), _cpu()
            try:
                return inner(*args, **kwargs)
            finally:
                own1, kids1 = _cpu()
                rows.append((t0 - started, label, time.perf_counter() - t0, own1 - own0, kids1 - kids0))
        setattr(owner, name, wrapper)

    for owner, name, label in STAGES:
        timed(owner, name, label)
    config = load_config(a.site.resolve(), jobs=a.jobs)
    aside = a.site.resolve().parent / "moved-aside"
    aside.mkdir(exist_ok=True)
    for path in (config.out_dir, config.cache_dir, config.out_dir.parent / f".out-spare-{config.out_dir.name}"):
        if path.exists():  # moved, not deleted: the disk slows down right after a mass delete
            path.rename(aside / f"{time.time_ns()}-{path.name}")
    sync()
    started = time.perf_counter()
    report = build_site(config)
    total = time.perf_counter() - started
    own, kids = _cpu()
    print(f"cold build of {report.articles} articles, {report.pages} pages, --jobs {a.jobs}: {total:.2f} s wall, "
          f"CPU {own:.1f} s here + {kids:.1f} s workers, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB here")
    print(f"{'stage':<44} {'start s':>8} {'wall s':>7} {'CPU here':>9} {'CPU workers':>12}")
    for at, label, wall, own_cpu, kids_cpu in sorted(rows):
        print(f"{label:<44} {at:8.2f} {wall:7.2f} {own_cpu:9.2f} {kids_cpu:12.2f}")


if __name__ == "__main__":
    main()
