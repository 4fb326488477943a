"""Deterministic parallel map over a process pool (fork), for Markdown and page rendering.

Workers inherit the read-only payload through fork instead of having it pickled: 10,000
articles and a compiled Jinja environment cost nothing to hand over. Results come back in
input order, so output never depends on scheduling.
"""
from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable

PARALLEL_MIN = 200  # below this a pool costs more than it saves

_PAYLOAD: dict[str, Any] = {}  # set in the parent just before the fork; read-only in workers


def _run_chunk(task: tuple[Callable, int, int]) -> list:
    fn, lo, hi = task
    return [fn(_PAYLOAD, i) for i in range(lo, hi)]


def ordered_map(fn: Callable[[dict, int], Any], count: int, payload: dict, jobs: int,
                progress: Callable[[int, int], None] | None = None) -> list:
    """[fn(payload, i) for i in range(count)], split over `jobs` forked workers when it pays."""
    if jobs <= 1 or count < PARALLEL_MIN or sys.platform == "win32":
        results = []
        for i in range(count):
            results.append(fn(payload, i))
            if progress and (i % 100 == 99 or i == count - 1):
                progress(i + 1, count)
        return results
    n_chunks = jobs * 8
    bounds = [count * k // n_chunks for k in range(n_chunks + 1)]
    tasks = [(fn, bounds[k], bounds[k + 1]) for k in range(n_chunks) if bounds[k] < bounds[k + 1]]
    _PAYLOAD.clear()
    _PAYLOAD.update(payload)
    results = []
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for chunk in pool.map(_run_chunk, tasks):
                results.extend(chunk)
                if progress:
                    progress(len(results), count)
    finally:
        _PAYLOAD.clear()
    return results
