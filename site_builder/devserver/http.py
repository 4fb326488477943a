"""The dev server's HTTP side: request → response over a DevSite, the socket server, and
`serve()` that wires server, watcher and builder together for the CLI.

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
"""
from __future__ import annotations

import ipaddress
import mimetypes
import os
import queue
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from site_builder.devserver.state import DevSite

RELOAD_ENDPOINT = "/__reload"
SCRIPT_ENDPOINT = "/__livereload.js"
KEEPALIVE = 15.0  # an idle event stream gets a comment line this often, so proxies keep it open
CLIENT_JS = (Path(__file__).with_name("livereload.js")).read_text(encoding="utf-8")

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
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")


def inject(html: bytes, tag: bytes) -> bytes:
    """Insert `tag` right before the last </body> (any case); append when there is none."""
    at = html.lower().rfind(b"</body")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def resolve(out_dir: Path, out_real: str, target: str) -> tuple[int, Path | None]:
    """Request target → (status, file). Never a file outside the output folder (`out_real`:
    its real path)."""
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
    real = os.path.realpath(os.path.join(out_dir, *parts))
    if real != out_real and not real.startswith(out_real + os.sep):
        return 404, None
    if os.path.isdir(real):
        if not path.endswith("/"):
            return 301, None
        real = os.path.join(real, "index.html")
    if not os.path.isfile(real):
        return 404, None
    return 200, Path(real)


def script_tag(site: DevSite) -> bytes:
    return (f'<script src="{SCRIPT_ENDPOINT}" data-events="{RELOAD_ENDPOINT}" '
            f'data-since="{site.event_id()}"></script>').encode()


def respond(site: DevSite, target: str) -> Response:
    """The response to a GET of `target`: a file of the last good build (HTML pages with the
    reload script), the reload script itself, a redirect, or the site's 404 page."""
    base = (("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"))
    if target.split("?", 1)[0] == SCRIPT_ENDPOINT:
        body = CLIENT_JS.encode("utf-8")
        return Response(200, base + (("Content-Type", TEXT_TYPES[".js"]),
                                     ("Content-Length", str(len(body)))), body)
    try:
        status, file = resolve(site.out_dir, site.out_real, target)
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
        body, ctype = _not_found(site.out_dir)
    else:
        body, ctype = b"400 bad request\n", TEXT_TYPES[".txt"]
    if ctype.startswith("text/html"):
        body = inject(body, script_tag(site))
    return Response(status, base + (("Content-Type", ctype), ("Content-Length", str(len(body)))), body)


def _not_found(out_dir: Path) -> tuple[bytes, str]:
    from site_builder.devserver.preview import rooted_links
    try:
        return rooted_links((out_dir / "404.html").read_bytes()), TEXT_TYPES[".html"]
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


class _Handler(BaseHTTPRequestHandler):
    server_version = "site-builder"
    server: "DevServer"

    def version_string(self) -> str:
        return self.server_version

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
        resp = respond(site, self.path)
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
    request_queue_size = 128  # a page load opens dozens of connections at once; 5 made bursts wait
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
    """Server + watcher + builder, as `site-builder serve` runs them; start()/stop() run it in
    a background thread."""

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

    def start(self) -> "Preview":
        """Watch, build once, serve in a background thread."""
        self.watcher.start()
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
