#!/usr/bin/env python3
"""Search benchmark: the sharded index against one all-in-one JSON index, same run, same corpus.

  python tests/perf/search_bench.py [--n 10000] [--runs 3] [--keep DIR]

Generates N articles with tests/corpus.py, builds the site, and writes beside it a
naive baseline: search_index.json with every document's metadata and full text (what mkdocs-
and lunr-style sites ship) and a page that fetches it, folds the text and scans it. Then, in
headless Debian chromium over a local http server, it measures for each:

  index size         bytes of the index on disk (search/ tree vs the one JSON file)
  first query        bytes of every response until the first results show: page, CSS,
                     script and index files (Chromium's responseBodySize, summed)
  second query       bytes downloaded for a different query typed afterwards
  first results      ms from navigation start until the first results are in the page
"""
from __future__ import annotations

import argparse
import functools
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
      if (window.__naiveFirst == null) window.__naiveFirst = performance.now();
    });
  }
  window.__naiveSearch = function (q) { input.value = q; return search(q); };
  input.addEventListener("input", function () { search(input.value); });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; search(q); }
})();
"""


def build(n: int, site: Path) -> float:
    articles = site / "content" / "articles"
    subprocess.run([sys.executable, str(GEN), str(n), str(articles)],
                   check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site)], cwd=REPO, check=True,
                   capture_output=True)
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


def measure(browser, url: str, q2: str, done_js: str, first_js: str, type_js: str) -> dict:
    context = browser.new_context(bypass_csp=True)   # the pages' CSP forbids wait_for_function's eval
    page = context.new_page()
    started, sizes = [], []
    page.on("request", lambda r: started.append(r.url))
    page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
    page.on("requestfailed", lambda r: sizes.append(0))

    def settle():
        deadline = time.monotonic() + 10
        while len(sizes) < len(started) and time.monotonic() < deadline:
            page.wait_for_timeout(20)
        return sum(sizes)

    page.goto(url)
    page.wait_for_function(done_js, arg=url.split("q=")[1].replace("+", " ").replace("%20", " "), timeout=60_000)
    first_ms = page.evaluate(first_js)
    first_bytes, first_requests = settle(), len(started)
    started.clear(), sizes.clear()
    t0 = time.perf_counter()
    page.evaluate(type_js, q2)
    second_ms = (time.perf_counter() - t0) * 1000
    second_bytes = settle()
    context.close()
    return {"first_bytes": first_bytes, "first_requests": first_requests, "first_ms": first_ms,
            "second_bytes": second_bytes, "second_ms": second_ms}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build here and keep it (default: a temp dir)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = None
    if args.keep:
        site = args.keep
        if site.exists():
            shutil.rmtree(site)
    else:
        tmp = tempfile.mkdtemp(prefix="search-bench-")
        site = Path(tmp) / "site"
    try:
        seconds = build(args.n, site)
        naive_size = write_baseline(site)
        kinds = tree_size(site / "output" / "search")
        sharded_size = sum(kinds.values())
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        root = f"http://127.0.0.1:{server.server_address[1]}/"
        runs = {"sharded": [], "naive": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            for _ in range(args.runs):
                runs["sharded"].append(measure(
                    browser, f"{root}output/search.html?q={quote(FIRST_QUERY)}", SECOND_QUERY,
                    "q => { const l = document.getElementById('search-results');"
                    " return l.dataset.state === 'done' && l.dataset.query === q && l.children.length > 0; }",
                    "window.__sbSearch.firstResultsAt", "q => window.__sbSearch.search(q)"))
                runs["naive"].append(measure(
                    browser, f"{root}baseline/search.html?q={quote(FIRST_QUERY)}", SECOND_QUERY,
                    "q => { const l = document.getElementById('results');"
                    " return l.dataset.state === 'done' && l.dataset.query === q; }",
                    "window.__naiveFirst", "q => window.__naiveSearch(q)"))
            browser.close()
        server.shutdown()
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    def med(kind, key):
        return statistics.median(r[key] for r in runs[kind])

    print(f"\n{args.n} articles, site built in {seconds:.1f} s; queries {FIRST_QUERY!r} then {SECOND_QUERY!r};"
          f" median of {args.runs} runs, headless chromium over http://127.0.0.1\n")
    rows = [("index size on disk", sharded_size, naive_size, "bytes"),
            ("first query: downloaded", med("sharded", "first_bytes"), med("naive", "first_bytes"), "bytes"),
            ("first query: requests", med("sharded", "first_requests"), med("naive", "first_requests"), ""),
            ("second query: downloaded", med("sharded", "second_bytes"), med("naive", "second_bytes"), "bytes"),
            ("time to first results", med("sharded", "first_ms"), med("naive", "first_ms"), "ms from navigation"),
            ("second query: time", med("sharded", "second_ms"), med("naive", "second_ms"), "ms")]
    print(f"{'':28}{'sharded (ours)':>16}{'single JSON':>16}")
    for label, ours, naive, unit in rows:
        print(f"{label:28}{ours:>16,.0f}{naive:>16,.0f}  {unit}")
    print("\nindex files by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
