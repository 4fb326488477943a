"""Python ↔ JavaScript search: the build (Python) writes test vectors and a small built site, then
`node --test tests/js/` checks search-core.js against them: the same words and folding (every
alphanumeric code point, tricky and random strings), the same file keys, buckets and decoded ids,
and, on the built index loaded in Node, the same top-10 as Chromium shows on the site's search page.

The vectors go to a temporary file named by SB_SEARCH_VECTORS; `node --test tests/js/` without it
runs only the tests that need no vectors.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import REPO, write_article, write_bilingual_articles, write_ranking_articles
from corpus import generate
from site_builder.search.codec import decode_ids, encode_ids, fnv1a, read_js
from site_builder.search.layout import chunk_key, file_key, fragment_name, typo_keys
from site_builder.search.stem import stem
from site_builder.search.tokens import tokens
from site_builder.text.slug import fold

NODE = shutil.which("node")
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
GENERATED = 300

TRICKY = [
    "Đại sứ Anh: Việt Nam có vai trò quan trọng",
    unicodedata.normalize("NFD", "Đại sứ Anh nói về tội phạm mạng tại Hà Nội"),
    "ĐẠI SỨ ĐỒNG ĐĂNG đđĐĐ Ửng ỷ Ỹ ữ",
    "Quỳnhvale, Kestrelford; toi-pham_mang (UNODC) 2025… end。next! why? a:b",
    "Hà Nội\nHải Phòng\r\nĐà Nẵng",
    "straße STRASSE ẞ ΟΔΟΣ οδός ς İstanbul ıi ﬁnal ﬂow µm ǅemal Ꭰꭰ ஔ ဦ",
    "x²³ ½ ٣٤ e\u0301 naïve café résumé 🙂ok under_score tab\tsep «quoted» “curly” don’t",
    "",
]
# Letters, Vietnamese, combining marks, digits, punctuation that breaks sentences or not, spaces.
RANDOM_ALPHABET = ("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ" "áàảãạắằẳẵặấầẩẫậéèẻẽẹ" "ÁÀẢÃẠĐỄỆ"
                   "\u0300\u0301\u0303\u0309\u0323ßſﬁµıİς" "0123456789²½" ".,!?;:…。-_'’ \n\t()\"")
# English word forms the stemmer joins or keeps apart (search/stem.py)
STEM_TEXTS = [
    "floods flooded flooding flood cities city hills tourists evacuates evacuated evacuating evacuation",
    "hoping hopes stopped agreed agrees need needs news this thus analysis bus buses classes watches boxes",
    "died dies ties running ratings meetings sing being united exams economies statistics",
    "Đà Nẵng typhoons Bão thuy hay tay quy Ming Beijing yes was has his its us gas housed AAÀS Cafés",
]
QUERIES = ["toi pham mang", "tội phạm", unicodedata.normalize("NFD", "tội phạm"), "ĐẠI SỨ", "dai su anh",
           "đại sứ anh việt", "ambassador", "ambassador conv", "kestrelf", "kestrelfrod", "kestelford ",
           "quellmoor tội", "quellmoor tối", "vexhollow toi pham", "vexhollow toi. pham", "an ninh mạng",
           "cybercrime diplomacy", "hanoi convention", "hà nội", "strasse", "final flow", "2025", "vi",
           "t", "a b", "nothingmatcheszz", "the", "quillbrook saigon", "quillbrook flooding",
           "quillbrook evacuation", "triều cường quillbrook", "high tide"]


def write_fixture(site: Path) -> Path:
    """The conftest articles, some that pin down ranking, some with tricky spellings, and
    GENERATED briefings from the project's corpus generator."""
    s = write_bilingual_articles(site, "Đại sứ Anh nói về **tội phạm mạng** tại hội thảo Quỳnhvale.\n",
                                 "The ambassador spoke at the Kestrelford cybersecurity forum.\n")
    write_ranking_articles(s)
    write_article(s, "nfd.md", 'title: "Hà Nội decomposed"\nlang: vi\ndate: 2022-03-01',
                  unicodedata.normalize("NFD", "Tội phạm ở Hà Nội và Đà Nẵng.\n"))
    write_article(s, "spellings.md", 'title: "Straße ﬁnal ﬂow"\nlang: en\ndate: 2022-04-01',
                  "STRASSE µm ΟΔΟΣ İstanbul ıi ǅemal x²³ Supercalifragilisticexpialidociousness.\n")
    write_article(s, "joined.md", 'title: "Zephyrine delegation"\nlang: en\ndate: 2022-05-01',
                  "The Zephyrine delegation arrived in Hanoi, the capital of Vietnam.\n")
    write_article(s, "captioned.md", 'title: "Orchard fair"\nlang: en\ndate: 2022-06-01\n'
                  'captions: ["The stall of Quorvath Lindqvist. Photo: archive"]', "A fair of orchards.\n")
    write_article(s, "tide-vi.md", 'title: "Triều cường Quillbrook"\nlang: vi\ndate: 2022-07-01',
                  "Triều cường dâng cao ở TP.HCM, người dân Quillbrook được sơ tán.\n")
    write_article(s, "tide-en.md", 'title: "Quillbrook high tide"\nlang: en\ndate: 2022-07-02',
                  "Quillbrook residents were evacuated as the floods rose in Saigon.\n")
    # the same words and length in each language; the Vietnamese one is newer, so it wins a tie
    write_article(s, "brief-en.md", 'title: "Varnholt briefing"\nlang: en\ndate: 2022-08-01',
                  "Varnholt spoke at noon.\n")
    write_article(s, "brief-vi.md", 'title: "Varnholt họp"\nlang: vi\ndate: 2022-08-02',
                  "Varnholt nói hôm nay.\n")
    generate(GENERATED, site / "content" / "articles")
    return site


def build(site: Path) -> Path:
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site)],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return site / "output"


def token_list(text: str) -> list:
    return [list(t) if t is not None else None for t in tokens(text)]


def text_vectors() -> dict:
    """Words of texts, the fold of words, and the word of every alphanumeric code point."""
    rnd = random.Random(19)
    texts = TRICKY + ["".join(rnd.choice(RANDOM_ALPHABET) for _ in range(rnd.randint(1, 40))) for _ in range(800)]
    words = sorted({w for t in texts for w in t.split() if w.isalnum()}
                   | {t[0] for text in texts for t in tokens(text) if t is not None})
    chars = [chr(cp) for cp in range(0x110000) if chr(cp).isalnum()]
    english = sorted({w.lower() for w in " ".join(STEM_TEXTS).split()} | {w for w in words if w.isascii()})
    return {"tokens": [[t, token_list(t)] for t in texts + STEM_TEXTS],
            "stem": [[w, stem(w)] for w in english],
            "fold": [[w, fold(w)] for w in words],
            "chars": [[c, token_list(c)] for c in chars]}


def layout_vectors(output: Path) -> dict:
    """File rules and the codec, for the terms and sets of the built index and for samples."""
    search = output / "search"
    manifest = read_js((search / "manifest.js").read_bytes())
    terms = sorted({t for f in search.glob("v/*.js") for t in read_js(f.read_bytes())["t"].split(" ")})
    set_keys = sorted({k for f in search.glob("s/*.js") for k in read_js(f.read_bytes())})
    mask = (1 << manifest["setBits"]) - 1
    rnd = random.Random(7)
    samples = [[], [0], [5], [0, 1, 2, 3, 4, 5, 6], [31], [32], [1023, 1024], [100_000], list(range(0, 600, 3)),
               sorted(rnd.sample(range(20_000), 50)), sorted(rnd.sample(range(300), 200))]
    encoded = [encode_ids(ids) for ids in samples]
    assert [decode_ids(e) for e in encoded] == samples
    assert {e[0] for e in encoded} == {"b", "g"}          # both encodings are exercised
    return {"terms": [[t, f"v/{file_key(chunk_key(t))}", sorted(file_key(k) for k in typo_keys(t)) if len(t) >= 3 else None]
                      for t in terms],
            "fileKeys": [[k, file_key(k)] for k in ["ab", "a", "z9", "đạ", "_x", "A", "tộ", "日本", "-"]],
            "sets": [[k, f"s/{fnv1a(k) & mask:x}", fnv1a(k)] for k in set_keys],
            "setBits": manifest["setBits"],
            "ids": [[e, ids] for e, ids in zip(encoded, samples)],
            "fragments": [[d, fragment_name(d)] for d in (0, 1, 3, 4, 7, 8, 4001)]}


def browser_results(output: Path, queries: list[str]) -> list[dict]:
    """What the search page shows in Chromium for each query: hrefs of the first results, status."""
    from playwright.sync_api import sync_playwright

    shown = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for q in queries:
            page.goto(f"{output.as_uri()}/search.html?q={quote(q)}")
            page.wait_for_selector("#search-results[data-state=done], #search-results[data-state=error]",
                                   state="attached", timeout=15_000)
            hrefs = page.eval_on_selector_all("#search-results li.result a", "l => l.map(a => a.getAttribute('href'))")
            shown.append({"q": q, "hrefs": hrefs, "status": page.inner_text("#search-status")})
        browser.close()
    assert errors == []
    return shown


def browser_skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return "Debian chromium is not installed at /usr/bin/chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


@pytest.fixture(scope="module")
def vectors(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("js-vectors")
    output = build(write_fixture(root / "site"))
    skip = browser_skip_reason()
    data = {"index": str(output / "search"), **text_vectors(), **layout_vectors(output),
            "queries": QUERIES, "browser": None if skip else browser_results(output, QUERIES), "browserSkip": skip}
    path = root / "vectors.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_browser_shows_ranked_lists_worth_comparing(vectors):
    """The top-10 comparison means something only if the queries rank many results."""
    data = json.loads(vectors.read_text(encoding="utf-8"))
    if data["browser"] is None:
        pytest.skip(data["browserSkip"])
    full = [r for r in data["browser"] if len(r["hrefs"]) == 10]
    assert len(full) >= 5, data["browser"]
    assert any(r["status"].startswith("No results") for r in data["browser"])
    assert any("also spelt" in r["status"] for r in data["browser"])


@pytest.mark.skipif(NODE is None, reason="node is not installed (Debian: apt-get install nodejs)")
@pytest.mark.parametrize("scripts", ["theme", "built"])
def test_node_runs_the_javascript_tests_against_the_python_vectors(vectors, scripts):
    """On the theme's scripts and on the copies a build writes (comments and indentation out)."""
    env = {**os.environ, "SB_SEARCH_VECTORS": str(vectors)}
    if scripts == "built":
        static = Path(json.loads(vectors.read_text(encoding="utf-8"))["index"]).parent / "static"
        theme = REPO / "themes" / "default" / "static"
        for f in theme.glob("search-*.js"):  # the copies are what is tested: smaller, not the same
            assert len((static / f.name).read_bytes()) < 0.8 * len(f.read_bytes()), f.name
        env["SB_SEARCH_SCRIPTS"] = str(static)
    result = subprocess.run([NODE, "--test", "--test-reporter=spec", str(REPO / "tests" / "js")], cwd=REPO,
                            capture_output=True, text=True, env=env, timeout=600)
    # the spec reporter ends with the failing tests and their diffs: the end is what matters
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
    assert "skipped 0" in result.stdout, result.stdout[-5_000:]      # with vectors, nothing is skipped
