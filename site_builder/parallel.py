"""Deterministic parallel map over a process pool (fork), for Markdown and page rendering.

Workers inherit the read-only payload through fork instead of having it pickled: 10,000
articles and a compiled Jinja environment cost nothing to hand over. Results come back in
input order, so output never depends on scheduling.
"""
from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from typing import Any, Callable

PARALLEL_MIN = 200  # below this a pool costs more than it saves


def _fork_pool(workers: int):
    """A pool of forked workers. multiprocessing and concurrent.futures are imported here: an
    edit's build runs its few jobs inline and never pays for importing them."""
    _release_free_memory()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_die_with_parent)


def _die_with_parent() -> None:
    """A worker of a build that is killed must not go on writing into its staging folder after
    the next build has cleaned it: on Linux the kernel kills it with its parent."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def _release_free_memory() -> None:
    """Give the memory the parent has freed (the search stage's, mostly) back to the system
    before forking: every worker's resident size counts what it inherits, freed or not
    (glibc keeps freed heap pages; 50,000 articles: ~100 MB a process)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return


_PAYLOAD: dict[str, Any] = {}  # set in the parent just before the fork; read-only in workers


def _run_chunk(task: tuple[Callable, int, int]) -> Any:
    fn, lo, hi = task
    return fn(_PAYLOAD, lo, hi)


def chunked_map(fn: Callable[[dict, int, int], Any], count: int, payload: dict, jobs: int,
                progress: Callable[[int, int], None] | None = None, align: int = 1) -> list:
    """[fn(payload, lo, hi) for consecutive ranges lo:hi covering range(count)], over `jobs`
    forked workers when it pays; every lo is a multiple of `align`. Where the cuts fall depends
    on `jobs`: callers combine the chunks so that it does not matter (a list concatenated, an
    index merged)."""
    if jobs <= 1 or count < PARALLEL_MIN or sys.platform == "win32":
        bounds = list(range(0, count, 100 * align)) + [count]
    else:  # the last quarter in chunks a quarter the size: the workers finish nearly together,
        # where one left alone with a last large chunk kept the others idle for half of one
        cut, big, small = count * 3 // 4, jobs * 6, jobs * 8
        starts = [cut * k // big for k in range(big)] + [cut + (count - cut) * k // small for k in range(small)]
        bounds = [start // align * align for start in starts] + [count]
    tasks = [(fn, bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1) if bounds[k] < bounds[k + 1]]
    results = []
    if jobs <= 1 or count < PARALLEL_MIN or sys.platform == "win32":
        for fn_, lo, hi in tasks:
            results.append(fn_(payload, lo, hi))
            if progress:
                progress(hi, count)
        return results
    _PAYLOAD.clear()
    _PAYLOAD.update(payload)
    try:
        with _fork_pool(jobs) as pool:
            for (_, _, hi), result in zip(tasks, pool.map(_run_chunk, tasks)):
                results.append(result)
                if progress:
                    progress(hi, count)
    finally:
        _PAYLOAD.clear()
    return results


def _each(payload: dict, lo: int, hi: int) -> list:
    fn, inner = payload["fn"], payload["payload"]
    return [fn(inner, i) for i in range(lo, hi)]


def ordered_map(fn: Callable[[dict, int], Any], count: int, payload: dict, jobs: int,
                progress: Callable[[int, int], None] | None = None) -> list:
    """[fn(payload, i) for i in range(count)], split over `jobs` forked workers when it pays."""
    chunks = chunked_map(_each, count, {"fn": fn, "payload": payload}, jobs, progress)
    return [r for chunk in chunks for r in chunk]


_BACKGROUND: dict[str, Any] = {}  # like _PAYLOAD, for the one background job being forked


def _run_background(fn: Callable[[dict], Any]) -> Any:
    return fn(_BACKGROUND)


class Background:
    """fn(payload) in one forked process while the caller goes on with other work (the search
    index builds while the page pool renders); result() waits for it. Runs inline when
    `enabled` is false or fork is unavailable. The payload reaches the child through fork."""

    def __init__(self, fn: Callable[[dict], Any], payload: dict, enabled: bool = True):
        self._future = None
        if not enabled or sys.platform == "win32":
            self._value = fn(payload)
            return
        _BACKGROUND.clear()
        _BACKGROUND.update(payload)
        try:
            self._executor = _fork_pool(1)
            self._future = self._executor.submit(_run_background, fn)  # forks here, payload and all
        finally:
            _BACKGROUND.clear()

    def result(self) -> Any:
        if self._future is None:
            return self._value
        try:
            return self._future.result()
        finally:
            self._executor.shutdown()
            self._future, self._value = None, None

    def discard(self) -> None:
        """The build failed: let a job already running finish (it may be writing files), drop
        its result."""
        if self._future is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._future = None


@contextmanager
def gc_paused():
    """Millions of small, long-lived objects and no cycles: the cyclic GC would only rescan them
    again and again (it tripled the time of a 10,000-article index)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
