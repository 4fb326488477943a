"""`site-builder serve` for real: the CLI in a subprocess, Debian's chromium through Playwright.

An open article page must show an edited title by itself, show an overlay naming the file on a
broken edit, and come back with the new content once the file is mended.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, write_article
from corpus import generate

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")

ENVOY = """
    title: "{title}"
    date: 2025-10-25
    lang: en
    source: VNA/VNS
    tags: [cybercrime, diplomacy]
    """


class ServeProcess:
    """`python -m site_builder serve --site SITE --port 0`, its URL and everything it printed."""

    def __init__(self, site: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", "0"],
                                     cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.url: str | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(60) or not self.url:
            self.stop()
            raise RuntimeError("server did not start:\n" + "".join(self.lines))

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            m = re.search(r" at (http://\S+/) ", line)
            if m:
                self.url = m.group(1)
                self._ready.set()
        self._ready.set()

    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                if len(addr) == 8:
                    found.add(".".join(str(int(addr[i:i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    found.add(addr)
    return found


@pytest.fixture
def served_site(site: Path):
    generated = site / "generated"
    generate(40, generated)
    for f in generated.glob("*.md"):
        f.rename(site / "content" / "articles" / f.name)
    generated.rmdir()
    server = ServeProcess(site)
    try:
        yield site, server
    finally:
        server.stop()


def test_open_page_follows_edits_errors_and_mends(served_site):
    from playwright.sync_api import sync_playwright

    site, server = served_site
    port = int(server.url.rstrip("/").rsplit(":", 1)[1])
    assert server.url.startswith("http://127.0.0.1:")
    assert listening_addresses(port) == {"127.0.0.1"}

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.goto(server.url + "articles/uk-envoy.html")
            assert "UK envoy: Vietnam has a key role" in page.title()

            # 1. an edit on disk shows up by itself
            started = time.monotonic()
            write_article(site, "uk-envoy.md", ENVOY.format(title="Envoy title edited on disk"))
            page.wait_for_function("() => document.querySelector('h1') && "
                                   "document.querySelector('h1').textContent.includes('Envoy title edited on disk')",
                                   timeout=5000)
            edit_seconds = time.monotonic() - started

            # 2. a broken edit: overlay naming the file, last good page still shown
            (site / "content" / "articles" / "uk-envoy.md").write_text(
                '---\ntitle: "Envoy title edited on disk\ndate: 2025-10-25\n---\nBody.\n', encoding="utf-8")
            page.wait_for_function("() => { const o = document.getElementById('site-builder-error');"
                                   " return o && o.textContent.includes('content/articles/uk-envoy.md'); }",
                                   timeout=5000)
            assert "Envoy title edited on disk" in page.locator("h1").inner_text()
            assert page.locator("#site-builder-error li").count() >= 1
            assert re.search(r"uk-envoy\.md:\d+: invalid YAML", page.locator("#site-builder-error").inner_text())

            # 3. mending brings the page back with the new content and no overlay
            write_article(site, "uk-envoy.md", ENVOY.format(title="Envoy title mended"))
            page.wait_for_function("() => !document.getElementById('site-builder-error') && "
                                   "document.querySelector('h1').textContent.includes('Envoy title mended')",
                                   timeout=5000)
        finally:
            browser.close()

    out = server.output()
    assert re.search(r"error: content/articles/uk-envoy\.md:\d+: invalid YAML", out), out
    assert "still serving the last good build" in out
    assert server.proc.poll() is None, "the server must keep running"
    assert "__livereload" not in (site / "output" / "articles" / "uk-envoy.html").read_text(encoding="utf-8")
    print(f"edit → page updated: {edit_seconds * 1000:.0f} ms")
