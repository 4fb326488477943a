"""Dev server: serve the last good build, rebuild on change, tell open pages to reload.

The request → response core is `DevSite`, a plain object with no socket: `respond(target)`
returns (status, headers, body) and `rebuild(changes)` builds, updates the state and queues
server-sent events for every subscriber. `DevServer` is the thin ThreadingHTTPServer shell
around it and `serve()` wires it to the watcher for the CLI.

* Binds to 127.0.0.1 unless told otherwise, and then answers only requests addressed to a
  loopback name (no DNS rebinding).
* Serves files from the output folder only: the URL path is decoded once, `..` segments are
  refused (400) and the final real path (symlinks resolved) must lie inside the output (404).
* Every served HTML page gets `<script src="/__livereload.js">` before `</body>`; the output
  on disk never contains it.
* `/__reload` is an event stream. `reload` events carry the output paths a build changed; a
  page reloads when its own path or one of the resources it loaded is among them (or when it
  shows the error overlay). `builderror` events carry `file:line: message` problems; the page
  shows them in an overlay made with textContent. The event id lets a page that connects late
  (or reconnects) learn what changed since it was served.
* A failed build changes nothing on disk: the last good build stays served and the error is
  printed in the terminal and shown on open pages until a build succeeds again.
"""
from __future__ import annotations

import inspect
import ipaddress
import json
import os
import queue
import secrets
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from site_builder.config import load_config
from site_builder.errors import ContentError, Problem, SiteError

RELOAD_ENDPOINT = "/__reload"
SCRIPT_ENDPOINT = "/__livereload.js"
KEEPALIVE = 15.0  # seconds between comment lines on an idle event stream
HISTORY = 256     # builds remembered for pages that connect late
MAX_PATHS = 2000  # a build that changes more pages than this just tells every page to reload

TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
}
BINARY_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".woff": "font/woff",
    ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf", ".pdf": "application/pdf",
    ".wasm": "application/wasm", ".gz": "application/gzip",
}

CLIENT_JS = r"""(function () {
  "use strict";
  if (window.__siteBuilderReload || !window.EventSource) return;
  window.__siteBuilderReload = true;
  var script = document.currentScript;
  var since = (script && script.getAttribute("data-since")) || "";
  var here = location.pathname;
  try { here = decodeURIComponent(here); } catch (e) {}
  if (here.charAt(here.length - 1) === "/") here += "index.html";
  var overlay = null;

  function shown() {
    // This page and every same-origin resource it loaded (styles, scripts, images, index shards).
    var seen = {};
    seen[here] = true;
    var entries = performance.getEntriesByType ? performance.getEntriesByType("resource") : [];
    for (var i = 0; i < entries.length; i++) {
      try {
        var url = new URL(entries[i].name);
        if (url.origin === location.origin) seen[decodeURIComponent(url.pathname)] = true;
      } catch (e) {}
    }
    return seen;
  }

  function showErrors(problems) {
    if (overlay) overlay.remove();
    overlay = document.createElement("div");
    overlay.id = "site-builder-error";
    overlay.setAttribute("role", "alert");
    Object.assign(overlay.style, {
      position: "fixed", left: "0", right: "0", top: "0", zIndex: "2147483647", maxHeight: "80vh",
      overflow: "auto", margin: "0", padding: "1em 1.25em", background: "#2b0b0b", color: "#ffe9e9",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      borderBottom: "4px solid #ff5c5c", boxShadow: "0 4px 24px rgba(0,0,0,.5)", whiteSpace: "pre-wrap"
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Hide");
    Object.assign(close.style, { float: "right", font: "inherit", fontSize: "20px", background: "none",
      border: "0", color: "inherit", cursor: "pointer" });
    close.addEventListener("click", function () { overlay.style.display = "none"; });
    overlay.appendChild(close);
    var head = document.createElement("strong");
    head.textContent = "Build failed \u2014 showing the last good build. Fix the file and save:";
    overlay.appendChild(head);
    var list = document.createElement("ul");
    Object.assign(list.style, { margin: ".5em 0 0", paddingLeft: "1.2em" });
    for (var i = 0; i < problems.length; i++) {
      var item = document.createElement("li");
      item.className = "site-builder-problem";
      item.textContent = problems[i].text;
      list.appendChild(item);
    }
    overlay.appendChild(list);
    (document.body || document.documentElement).appendChild(overlay);
  }

  var source = new EventSource("__RELOAD__?since=" + encodeURIComponent(since));
  source.addEventListener("reload", function (event) {
    var data = JSON.parse(event.data);
    if (overlay || data.all) { source.close(); location.reload(); return; }
    var seen = shown();
    for (var i = 0; i < data.paths.length; i++) {
      if (seen[data.paths[i]]) { source.close(); location.reload(); return; }
    }
  });
  source.addEventListener("builderror", function (event) {
    showErrors(JSON.parse(event.data).problems);
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
""".replace("__RELOAD__", RELOAD_ENDPOINT)


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def content_type(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    if ext in TEXT_TYPES:
        return TEXT_TYPES[ext]
    if ext in BINARY_TYPES:
        return BINARY_TYPES[ext]
    import mimetypes

    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")


def inject(html: bytes, tag: bytes) -> bytes:
    """Insert `tag` right before the last </body> (any case); append when there is none."""
    at = html.lower().rfind(b"</body")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def _takes(build: Callable, name: str) -> bool:
    try:
        return name in inspect.signature(build).parameters
    except (TypeError, ValueError):
        return False


FLUSH_AFTER = 5.0  # seconds without a build before the dev server writes its build cache


class DevSite:
    """State of a dev server without the socket: last good build, current error, subscribers."""

    def __init__(self, site_dir: Path, out_dir: Path | None = None, overrides: dict | None = None,
                 build: Callable | None = None, log: Callable[[str], None] | None = None) -> None:
        if build is None:
            from site_builder.build.pipeline import build_site as build
        self.site_dir = Path(site_dir).resolve()
        self.out_override = Path(os.path.abspath(out_dir)) if out_dir else None
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self.build = build
        self._build_takes_changed = _takes(build, "changed")
        self._build_takes_cache = _takes(build, "cache")
        self._cache = None                          # kept between builds, written when idle
        self._flush_timer: threading.Timer | None = None
        self.log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.config = None
        self.digests: dict[str, str] | None = None  # of the last good build on disk
        self.problems: list[Problem] = []           # non-empty: the last build failed
        self._error_payload: list[dict] = []
        self.epoch = secrets.token_hex(4)           # tells a restarted server from this one
        self.version = 0                            # successful builds that changed something
        self.builds = 0                             # builds attempted
        self.last_report = None
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
        self._out_real = os.path.realpath(self.out_dir)

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
                self.config = self._load_config()  # cheap; a fixed or broken site.toml shows at once
                kwargs = {"previous": self.digests}
                if self._build_takes_changed and changes is not None:
                    kwargs["changed"] = {Path(p) for p in changes}
                if self._build_takes_cache:
                    kwargs["cache"] = self._build_cache()
                report = self.build(self.config, **kwargs)
            except SiteError as exc:
                self._failed([(str(p.path), p.line, p.message) for p in exc.problems])
                return False
            except Exception as exc:  # a template or plugin bug must not kill the server
                self._failed([_locate(exc)], detail=traceback.format_exc())
                return False
            self._succeeded(report, changes, time.perf_counter() - started)
            self._schedule_flush()
            return True

    def _build_cache(self):
        from site_builder.build.cache import BuildCache

        root = self.config.cache_dir
        if self._cache is None or self._cache.root != root:
            self.flush_cache()
            self._cache = BuildCache(root, write_behind=True)
        return self._cache

    def _schedule_flush(self) -> None:
        if self._cache is None:
            return
        if self._flush_timer is not None:
            self._flush_timer.cancel()
        self._flush_timer = threading.Timer(FLUSH_AFTER, self.flush_cache)
        self._flush_timer.daemon = True
        self._flush_timer.start()

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

    def _succeeded(self, report, changes, seconds: float) -> None:
        changed = tuple("/" + p for p in getattr(report, "changed", ()))
        digests = getattr(report, "digests", None)
        with self._state:
            recovered = bool(self.problems)
            self.problems = []
            self.digests = dict(digests) if digests else None
            self.last_report = report
            if self.config is not None:
                self._set_out_dir(self.config.out_dir)
            if changed or recovered:
                self.version += 1
                many = len(changed) > MAX_PATHS
                paths = () if many else changed
                self._history.append((self.version, paths, many))
                self._broadcast(self._reload_event(self.version, paths, all_pages=many))
        what = f"{len(changed)} file{'s' if len(changed) != 1 else ''} changed"
        if 0 < len(changed) <= 3:
            what += " (" + ", ".join(p.lstrip("/") for p in changed) + ")"
        trigger = ""
        if changes:
            names = sorted(self._shown(p) for p in changes)
            trigger = " after " + ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
        if changes is None and hasattr(report, "summary"):
            self.log(report.summary() + ("; error fixed" if recovered else ""))
        else:
            self.log(f"rebuilt in {seconds:.2f} s{trigger}: {what}" + ("; error fixed" if recovered else ""))
        from site_builder.build_output import warning_lines
        for line in warning_lines(getattr(report, "warnings", ())):
            self.log(line)

    # -- events ----------------------------------------------------------------------------
    def _event_id(self, version: int | None = None) -> str:
        return f"{self.epoch}-{self.version if version is None else version}"

    def _reload_event(self, version: int, paths: tuple[str, ...], all_pages: bool) -> str:
        data = json.dumps({"paths": list(paths), "all": all_pages}, ensure_ascii=False)
        return f"id: {self._event_id(version)}\nevent: reload\ndata: {data}\n\n"

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
        if epoch != self.epoch or not number.isdigit() or int(number) > self.version:
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

    # -- requests --------------------------------------------------------------------------
    def resolve(self, target: str) -> tuple[int, Path | None]:
        """Request target → (status, file). Never a file outside the output folder."""
        raw = target.split("#", 1)[0].split("?", 1)[0]
        if raw.startswith(("http://", "https://")):
            raw = urlsplit(raw).path or "/"
        if not raw.startswith("/"):
            return 400, None
        path = unquote(raw, errors="strict") if "%" in raw else raw
        if "\x00" in path or "\\" in path:
            return 400, None
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return 400, None
        if any(p.startswith(".tmp-") for p in parts):  # a file the writer is still writing
            return 404, None
        candidate = os.path.join(self.out_dir, *parts)
        real = os.path.realpath(candidate)
        if real != self._out_real and not real.startswith(self._out_real + os.sep):
            return 404, None
        if os.path.isdir(real):
            if not path.endswith("/"):
                return 301, None
            real = os.path.join(real, "index.html")
        if not os.path.isfile(real):
            return 404, None
        return 200, Path(real)

    def script_tag(self) -> bytes:
        return (f'<script src="{SCRIPT_ENDPOINT}" data-since="{self._event_id()}"></script>').encode()

    def respond(self, target: str) -> Response:
        base = (("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"))
        if target.split("?", 1)[0] == SCRIPT_ENDPOINT:
            body = CLIENT_JS.encode("utf-8")
            return Response(200, base + (("Content-Type", TEXT_TYPES[".js"]),
                                         ("Content-Length", str(len(body)))), body)
        try:
            status, file = self.resolve(target)
        except UnicodeDecodeError:
            status, file = 400, None
        if status == 301:
            path, _, query = target.partition("?")
            location = path + "/" + ("?" + query if query else "")
            body = b"moved\n"
            return Response(301, base + (("Location", location), ("Content-Type", TEXT_TYPES[".txt"]),
                                         ("Content-Length", str(len(body)))), body)
        if status == 200:
            try:
                body = file.read_bytes()
            except OSError:  # replaced or removed between the check and the read
                status, body = 404, b""
        if status == 200:
            ctype = content_type(file.name)
        elif status == 404:
            body, ctype = self._not_found()
        else:
            body, ctype = b"400 bad request\n", TEXT_TYPES[".txt"]
        if ctype.startswith("text/html"):
            body = inject(body, self.script_tag())
        return Response(status, base + (("Content-Type", ctype), ("Content-Length", str(len(body)))), body)

    def _not_found(self) -> tuple[bytes, str]:
        page = os.path.join(self.out_dir, "404.html")
        try:
            from site_builder.devserver.preview import rooted_links
            return rooted_links(Path(page).read_bytes()), TEXT_TYPES[".html"]
        except OSError:
            return b"<!doctype html><title>Not found</title><h1>Not found</h1>\n", TEXT_TYPES[".html"]


LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def host_allowed(host_header: str | None, bound: str) -> bool:
    """On a loopback address, answer only requests addressed to a loopback name: a web page
    elsewhere cannot read this server through DNS rebinding. Any Host once bound elsewhere."""
    try:
        if not ipaddress.ip_address(bound).is_loopback:
            return True
    except ValueError:
        if bound != "localhost":
            return True
    if not host_header:
        return True  # HTTP/1.0 clients may omit it; a browser always sends one
    try:
        name = (urlsplit("//" + host_header.strip()).hostname or "").rstrip(".")
    except ValueError:
        return False
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _locate(exc: Exception) -> tuple[str, int | None, str]:
    """Best (file, line, message) for an unexpected build exception: a template frame if any."""
    message = f"{type(exc).__name__}: {exc}"
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename and lineno:
        return str(filename), lineno, message
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".j2", ".jinja")):
            return frame.filename, frame.lineno, message
    return "", None, message


# -- the socket shell ------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    server_version = "site-builder"

    def version_string(self) -> str:
        return self.server_version
    server: "DevServer"

    def do_GET(self) -> None:  # noqa: N802
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        site = self.server.site
        if not host_allowed(self.headers.get("Host"), self.server.server_address[0]):
            self.send_error(403, "Host not allowed (a local dev server answers only to localhost)")
            return
        path = self.path.split("?", 1)[0]
        if path == RELOAD_ENDPOINT and not head:
            self._events(site)
            return
        resp = site.respond(self.path)
        self.send_response(resp.status)
        for name, value in resp.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(resp.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _events(self, site: DevSite) -> None:
        query = parse_qs(urlsplit(self.path).query)
        since = self.headers.get("Last-Event-ID") or (query.get("since") or [""])[0]
        q = site.subscribe(since)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Accel-Buffering", "no")
            self.end_headers()
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                try:
                    event = q.get(timeout=KEEPALIVE)
                except queue.Empty:
                    event = ": ping\n\n"
                if event is None:
                    break
                self.wfile.write(event.encode("utf-8"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            pass
        finally:
            site.unsubscribe(q)
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass  # a dev server that prints every request drowns the build messages

    def log_error(self, format: str, *args) -> None:  # noqa: A002
        pass


class DevServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, site: DevSite, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.site = site
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"


class Preview:
    """Server + watcher + builder, as `site-builder serve` runs them; start()/stop() for tests."""

    def __init__(self, site: DevSite, host: str = "127.0.0.1", port: int = 8000,
                 quiet: float | None = None) -> None:
        from site_builder.devserver.watcher import QUIET, Watcher

        self.site = site
        self.httpd = DevServer(site, host, port)  # bind first: a busy port fails before building
        self.watcher = Watcher(site.watch_folders(), site.watch_files(), site.rebuild,
                               ignore_roots=site.ignore_roots(), quiet=QUIET if quiet is None else quiet)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.httpd.url

    def start(self, build: bool = True) -> "Preview":
        """Watch, build once, serve in a background thread."""
        self.watcher.start()
        if build:
            self.site.rebuild(None)
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="site-builder-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.watcher.stop()
        self.site.close()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def serve(site_dir: Path, out_dir: Path | None = None, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = False, **overrides) -> None:
    """The `site-builder serve` command: runs until Ctrl+C."""
    site = DevSite(site_dir, out_dir, overrides)
    preview = Preview(site, host, port)
    preview.watcher.start()
    site.rebuild(None)
    site.log(f"serving {site.out_dir} at {preview.url} (watching content/, themes/, site.toml; Ctrl+C to stop)")
    if open_browser:
        import webbrowser

        threading.Timer(0.2, webbrowser.open, args=(preview.url,)).start()
    try:
        preview.httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        site.log("stopping")
    finally:
        preview.watcher.stop()
        site.close()
        preview.httpd.server_close()
