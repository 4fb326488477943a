#!/usr/bin/env python3
"""Search benchmark: the sharded index against one all-in-one JSON index, same run, same corpus.

  python tests/perf/search_bench.py [--n 10000] [--runs 3] [--keep DIR]
  python tests/perf/search_bench.py --sizes 10000,50000,100000 [--corpus-dir DIR] [--sites DIR] [--reuse]

Generates N articles with tests/corpus.py (or hard-links DIR/c<N> made by `tests/corpus.py N
DIR/c<N>` when --corpus-dir has it), builds the site, and writes beside it a
naive baseline: search_index.json with every document's metadata and full text (what mkdocs-
and lunr-style sites ship) and a page that fetches it, folds the text and scans it. Then, in
headless Debian chromium over a local http server, it measures for each:

  index size         bytes of the index on disk (search/ tree vs the one JSON file)
  first query        bytes of every response requested before the first results show:
                     page, CSS, script and index files (Chromium's responseBodySize, summed)
  … with facets      the same and what the page loads after them for the same query
                     (facets.js: the sidebar's counts fill in after the results)
  second query       bytes downloaded for a different query typed afterwards
  first results      ms from navigation start until the first results are in the page
  second query time  ms from submitting the second query until its results are in the page

The figures come from outside the pages (a MutationObserver the bench adds, Chromium's network
events): the shipped scripts carry no benchmark hooks.

With --sizes, one corpus and site per size (sites kept under --sites DIR as s<N>; --reuse
measures a site already built there), and a scaling table: index bytes per article, first-query
bytes and requests, time to first results, and the first query's bytes by file kind (page, css,
js, and each index folder). The naive baseline is measured only with one size of at most 20,000
articles (a browser given a 100,000-article JSON file measures the browser).
"""
from __future__ import annotations

import argparse
import functools
import os
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
GEN = REPO / "tests" / "corpus.py"
sys.path.insert(0, str(REPO))

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
FIRST_QUERY, SECOND_QUERY = "toi pham mang", "ambassador convention"

NAIVE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Naive search</title><link rel="stylesheet" href="../output/static/style.css"></head>
<body><main class="wrap"><input id="q" type="search"><p id="status"></p><ol id="results" data-state="idle"></ol></main>
<script src="naive.js"></script></body></html>
"""

# The usual single-file approach: fetch everything, fold it, scan it.
NAIVE_JS = r"""
(function () {
  var fold = function (s) { return s.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase(); };
  var input = document.getElementById("q"), list = document.getElementById("results");
  var docs = null, loaded = fetch("search_index.json").then(function (r) { return r.json(); }).then(function (data) {
    docs = data.docs.map(function (d) { return { d: d, title: fold(d.title), hay: fold(d.title + " " + d.text) }; });
  });
  function count(hay, term) { var n = 0, i = hay.indexOf(term); while (i >= 0) { n++; i = hay.indexOf(term, i + term.length); } return n; }
  function search(q) {
    list.setAttribute("data-state", "loading"); list.setAttribute("data-query", q);
    return loaded.then(function () {
      var terms = fold(q).split(/\s+/).filter(Boolean), hits = [];
      docs.forEach(function (doc, i) {
        var score = 0;
        for (var t = 0; t < terms.length; t++) {
          var c = count(doc.hay, terms[t]);
          if (!c) return;
          score += c + (doc.title.indexOf(terms[t]) >= 0 ? 5 : 0);
        }
        hits.push([score, i]);
      });
      hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
      list.textContent = "";
      hits.slice(0, 10).forEach(function (h) {
        var d = docs[h[1]].d, li = document.createElement("li"), a = document.createElement("a");
        a.href = "../output/" + d.url; a.textContent = d.title; li.appendChild(a);
        var p = document.createElement("p"); p.textContent = d.text.slice(0, 200); li.appendChild(p);
        list.appendChild(li);
      });
      document.getElementById("status").textContent = hits.length + " results";
      list.setAttribute("data-state", "done");
    });
  }
  input.addEventListener("input", function () { search(input.value); });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; search(q); }
})();
"""


def build(n: int, site: Path, corpus_dir: Path | None = None) -> float:
    """The site of n articles: a corpus made by tests/corpus.py (hard-linked from corpus_dir/c<n>
    when it is there), built with this checkout. Returns the build's seconds."""
    articles = site / "content" / "articles"
    made = corpus_dir / f"c{n}" if corpus_dir else None
    if made and made.is_dir() and sum(1 for _ in made.glob("*.md")) == n:
        articles.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-al", str(made), str(articles)], check=True)
    else:
        subprocess.run([sys.executable, str(GEN), str(n), str(articles)], check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site)], cwd=REPO, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - started


def write_baseline(site: Path) -> int:
    """The all-in-one index of the same articles and texts, in site/baseline/."""
    from site_builder.site import urls
    from site_builder.content.loader import load_articles
    from site_builder.markdown import render_markdown

    articles = load_articles(site / "content" / "articles")
    texts = {a.slug: render_markdown(a.body).text for a in articles}
    docs = [{"title": a.title, "url": urls.article_path(a.slug), "date": a.date.isoformat() if a.date else "",
             "lang": a.lang, "source": a.source or "", "tags": list(a.tags), "text": texts[a.slug]}
            for a in articles]
    out = site / "baseline"
    out.mkdir(exist_ok=True)
    data = json.dumps({"docs": docs}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    (out / "search_index.json").write_bytes(data)
    (out / "search.html").write_text(NAIVE_PAGE, encoding="utf-8")
    (out / "naive.js").write_text(NAIVE_JS, encoding="utf-8")
    return len(data)


def tree_size(root: Path) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for p in root.rglob("*"):
        if p.is_file():
            rel = p.relative_to(root).as_posix()
            kind = rel.split("/")[0] + "/" if "/" in rel else rel
            kinds[kind] = kinds.get(kind, 0) + p.stat().st_size
    return kinds


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# Added to each page before its scripts: the time the first result appears, seen from outside.
FIRST_RESULT_OBSERVER = """(selector => new MutationObserver((records, observer) => {
  if (document.querySelector(selector)) { window.__benchFirstResult = performance.now(); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true}))(%s)"""


def measure(browser, url: str, q2: str, done_js: str, result_selector: str, type_js: str) -> dict:
    """done_js: q → whether the results of q are shown; type_js: q → enter q as a reader would."""
    context = browser.new_context(bypass_csp=True)   # the pages' CSP forbids wait_for_function's eval
    page = context.new_page()
    page.add_init_script(FIRST_RESULT_OBSERVER % json.dumps(result_selector))
    started, sizes, by_url, early = [], [], {}, []
    page.on("request", lambda r: started.append(r.url))

    def finished(r):
        size = r.sizes()["responseBodySize"]
        sizes.append(size)
        by_url[r.url] = by_url.get(r.url, 0) + size
        early.append((r.timing["startTime"], r.url, size))

    page.on("requestfinished", finished)
    page.on("requestfailed", lambda r: sizes.append(0))

    def settle():
        deadline = time.monotonic() + 10
        while len(sizes) < len(started) and time.monotonic() < deadline:
            page.wait_for_timeout(20)
        return sum(sizes)

    page.goto(url)
    page.wait_for_function(done_js, arg=url.split("q=")[1].replace("+", " ").replace("%20", " "), timeout=60_000)
    first_ms, origin = page.evaluate("[window.__benchFirstResult, performance.timeOrigin]")
    all_bytes, all_requests = settle(), len(started)
    shown_at = origin + first_ms           # requests started after this are not the first results'
    before = [(url, size) for start, url, size in early if start <= shown_at]
    first_bytes, first_requests = sum(size for _, size in before), len(before)
    first_kinds: dict[str, int] = {}
    for url, size in before:
        first_kinds[url] = first_kinds.get(url, 0) + size
    first_kinds = kinds_of(first_kinds)
    started.clear(), sizes.clear()
    t0 = time.perf_counter()
    page.evaluate(type_js, q2)
    page.wait_for_function(done_js, arg=q2, polling=5, timeout=60_000)
    second_ms = (time.perf_counter() - t0) * 1000
    second_bytes = settle()
    context.close()
    return {"first_bytes": first_bytes, "first_requests": first_requests, "first_ms": first_ms,
            "first_all_bytes": all_bytes, "first_all_requests": all_requests,
            "second_bytes": second_bytes, "second_ms": second_ms, "first_kinds": first_kinds}


def kinds_of(by_url: dict[str, int]) -> dict[str, int]:
    """Response bytes by kind: page, css, js (the scripts under static/), and per index folder."""
    kinds: dict[str, int] = {}
    for url, size in by_url.items():
        path = url.split("?")[0]
        if "/search/" in path:
            rest = path.split("/search/", 1)[1]
            kind = rest.split("/")[0] + "/" if "/" in rest else rest.removesuffix(".js")
        elif path.endswith(".css"):
            kind = "css"
        elif path.endswith(".js"):
            kind = "js"
        else:
            kind = "page"
        kinds[kind] = kinds.get(kind, 0) + size
    return kinds


SHARDED_DONE = ("q => { const l = document.getElementById('search-results');"
                " return l.dataset.state === 'done' && l.dataset.query === q && l.children.length > 0; }")
SHARDED_TYPE = "q => { const i = document.getElementById('search-input'); i.value = q; i.form.requestSubmit(); }"
NAIVE_DONE = ("q => { const l = document.getElementById('results');"
              " return l.dataset.state === 'done' && l.dataset.query === q; }")
NAIVE_TYPE = "q => { const i = document.getElementById('q'); i.value = q; i.dispatchEvent(new Event('input')); }"


def run_site(site: Path, runs: int, naive: bool) -> dict[str, list[dict]]:
    """Serve site over http and measure its search page (and the naive page) runs times."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict[str, list[dict]] = {"sharded": [], "naive": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            for _ in range(runs):
                out["sharded"].append(measure(browser, f"{root}output/search.html?q={quote(FIRST_QUERY)}",
                                              SECOND_QUERY, SHARDED_DONE, "#search-results li.result", SHARDED_TYPE))
                if naive:
                    out["naive"].append(measure(browser, f"{root}baseline/search.html?q={quote(FIRST_QUERY)}",
                                                SECOND_QUERY, NAIVE_DONE, "#results li", NAIVE_TYPE))
            browser.close()
    finally:
        server.shutdown()
    return out


def med(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def print_one(n: int, seconds: float | None, runs: dict, sharded_size: int, naive_size: int, kinds: dict) -> None:
    built = f"site built in {seconds:.1f} s" if seconds is not None else "site built before"
    print(f"\n{n} articles, {built}; queries {FIRST_QUERY!r} then {SECOND_QUERY!r};"
          f" median of {len(runs['sharded'])} runs, headless chromium over http://127.0.0.1\n")
    rows = [("index size on disk", sharded_size, naive_size, "bytes"),
            ("first query: downloaded", "first_bytes", "bytes"), ("first query: requests", "first_requests", ""),
            ("… with facets: downloaded", "first_all_bytes", "bytes"),
            ("second query: downloaded", "second_bytes", "bytes"),
            ("time to first results", "first_ms", "ms from navigation"), ("second query: time", "second_ms", "ms")]
    print(f"{'':28}{'sharded (ours)':>16}{'single JSON' if runs['naive'] else '':>16}")
    for row in rows:
        if len(row) == 4:
            label, ours, naive, unit = row
        else:
            label, key, unit = row
            ours, naive = med(runs["sharded"], key), med(runs["naive"], key) if runs["naive"] else None
        print(f"{label:28}{ours:>16,.0f}{'' if not naive else f'{naive:,.0f}':>16}  {unit}")
    print("\nindex files by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))


KIND_ORDER = ("page", "css", "js", "manifest", "facets", "v/", "p/", "s/", "x/", "f/")


def print_scaling(rows: list[dict]) -> None:
    """One line per size; first-query bytes by kind from the median run (by total bytes)."""
    print(f"\nscaling: first query {FIRST_QUERY!r} (bytes until the first results show)\n")
    print(f"{'articles':>9} {'index B/article':>15} {'first query B':>13} {'requests':>8} {'+ facets B':>10}"
          f" {'first results ms':>16} {'2nd query B':>11}   first query by kind")
    for r in rows:
        kinds = r["kinds"]
        order = [k for k in KIND_ORDER if k in kinds] + sorted(k for k in kinds if k not in KIND_ORDER)
        print(f"{r['n']:>9,} {r['per_article']:>15,.0f} {r['first_bytes']:>13,.0f} {r['requests']:>8.0f}"
              f" {r['all_bytes']:>10,.0f} {r['first_ms']:>16,.0f} {r['second_bytes']:>11,.0f}   " + ", ".join(f"{k} {kinds[k]:,}" for k in order))


def bench_size(n: int, args, site: Path) -> dict:
    reuse = args.reuse and (site / "output" / "search" / "manifest.js").exists()
    if not reuse and site.exists():
        shutil.rmtree(site)
    seconds = None if reuse else build(n, site, args.corpus_dir)
    naive = args.naive if args.naive is not None else n <= 20_000
    naive_size = write_baseline(site) if naive else 0
    kinds = tree_size(site / "output" / "search")
    sharded_size = sum(kinds.values())
    runs = run_site(site, args.runs, naive)
    print_one(n, seconds, runs, sharded_size, naive_size, kinds)
    ordered = sorted(runs["sharded"], key=lambda r: r["first_bytes"])
    return {"n": n, "per_article": sharded_size / n, "first_bytes": med(runs["sharded"], "first_bytes"),
            "requests": med(runs["sharded"], "first_requests"), "first_ms": med(runs["sharded"], "first_ms"),
            "all_bytes": med(runs["sharded"], "first_all_bytes"),
            "second_bytes": med(runs["sharded"], "second_bytes"), "kinds": ordered[len(ordered) // 2]["first_kinds"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--sizes", help="comma-separated article counts, e.g. 10000,50000,100000 (overrides --n)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="one size: build here and keep it (default: a temp dir)")
    ap.add_argument("--sites", type=Path, help="build each size's site in DIR/s<N> and keep it")
    ap.add_argument("--reuse", action="store_true", help="measure a site already built in --sites/--keep")
    ap.add_argument("--corpus-dir", type=Path, help="take the articles of size N from DIR/c<N> when there")
    ap.add_argument("--naive", action=argparse.BooleanOptionalAction, default=None,
                    help="measure the single-JSON baseline too (default: only at 20,000 articles or fewer)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else [args.n]
    tmp = None if args.sites or args.keep else tempfile.mkdtemp(prefix="search-bench-")
    rows = []
    try:
        for n in sizes:
            if args.keep and len(sizes) == 1:
                site = args.keep
            else:
                site = (args.sites or Path(tmp)) / f"s{n}"
            rows.append(bench_size(n, args, site))
            if tmp:
                shutil.rmtree(site, ignore_errors=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print_scaling(rows)


if __name__ == "__main__":
    main()
