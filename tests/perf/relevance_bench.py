#!/usr/bin/env python3
"""Relevance benchmark: our search against Pagefind on the judged set in tests/relevance/.

    python tests/perf/relevance_bench.py [--n 2000] [--details PATH] [--keep DIR] [--no-pagefind]

Builds a scratch site from the real articles of tests/relevance/raw/ (imported with our importer)
and N generated distractors (tests/corpus.py), then runs every query of tests/relevance/queries.tsv
in headless Debian chromium over a local http server:

  ours      output/search.html?q=…, the result links in order once the list says it is done;
  pagefind  the same built article pages indexed by Pagefind (`--force-language en`, the article
            element without its footer of tags and related links), queried through its JS API
            (pagefind.search(q), then data() for the first ten).

Result URLs are mapped back to raw files; distractors count as grade 0. Prints nDCG@10, MRR@10,
recall@10 and the number of queries with no result at all for both engines, by language and by
kind of query, and writes one row a query to --details.
"""
from __future__ import annotations

import argparse
import csv
import functools
import http.server
import math
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

REPO = Path(__file__).resolve().parents[2]
JUDGED = REPO / "tests" / "relevance"
sys.path.insert(0, str(REPO / "tests"))

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
K = 10
ENGINES = ("ours", "pagefind")

OURS_DONE_JS = ("q => { const l = document.getElementById('search-results');"
                " return l && l.dataset.state === 'done' && l.dataset.query === q; }")
OURS_LINKS_JS = ("n => Array.from(document.querySelectorAll('#search-results a.result-title'))"
                 ".slice(0, n).map(a => a.getAttribute('href'))")
PAGEFIND_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>pagefind</title></head>
<body><script>window.__pf = import("./output/pagefind/pagefind.js")
  .then(async m => { await m.init(); return m; });</script></body></html>
"""
PAGEFIND_QUERY_JS = """async ([q, n]) => {
  const pf = await window.__pf;
  const found = await pf.search(q);
  const top = await Promise.all(found.results.slice(0, n).map(r => r.data()));
  return top.map(d => d.url);
}"""


@dataclass(frozen=True)
class Query:
    qid: str
    lang: str
    text: str
    kind: str


@dataclass(frozen=True)
class Ranking:
    """One engine's first K results for one query: raw file names, '' for a distractor."""
    engine: str
    qid: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Scores:
    ndcg: float
    mrr: float
    recall: float
    empty: bool


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load_queries(path: Path = JUDGED / "queries.tsv") -> list[Query]:
    return [Query(r["id"], r["lang"], r["query"], r["kind"]) for r in read_tsv(path)]


def load_grades(path: Path = JUDGED / "judgments.tsv") -> dict[str, dict[str, int]]:
    """query id → raw file → grade (pairs not listed are 0)."""
    grades: dict[str, dict[str, int]] = {}
    for r in read_tsv(path):
        grades.setdefault(r["query"], {})[r["file"]] = int(r["grade"])
    return grades


# ------------------------------------------------------------------ metrics

def dcg(gains: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def score(files: tuple[str, ...], grades: dict[str, int]) -> Scores:
    """nDCG@K (gain 2^g - 1), MRR@K and recall@K of relevant (grade ≥ 1) files."""
    gains = [grades.get(f, 0) for f in files[:K]]
    ideal = dcg(sorted(grades.values(), reverse=True)[:K])
    first = next((i for i, g in enumerate(gains) if g > 0), None)
    relevant = sum(1 for g in grades.values() if g > 0)
    found = sum(1 for g in gains if g > 0)
    return Scores(ndcg=dcg(gains) / ideal if ideal else 0.0,
                  mrr=1 / (first + 1) if first is not None else 0.0,
                  recall=found / relevant if relevant else 0.0,
                  empty=not files)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# ------------------------------------------------------------------ the site

def run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}{done.stderr}")


def slug_to_raw(articles: Path) -> dict[str, str]:
    """Imported article slug → the raw file it came from (its front-matter `raw:`)."""
    found = {}
    for md in sorted(articles.glob("*.md")):
        head = md.read_text(encoding="utf-8").split("\n---", 1)[0]
        m = re.search(r"^raw:\s*['\"]?(.+?)['\"]?\s*$", head, re.M)
        if m:
            found[md.stem] = Path(m.group(1)).name
    return found


def build_site(site: Path, n: int) -> tuple[dict[str, str], dict[str, float]]:
    """Import the real articles, add N distractors, build; returns slug → raw file and timings."""
    from corpus import generate

    timings = {}
    articles = site / "content" / "articles"
    articles.mkdir(parents=True)
    t0 = time.perf_counter()
    run([sys.executable, "-m", "site_builder", "import", "--site", str(site), str(JUDGED / "raw")])
    raw_of = slug_to_raw(articles)
    expected = len(list((JUDGED / "raw").glob("*.txt")))
    if len(raw_of) != expected:
        sys.exit(f"import gave {len(raw_of)} articles for {expected} raw files")
    timings["import"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    generate(n, articles)
    timings["generate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    run([sys.executable, "-m", "site_builder", "build", "--site", str(site)])
    timings["build"] = time.perf_counter() - t0
    return raw_of, timings


def index_pagefind(site: Path) -> float:
    t0 = time.perf_counter()
    run([sys.executable, "-m", "pagefind", "--site", str(site / "output"), "--glob", "articles/*.html",
         "--root-selector", "article.article", "--exclude-selectors", ".article-footer",
         "--force-language", "en", "--quiet"])
    (site / "pagefind.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return time.perf_counter() - t0


def has_pagefind() -> bool:
    return subprocess.run([sys.executable, "-m", "pagefind", "--version"],
                          capture_output=True).returncode == 0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# ------------------------------------------------------------------ the engines

def to_files(urls: list[str], raw_of: dict[str, str]) -> tuple[str, ...]:
    """Result URLs → raw file names ('' for a page that is not a real article)."""
    out = []
    for url in urls:
        name = unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1]
        out.append(raw_of.get(name.removesuffix(".html"), ""))
    return tuple(out)


def run_ours(page, root: str, queries: list[Query], raw_of: dict[str, str]) -> list[Ranking]:
    out = []
    for q in queries:
        page.goto(f"{root}output/search.html?q={quote(q.text)}")
        page.wait_for_function(OURS_DONE_JS, arg=q.text, timeout=60_000)
        out.append(Ranking("ours", q.qid, to_files(page.evaluate(OURS_LINKS_JS, K), raw_of)))
    return out


def run_pagefind(page, root: str, queries: list[Query], raw_of: dict[str, str]) -> list[Ranking]:
    page.goto(f"{root}pagefind.html")
    return [Ranking("pagefind", q.qid, to_files(page.evaluate(PAGEFIND_QUERY_JS, [q.text, K]), raw_of))
            for q in queries]


def run_engines(site: Path, queries: list[Query], raw_of: dict[str, str],
                engines: tuple[str, ...]) -> tuple[dict[str, list[Ranking]], dict[str, float]]:
    from playwright.sync_api import sync_playwright

    runners = {"ours": run_ours, "pagefind": run_pagefind}
    rankings, timings = {}, {}
    server, root = serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            for engine in engines:
                context = browser.new_context(bypass_csp=True)   # the page's CSP forbids wait_for_function
                t0 = time.perf_counter()
                rankings[engine] = runners[engine](context.new_page(), root, queries, raw_of)
                timings[f"queries ({engine})"] = time.perf_counter() - t0
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return rankings, timings


# ------------------------------------------------------------------ report

def table(title: str, groups: dict[str, list[str]], scores: dict[str, dict[str, Scores]],
          engines: tuple[str, ...]) -> list[str]:
    head = f"{title:<18}{'n':>4}" + "".join(f"{e + ' ' + m:>16}" for e in engines
                                            for m in ("nDCG", "MRR", "R@10", "zero"))
    lines = [head, "-" * len(head)]
    for name, qids in groups.items():
        cells = []
        for e in engines:
            s = [scores[e][q] for q in qids]
            cells += [f"{mean([x.ndcg for x in s]):16.3f}", f"{mean([x.mrr for x in s]):16.3f}",
                      f"{mean([x.recall for x in s]):16.3f}", f"{sum(x.empty for x in s):16d}"]
        lines.append(f"{name:<18}{len(qids):>4}" + "".join(cells))
    return lines


def groups_of(queries: list[Query]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    by_lang: dict[str, list[str]] = {"all": [q.qid for q in queries]}
    by_kind: dict[str, list[str]] = {}
    for q in queries:
        by_lang.setdefault(q.lang, []).append(q.qid)
        by_kind.setdefault(q.kind, []).append(q.qid)
    return by_lang, dict(sorted(by_kind.items()))


def write_details(path: Path, queries: list[Query], grades: dict[str, dict[str, int]],
                  rankings: dict[str, list[Ranking]], scores: dict[str, dict[str, Scores]]) -> None:
    engines = tuple(rankings)
    ranked = {e: {r.qid: r.files for r in rankings[e]} for e in engines}
    cols = ["id", "lang", "kind", "query", "relevant"]
    for e in engines:
        cols += [f"{e}_ndcg", f"{e}_mrr", f"{e}_recall", f"{e}_top10"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(cols)
        for q in queries:
            row = [q.qid, q.lang, q.kind, q.text, sum(1 for g in grades.get(q.qid, {}).values() if g)]
            for e in engines:
                s = scores[e][q.qid]
                top = " ".join(f"{(f or '·').removesuffix('.txt')}:{grades.get(q.qid, {}).get(f, 0)}"
                               for f in ranked[e][q.qid])
                row += [f"{s.ndcg:.3f}", f"{s.mrr:.3f}", f"{s.recall:.3f}", top]
            w.writerow(row)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="generated distractors (default 2000)")
    ap.add_argument("--details", type=Path, help="write one row a query (TSV) here")
    ap.add_argument("--keep", type=Path, help="build the scratch site here and keep it")
    ap.add_argument("--no-pagefind", action="store_true", help="measure our search only")
    args = ap.parse_args()
    engines = ("ours",) if args.no_pagefind else ENGINES
    if "pagefind" in engines and not has_pagefind():
        sys.exit("pagefind is not installed: pip install 'pagefind[extended]' (or pass --no-pagefind)")
    queries, grades = load_queries(), load_grades()
    unknown = set(grades) - {q.qid for q in queries}
    if unknown:
        sys.exit(f"judgments.tsv names queries not in queries.tsv: {sorted(unknown)}")

    started = time.perf_counter()
    tmp = None if args.keep else tempfile.mkdtemp(prefix="relevance-bench-")
    site = args.keep or Path(tmp) / "site"
    if site.exists():
        shutil.rmtree(site)
    try:
        raw_of, timings = build_site(site, args.n)
        if "pagefind" in engines:
            timings["pagefind index"] = index_pagefind(site)
        rankings, query_timings = run_engines(site, queries, raw_of, engines)
        timings.update(query_timings)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    scores = {e: {r.qid: score(r.files, grades.get(r.qid, {})) for r in rankings[e]} for e in engines}
    by_lang, by_kind = groups_of(queries)
    print(f"{len(raw_of)} judged articles + {args.n} distractors; {len(queries)} queries; "
          f"{sum(1 for g in grades.values() for v in g.values() if v)} relevant pairs\n")
    print("\n".join(table("queries", by_lang, scores, engines)))
    print()
    print("\n".join(table("kind", by_kind, scores, engines)))
    print()
    first = scores[engines[0]]
    for q in sorted(queries, key=lambda q: (first[q.qid].ndcg, first[q.qid].recall))[:5]:
        cells = "  ".join(f"{e} {scores[e][q.qid].ndcg:.3f}" for e in engines)
        print(f"worst for {engines[0]}: {q.qid} {q.text!r} ({q.kind}): {cells}")
    print()
    for name, seconds in timings.items():
        print(f"{name:<24}{seconds:8.1f} s")
    print(f"{'total':<24}{time.perf_counter() - started:8.1f} s")
    if args.details:
        write_details(args.details, queries, grades, rankings, scores)
        print(f"per-query table: {args.details}")


if __name__ == "__main__":
    main()
