"""The judged relevance set is whole and consistent, imports cleanly, and the bench scores it right."""
from __future__ import annotations

import csv
import functools
import importlib.util
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RAW = HERE / "raw"


def rows(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@functools.cache
def bench():
    """tests/perf/relevance_bench.py (a script, not a package), loaded once."""
    spec = importlib.util.spec_from_file_location("relevance_bench", REPO / "tests" / "perf" / "relevance_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def test_articles_are_real_pages_in_both_languages_with_their_sources():
    files = sorted(p.name for p in RAW.glob("*.txt"))
    sources = rows("sources.tsv")
    assert len(files) >= 50
    assert sorted(r["file"] for r in sources) == files
    assert all(r["url"].startswith(("http://", "https://")) for r in sources)
    langs = [r["lang"] for r in sources]
    assert min(langs.count("en"), langs.count("vi")) >= 0.4 * len(langs)
    assert len({r["outlet"] for r in sources}) >= 10


def test_every_judgment_names_a_known_query_and_article_and_every_query_has_an_answer():
    queries = rows("queries.tsv")
    ids = [q["id"] for q in queries]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    assert {q["lang"] for q in queries} == {"en", "vi"}
    judged = rows("judgments.tsv")
    files = {p.name for p in RAW.glob("*.txt")}
    assert {j["query"] for j in judged} == set(ids)
    assert all(j["file"] in files and j["grade"] in ("1", "2") for j in judged)
    pairs = [(j["query"], j["file"]) for j in judged]
    assert len(set(pairs)) == len(pairs)


def test_importer_gives_every_raw_file_its_own_titled_article(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "site_builder", "import", "--site", str(site), str(RAW)],
                   cwd=REPO, check=True, capture_output=True)
    articles = [frontmatter.load(p) for p in (site / "content" / "articles").glob("*.md")]
    assert len(articles) == len(list(RAW.glob("*.txt")))
    titles = [a["title"] for a in articles]
    assert len(set(titles)) == len(titles) and all(len(t) >= 8 for t in titles)
    assert bench().slug_to_raw(site / "content" / "articles").keys() == {
        p.stem for p in (site / "content" / "articles").glob("*.md")}


@pytest.mark.parametrize("files, ndcg, mrr, recall", [
    (("a", "b", "c"), 1.0, 1.0, 1.0),
    (("", "a", "b", "c"), None, 0.5, 1.0),
    (("c",), None, 1.0, 1 / 3),
    (("", ""), 0.0, 0.0, 0.0),
])
def test_scores_follow_the_grades(files, ndcg, mrr, recall):
    s = bench().score(files, {"a": 2, "b": 1, "c": 1})
    assert s.mrr == pytest.approx(mrr) and s.recall == pytest.approx(recall)
    if ndcg is not None:
        assert s.ndcg == pytest.approx(ndcg)
    else:
        assert 0 < s.ndcg < 1
    assert not s.empty


def test_no_result_is_counted_as_empty_and_scores_nothing():
    s = bench().score((), {"a": 2})
    assert s.empty and s.ndcg == s.mrr == s.recall == 0.0
