"""The dev server's state, without a socket: the last good build, the current error, the
epoch and version that tell a page what changed since it was served, and the subscribers
waiting for events.

`rebuild(changes)` builds (one at a time), updates the state and queues server-sent events
for every subscriber. A failed build changes nothing on disk: the last good build stays
served and the error is printed in the terminal and shown on open pages until a build
succeeds again. The build cache and the compiled templates live here between builds.
"""
from __future__ import annotations

import json
import os
import queue
import secrets
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Callable

from site_builder.build.pipeline import build_site
from site_builder.build.report import BuildReport
from site_builder.config import load_config
from site_builder.render.theme_errors import template_frame
from site_builder.errors import ContentError, Problem, SiteError
from site_builder.render.themes import TemplateMemo

HISTORY = 256     # builds remembered for pages that connect late
MAX_PATHS = 2000  # a build that changes more pages than this just tells every page to reload
FLUSH_AFTER = 5.0  # the build cache is written once no build has come for this long
SETTLE_AFTER = 0.15  # the output's folder times vouch for it once this old (spare.RACY_NS)
WRITE_BACK_MIN = 1000  # a build that wrote or removed this many files has them flushed to disk at once

# What DevSite calls to build: build_site's signature (test doubles take the same one).
Build = Callable[..., BuildReport]


class DevSite:
    """State of a dev server without the socket: last good build, current error, subscribers."""

    def __init__(self, site_dir: Path, out_dir: Path | None = None, overrides: dict | None = None,
                 build: Build = build_site, log: Callable[[str], None] | None = None) -> None:
        self.site_dir = Path(site_dir).resolve()
        self.out_override = Path(os.path.abspath(out_dir)) if out_dir else None
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self.build = build
        self._cache = None                          # kept between builds, written when idle
        self._unbuilt: set[Path] | None = None      # changed since the last good build (None: no such build)
        self._templates = TemplateMemo()            # compiled templates, kept between builds
        self._flush_timer: threading.Timer | None = None
        self._out_dirs = None                       # the output's folders as last settled
        self.log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.config = None
        self.digests: Mapping[str, str] | None = None  # of the last good build on disk
        self.problems: list[Problem] = []           # non-empty: the last build failed
        self._error_payload: list[dict] = []
        self.epoch = secrets.token_hex(4)           # tells a restarted server from this one
        self.version = 0                            # successful builds that changed something
        self.builds = 0                             # builds attempted
        self.last_report: BuildReport | None = None
        self._history: deque[tuple[int, tuple[str, ...], bool]] = deque(maxlen=HISTORY)
        self._subscribers: set[queue.Queue] = set()
        self._state = threading.Lock()
        self._building = threading.Lock()
        self._set_out_dir(self.out_override or self.site_dir / "output")
        try:
            self.config = self._load_config()
            self._set_out_dir(self.config.out_dir)
        except ContentError:
            pass  # reported by the first rebuild

    # -- paths -----------------------------------------------------------------------------
    def _set_out_dir(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_real = os.path.realpath(self.out_dir)

    def _load_config(self):
        return load_config(self.site_dir, self.out_override, **self.overrides)

    @property
    def cache_dir(self) -> Path:
        return self.site_dir / ".site-builder-cache"

    def watch_folders(self) -> list[Path]:
        from site_builder.render.themes import shipped_themes_dir

        return [self.site_dir / "content", self.site_dir / "themes", shipped_themes_dir()]

    def watch_files(self) -> list[Path]:
        return [self.site_dir / "site.toml"]

    def ignore_roots(self) -> list[Path]:
        return [self.out_dir, self.cache_dir]

    def _shown(self, path) -> str:
        p = Path(path)
        try:
            return p.resolve().relative_to(self.site_dir).as_posix()
        except (ValueError, OSError):
            return str(path)

    # -- building --------------------------------------------------------------------------
    def rebuild(self, changes: set[Path] | None = None) -> bool:
        """Build once (one at a time). True on success. Never raises for a bad build."""
        with self._building:
            started = time.perf_counter()
            self.builds += 1
            try:
                from site_builder.devserver.preview import import_arrivals
                changes = import_arrivals(self.site_dir, changes, self.log)  # raw files dropped in
                changed = self._since_last_good(changes)
                self.config = self._load_config()  # cheap; a fixed or broken site.toml shows at once
                report = self.build(self.config, previous=self.digests, cache=self._build_cache(),
                                    changed=changed, templates=self._templates)
            except SiteError as exc:
                self._failed([(str(p.path), p.line, p.message) for p in exc.problems])
                return False
            except Exception as exc:  # a template or plugin bug must not kill the server
                self._failed([_locate(exc)], detail=traceback.format_exc())
                return False
            self._unbuilt = set()
            self._succeeded(report, changes, time.perf_counter() - started)
            # After a full index the articles' texts are only in their files: written to the
            # cache at once, the next edit's search update finds the edited article's last text
            # (else it indexes everything again). After the start's, before any edit can change
            # a file (an edit waits for the build lock): an edit in the seconds a write in the
            # background took cost 32 s at 50,000 articles.
            if report.search == "rebuilt" and changes is None:
                self.flush_cache()
            else:
                self._schedule_flush(0.0 if report.search == "rebuilt" else FLUSH_AFTER)
            if changes is None:
                threading.Thread(target=self._warm_up, name="site-builder-warm-up", daemon=True).start()
            if len(report.changed) >= WRITE_BACK_MIN:
                threading.Thread(target=write_back, name="site-builder-write-back", daemon=True).start()
            self._settle_later(self.builds)
            return True

    def _settle_later(self, builds: int) -> None:
        settle = threading.Timer(SETTLE_AFTER, self._settle, args=(builds,))
        settle.daemon = True
        settle.start()

    def _settle(self, builds: int) -> None:
        """Once the output's folders have settled, and no build came meanwhile: their snapshot,
        by which the next edit trusts the output (build/unchanged.settle)."""
        if not self._building.acquire(blocking=False):
            if self.builds == builds:  # the warm-up holds the lock, not a build: after it, then
                self._settle_later(builds)
            return  # a build is running: it takes its own look
        try:
            if self.builds == builds and self._cache is not None and self.config is not None:
                from site_builder.build.unchanged import settle
                self._out_dirs = settle(self._cache, self.config.out_dir, self._out_dirs)
        except OSError:
            pass  # the output went away: the next build looks at every file
        finally:
            self._building.release()

    def _warm_up(self) -> None:
        """A first build that found nothing to render imported no renderer and compiled no
        template, and one that rendered everything did it in its workers: done now, in the
        server, while it waits for an edit (0.4 s of the first edit's 2.8 s at 50,000 articles).
        An edit that comes meanwhile waits for it."""
        with self._building:
            try:
                from site_builder.build.design import Design
                from site_builder.search import stage  # noqa: F401 — an edit's search update
                from site_builder.build.render_stage import SEARCH_DIR
                from site_builder.search.glossary import glossary
                design = Design.of(self.config)
                env = self._templates.environment(design.chain, design.theme)
                for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
                    env.get_template(name)
                glossary()  # what an edit's search analysis matches concepts with
                count = getattr(self._cache.pages if self._cache else None, "count_under", None)
                if count is not None:  # how many search files there are, which an edit's update asks
                    count(SEARCH_DIR)
            except Exception:  # noqa: BLE001 — a broken template is the next build's to report
                pass

    def _since_last_good(self, changes: set[Path] | None) -> set[Path] | None:
        """What the build is told changed: the watcher's paths and those of the builds that failed
        since the last good one (an edit builds on that build's records, so it must see them
        all). Before a good build, the site folder itself: not an article, so everything is
        looked at."""
        if changes is None:
            self._unbuilt = {self.site_dir}
            return None
        before = self._unbuilt if self._unbuilt is not None else {self.site_dir}
        self._unbuilt = before | {Path(p) for p in changes}
        return set(self._unbuilt)

    def _build_cache(self):
        from site_builder.build.cache import BuildCache

        root = self.config.cache_dir
        if self._cache is None or self._cache.root != root:
            self.flush_cache()
            self._cache = BuildCache(root, write_behind=True)
        return self._cache

    def _schedule_flush(self, delay: float = FLUSH_AFTER) -> None:
        if self._cache is None:
            return
        if self._flush_timer is not None:
            self._flush_timer.cancel()
        self._flush_timer = threading.Timer(delay, self.flush_cache)
        self._flush_timer.daemon = True
        self._flush_timer.start()

    def _pending_flush(self) -> bool:
        """A scheduled write of the cache has not run yet."""
        return self._flush_timer is not None and self._flush_timer.is_alive()

    def flush_cache(self) -> None:
        """Write the build cache now (when idle, and before the server stops)."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
        if self._cache is not None:
            self._cache.flush()

    def _failed(self, problems: list[tuple[str, int | None, str]], detail: str | None = None) -> None:
        shown = []
        for path, line, message in problems:
            where = self._shown(path) if path else ""
            if where and line:
                where = f"{where}:{line}"
            shown.append({"file": self._shown(path) if path else "", "line": line, "message": message,
                          "text": f"{where}: {message}" if where else message})
        if detail:
            self.log(detail.rstrip())
        for p in shown:
            self.log(f"error: {p['text']}")
        self.log(f"build failed; still serving the last good build from {self.out_dir}")
        with self._state:
            self.problems = [Problem(p["file"], p["line"], p["message"]) for p in shown]
            self._error_payload = shown
            self._broadcast(self._error_event())

    def _succeeded(self, report: BuildReport, changes: set[Path] | None, seconds: float) -> None:
        changed = tuple("/" + p for p in report.changed)
        with self._state:
            recovered = bool(self.problems)
            self.problems = []
            self.digests = report.digests if report.digests else None  # a mapping no build changes
            self.last_report = report
            if self.config is not None:
                self._set_out_dir(self.config.out_dir)
            if changed or recovered:
                self.version += 1
                many = len(changed) > MAX_PATHS
                paths = () if many else changed
                self._history.append((self.version, paths, many))
                self._broadcast(self._reload_event(self.version, paths, all_pages=many))
        self._log_build(report, changes, changed, seconds, recovered)

    def _log_build(self, report: BuildReport, changes: set[Path] | None, changed: tuple[str, ...],
                   seconds: float, recovered: bool) -> None:
        fixed = "; error fixed" if recovered else ""
        if changes is None:
            self.log(report.summary() + fixed)
        else:
            what = f"{len(changed)} file{'s' if len(changed) != 1 else ''} changed"
            if 0 < len(changed) <= 3:
                what += " (" + ", ".join(p.lstrip("/") for p in changed) + ")"
            trigger = ""
            if changes:
                names = sorted(self._shown(p) for p in changes)
                trigger = " after " + ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
            self.log(f"rebuilt in {seconds:.2f} s{trigger}: {what}{fixed}")
        from site_builder.build_output import warning_lines
        for line in warning_lines(report.warnings):
            self.log(line)

    # -- events ----------------------------------------------------------------------------
    def event_id(self, version: int | None = None) -> str:
        """What a page served now is told, so that it can later ask what changed since."""
        return f"{self.epoch}-{self.version if version is None else version}"

    def _reload_event(self, version: int, paths: tuple[str, ...], all_pages: bool) -> str:
        data = json.dumps({"paths": list(paths), "all": all_pages}, ensure_ascii=False)
        return f"id: {self.event_id(version)}\nevent: reload\ndata: {data}\n\n"

    def _error_event(self) -> str:
        data = json.dumps({"problems": self._error_payload}, ensure_ascii=False)
        return f"event: builderror\ndata: {data}\n\n"

    def _broadcast(self, event: str) -> None:
        for q in self._subscribers:
            q.put(event)

    def subscribe(self, since: str | None = None) -> queue.Queue:
        """A queue of ready-to-send event texts; None in it means the stream must end.
        `since` is the event id the page was served with (or last saw)."""
        q: queue.Queue = queue.Queue()
        with self._state:
            catch_up = self._catch_up(since)
            if catch_up:
                q.put(catch_up)
            if self.problems:
                q.put(self._error_event())
            self._subscribers.add(q)
        return q

    def _catch_up(self, since: str | None) -> str | None:
        if not since:
            return None
        epoch, _, number = since.partition("-")
        if epoch != self.epoch or not (number.isascii() and number.isdigit()) or int(number) > self.version:
            return self._reload_event(self.version, (), all_pages=True)  # served by another server
        seen = int(number)
        if seen == self.version:
            return None
        if not self._history or self._history[0][0] > seen + 1:
            return self._reload_event(self.version, (), all_pages=True)  # too old to know
        recent = [(ps, many) for v, ps, many in self._history if v > seen]
        if any(many for _, many in recent):
            return self._reload_event(self.version, (), all_pages=True)
        paths = sorted({p for ps, _ in recent for p in ps})
        return self._reload_event(self.version, tuple(paths), all_pages=False)

    def unsubscribe(self, q: queue.Queue) -> None:
        with self._state:
            self._subscribers.discard(q)

    def close(self) -> None:
        with self._state:
            for q in self._subscribers:
                q.put(None)
            self._subscribers.clear()
        self.flush_cache()


def write_back() -> None:
    """Have the kernel write what a large build left in memory to disk now, while the server
    waits (never holding the build lock), not in bursts over the next minute: an edit whose
    few writes met such a burst stalled behind it (docs/internals.md)."""
    sync = getattr(os, "sync", None)  # not on Windows
    if sync is not None:
        sync()


def _locate(exc: Exception) -> tuple[str, int | None, str]:
    """Best (file, line, message) for an unexpected build exception: a template frame if any."""
    message = f"{type(exc).__name__}: {exc}"
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename and lineno:
        return str(filename), lineno, message
    path, line = template_frame(exc.__traceback__)
    return path, line, message
