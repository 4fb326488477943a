#!/usr/bin/env python3
"""Edit → page-updated latency of `site-builder serve`, measured in headless Debian chromium.

  python tests/perf/serve_bench.py [N ...] [--sizes 10000,50000,100000] [--edits 3] [--keep DIR]
                                   [--corpus-dir DIR]

For each N (default 10000): a scratch site with N articles from tests/corpus.py plus
a few hand-written ones, `python -m site_builder serve --port 0` in a subprocess, one article
page open in chromium; the article's title is edited on disk `--edits` times and the time from
the write until the open page shows the new title is measured. Prints each edit, the median,
the server's own rebuild times and its peak memory (VmHWM, Linux), one row a size.
`--corpus-dir DIR` copies DIR/c<N> (made by `tests/corpus.py N DIR/c<N>`) instead of generating.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GEN = REPO / "tests" / "corpus.py"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]

PAINTED_AT = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  return performance.timeOrigin + (paint ? paint.startTime : nav.domContentLoadedEventEnd);
}"""

FEW = {
    "uk-envoy.md": ("UK envoy: Vietnam has a key role", "en", "2025-10-25"),
    "dai-su-anh.md": ("Đại sứ Anh: Việt Nam có vai trò quan trọng", "vi", "2025-10-26"),
    "undated-note.md": ("Undated note", "en", ""),
}


def write_article(site: Path, name: str, title: str, lang: str, date: str) -> None:
    front = f'title: "{title}"\nlang: {lang}\nsource: Bench\ntags: [diplomacy]\n' + (f"date: {date}\n" if date else "")
    path = site / "content" / "articles" / name
    tmp = path.with_name(f".{name}.swp")  # save by rename, as editors do (and a junk file to ignore)
    tmp.write_text(f"---\n{front}---\n" + textwrap.dedent("""\
        The ambassador spoke about cooperation.

        A second paragraph with **bold** text.
        """), encoding="utf-8")
    os.replace(tmp, path)


def make_site(root: Path, n: int, corpus_dir: Path | None = None) -> Path:
    site = root / f"site-{n}"
    articles = site / "content" / "articles"
    if corpus_dir is not None and (corpus_dir / f"c{n}").is_dir():
        shutil.copytree(corpus_dir / f"c{n}", articles)
    else:
        articles.mkdir(parents=True)
        subprocess.run([sys.executable, str(GEN), str(n), str(articles)], check=True, capture_output=True)
    for name, (title, lang, date) in FEW.items():
        write_article(site, name, title, lang, date)
    return site


class Server:
    def __init__(self, site: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", "0"],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.url = None
        ready = threading.Event()

        def read() -> None:
            for line in self.proc.stdout:
                self.lines.append(line)
                m = re.search(r" at (http://\S+/) ", line)
                if m:
                    self.url = m.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(900) or not self.url:
            self.stop()
            raise SystemExit("server did not start:\n" + "".join(self.lines))

    def peak_mb(self) -> float | None:
        """The server's peak resident memory so far (Linux /proc), in MB."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        m = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(m.group(1)) / 1024 if m else None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def bench(n: int, edits: int, root: Path, corpus_dir: Path | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    t0 = time.perf_counter()
    site = make_site(root, n, corpus_dir)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    server = Server(site)
    start_s = time.perf_counter() - t0
    latencies, painted = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            page = browser.new_page()
            page.goto(server.url + "articles/uk-envoy.html")
            time.sleep(0.5)  # let the event stream connect, as a human would take longer
            for i in range(edits):
                title = f"Edited title number {i + 1} at {time.time():.0f}"
                wall = time.time() * 1000
                started = time.perf_counter()
                write_article(site, "uk-envoy.md", title, "en", "2025-10-25")
                page.wait_for_function(
                    "t => document.querySelector('h1') && document.querySelector('h1').textContent.includes(t)",
                    arg=title, timeout=60_000, polling=5)
                latencies.append((time.perf_counter() - started) * 1000)
                # When the reloaded page first painted, on the same wall clock as the write: what a
                # person sees, without Playwright's re-attach-after-navigation overhead.
                painted.append(page.evaluate(PAINTED_AT) - wall)
                print(f"  N={n} edit {i + 1}: painted after {painted[-1]:.0f} ms, "
                      f"seen by wait_for_function after {latencies[-1]:.0f} ms", flush=True)
                time.sleep(0.5)
            browser.close()
        peak = server.peak_mb()
    finally:
        server.stop()
    rebuilds = [float(m.group(1)) * 1000 for line in server.lines
                if (m := re.search(r"rebuilt in ([\d.]+) s after", line))]
    initial = next((line.strip() for line in server.lines if line.startswith("built ")), "")
    return {"n": n, "latencies": latencies, "median": statistics.median(latencies), "rebuilds": rebuilds,
            "painted": painted, "painted_median": statistics.median(painted),
            "gen_s": gen_s, "start_s": start_s, "initial": initial, "peak_mb": peak}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, nargs="*", default=[10_000], help="articles to generate (default 10000)")
    ap.add_argument("--sizes", help="comma-separated article counts, e.g. 10000,50000,100000")
    ap.add_argument("--corpus-dir", type=Path, help="copy DIR/c<N> instead of generating N articles")
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the sites here and keep them")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found (apt install chromium)")
    root = args.keep or Path(tempfile.mkdtemp(prefix="serve-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else args.n
        results = [bench(n, args.edits, root, args.corpus_dir) for n in sizes]
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print("edit → open page updated (ms): median, then each edit")
    print(f"{'articles':>9} | {'painted (FCP of reload)':>30} | {'seen by wait_for_function':>30} | "
          f"{'server rebuild':>22} | startup | peak memory")
    for r in results:
        def cell(xs, med):
            return f"{med:.0f} ({', '.join(f'{x:.0f}' for x in xs)})"
        print(f"{r['n']:>9} | {cell(r['painted'], r['painted_median']):>30} | {cell(r['latencies'], r['median']):>30} | "
              f"{', '.join(f'{x:.0f}' for x in r['rebuilds']):>22} | {r['start_s']:.1f} s | "
              + (f"{r['peak_mb']:.0f} MB" if r["peak_mb"] else "n/a"))
    for r in results:
        print(f"  N={r['n']}: initial build: {r['initial']}")


if __name__ == "__main__":
    main()
