"""watchdog → debounced change sets.

The logic is split so it can be tested without threads or timers:

* `is_ignored(path, ...)` — editor temp/lock files, the output and the cache;
* `Debouncer` — pure: paths in with a timestamp, one batch out once the tree has been quiet
  for `quiet` seconds (or `max_wait` after the first change of a burst, so a steady drizzle of
  saves cannot starve the build);
* `ChangeBatcher` — Debouncer + a callback; `step(now)` runs the callback once a batch is due.
  Changes that arrive while the callback (a build) runs are kept and make the next batch;
* `Watcher` — the thin threaded shell: a watchdog Observer on folders (editors save by
  rename, so files are never watched one by one) feeding a ChangeBatcher from a worker thread.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

QUIET = 0.05       # seconds without events before a rebuild starts
MAX_WAIT = 1.0     # never wait longer than this after the first event of a burst

IGNORED_DIRS = {".site-builder-cache", ".git", ".hg", ".svn", "__pycache__", "node_modules",
                ".idea", ".vscode", ".pytest_cache"}
IGNORED_DIR_PREFIXES = (".out-staging-", ".out-old-", ".out-spare-", ".out-trash-")


def is_editor_junk(name: str) -> bool:
    """Temp, backup, swap and lock files that editors write next to the file being saved."""
    return (
        name.startswith((".#", ".~lock.", ".goutputstream-", ".tmp-", "~$"))  # emacs/LibreOffice/gedit/ours/MS
        or name.endswith(("~", ".swp", ".swx", ".swo", ".swpx", ".tmp", ".part", ".crdownload",
                          ".kate-swp", "___jb_tmp___", "___jb_old___"))  # Kate, JetBrains
        or (name.startswith(".") and name[-4:-1] == ".sw" and "a" <= name[-1] <= "p")  # vim's .swa-.swp
        or (name.startswith("#") and name.endswith("#"))  # emacs auto-save
        or name == "4913"  # vim probes whether it may write in the folder
        or name in (".DS_Store", "Thumbs.db")
    )


def is_ignored(path: Path | str, ignore_roots: Iterable[Path] = ()) -> bool:
    """True for editor junk and anything inside the output, the cache or a staging folder."""
    p = Path(path)
    if is_editor_junk(p.name):
        return True
    for part in p.parts[:-1] + (p.name,):
        if part in IGNORED_DIRS or part.startswith(IGNORED_DIR_PREFIXES):
            return True
    for root in ignore_roots:
        if p == root or p.is_relative_to(root):
            return True
    return False


class Debouncer:
    """Collects changed paths; `take(now)` hands them out as one batch once they are due."""

    def __init__(self, quiet: float = QUIET, max_wait: float = MAX_WAIT) -> None:
        self.quiet = quiet
        self.max_wait = max_wait
        self.pending: set[Path] = set()
        self._first: float | None = None
        self._last: float | None = None

    def add(self, path: Path, now: float) -> None:
        self.pending.add(Path(path))
        if self._first is None:
            self._first = now
        self._last = now

    def deadline(self) -> float | None:
        """When the pending batch becomes due; None when nothing is pending."""
        if not self.pending:
            return None
        return min(self._last + self.quiet, self._first + self.max_wait)

    def take(self, now: float) -> set[Path] | None:
        due = self.deadline()
        if due is None or now < due:
            return None
        batch, self.pending = self.pending, set()
        self._first = self._last = None
        return batch


class ChangeBatcher:
    """Debouncer + callback, safe to feed from the watchdog thread while the callback runs."""

    def __init__(self, callback: Callable[[set[Path]], object], quiet: float = QUIET,
                 max_wait: float = MAX_WAIT, clock: Callable[[], float] = time.monotonic) -> None:
        self.callback = callback
        self.clock = clock
        self.debouncer = Debouncer(quiet, max_wait)
        self.cond = threading.Condition()
        self.stopped = False
        self.busy = False

    def notify(self, path: Path, now: float | None = None) -> None:
        with self.cond:
            self.debouncer.add(path, self.clock() if now is None else now)
            self.cond.notify_all()

    def step(self, now: float | None = None) -> bool:
        """Run the callback once if a batch is due. Returns True when it ran."""
        with self.cond:
            batch = self.debouncer.take(self.clock() if now is None else now)
            if not batch:
                return False
            self.busy = True
        try:
            self.callback(batch)
        finally:
            with self.cond:
                self.busy = False
                self.cond.notify_all()
        return True

    def run(self) -> None:
        """Worker loop: sleep until a batch is due (or a stop), run it, repeat."""
        while True:
            with self.cond:
                while not self.stopped:
                    due = self.debouncer.deadline()
                    now = self.clock()
                    if due is not None and now >= due:
                        break
                    self.cond.wait(None if due is None else due - now)
                if self.stopped:
                    return
            self.step()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify_all()

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is pending or building (for tests and benchmarks)."""
        end = time.monotonic() + timeout
        with self.cond:
            while self.busy or self.debouncer.pending:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.05))
        return True


# Events that mean "something was written". inotify also reports opened/closed-without-write,
# which the build itself causes by reading every file: reacting to those would loop forever.
_WRITE_EVENTS = {"created", "modified", "deleted", "moved", "closed"}


def _write_event_types() -> list:
    """Only writes, creations, deletions and moves: by default inotify also reports every open
    and read-only close, and a build reading every article would flood the watcher thread with
    two events per file."""
    from watchdog import events as ev

    return [ev.FileCreatedEvent, ev.FileModifiedEvent, ev.FileDeletedEvent, ev.FileMovedEvent,
            ev.FileClosedEvent, ev.DirCreatedEvent, ev.DirDeletedEvent, ev.DirMovedEvent]


class Watcher:
    """Watch folders with watchdog; call `callback(changed_paths)` after each quiet window.

    `folders` are watched recursively. `files` are watched through their parent folder
    (non-recursively), so a save by rename (write temp, rename over) is still seen.
    """

    def __init__(self, folders: Iterable[Path], files: Iterable[Path], callback: Callable[[set[Path]], object],
                 ignore_roots: Iterable[Path] = (), quiet: float = QUIET, max_wait: float = MAX_WAIT) -> None:
        self.folders = [Path(f).resolve() for f in folders]
        self.files = {Path(f).resolve() for f in files}
        self.ignore_roots = [Path(r).resolve() for r in ignore_roots]
        self.batcher = ChangeBatcher(callback, quiet, max_wait)
        self._observer = None
        self._thread: threading.Thread | None = None
        self._scheduled: set[Path] = set()
        self._overflow: logging.Handler | None = None

    # -- filtering -------------------------------------------------------------------------
    def wanted(self, path: Path) -> bool:
        if is_ignored(path, self.ignore_roots):
            return False
        if any(path == f or path.is_relative_to(f) for f in self.folders):
            return True
        return path in self.files

    def on_event(self, event) -> None:
        if event.event_type not in _WRITE_EVENTS:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder's mtime changes whenever a file in it does; the file event says more
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        for raw in paths:
            if not raw:
                continue
            path = Path(raw.decode() if isinstance(raw, bytes) else raw)
            if event.is_directory and event.event_type == "created" and path in self._pending_folders():
                self._schedule(path)
            if self.wanted(path):
                self.batcher.notify(path)

    def overflowed(self) -> None:
        """The kernel dropped events: the watched folders themselves are reported changed. A
        folder is not an article, so the build looks at every file's stat again instead of
        trusting the paths it was told."""
        for folder in self.folders:
            self.batcher.notify(folder)

    def _pending_folders(self) -> set[Path]:
        return {f for f in self.folders if f not in self._scheduled}

    # -- lifecycle -------------------------------------------------------------------------
    def _schedule(self, folder: Path) -> None:
        if folder in self._scheduled or not folder.is_dir() or self._observer is None:
            return
        self._observer.schedule(_Handler(self), str(folder), recursive=True, event_filter=_write_event_types())
        self._scheduled.add(folder)

    def start(self) -> "Watcher":
        from watchdog.observers import Observer

        self._observer = Observer()
        parents: set[Path] = set()
        for folder in self.folders:
            if folder.is_dir():
                self._schedule(folder)
            else:
                parents.add(folder.parent)  # so a folder created later (themes/) is noticed
        for f in self.files:
            parents.add(f.parent)
        for parent in sorted(parents):
            if parent.is_dir() and not any(parent == s or parent.is_relative_to(s) for s in self._scheduled):
                self._observer.schedule(_Handler(self), str(parent), recursive=False,
                                        event_filter=_write_event_types())
        self._overflow = _OverflowAlarm(self)
        logging.getLogger(_OverflowAlarm.LOGGER).addHandler(self._overflow)
        self._observer.daemon = True
        self._observer.start()
        self._thread = threading.Thread(target=self.batcher.run, name="site-builder-rebuild", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._overflow is not None:
            logging.getLogger(_OverflowAlarm.LOGGER).removeHandler(self._overflow)
        self.batcher.stop()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=30)


class _Handler:
    """Minimal watchdog handler: forward every event to the Watcher."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def dispatch(self, event) -> None:
        try:
            self.watcher.on_event(event)
        except Exception:  # a bad event must never kill the observer thread
            pass


class _OverflowAlarm(logging.Handler):
    """watchdog (7.x) hands no event to the handlers when the inotify queue overflows; it only
    logs a warning. That warning is what tells the watcher its paths are incomplete."""
    LOGGER = "watchdog.observers.inotify_c"

    def __init__(self, watcher: Watcher) -> None:
        super().__init__(logging.WARNING)
        self.watcher = watcher

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in str(record.msg).lower():
            self.watcher.overflowed()
