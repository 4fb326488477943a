"""Search in a real browser (Debian's chromium via Playwright) on the fixture site plus 10,000
generated briefings, over http:// (under a sub-path) and from file://.

The 10k site is built once per session; every test only navigates and types.
"""
from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import REPO, write_article, write_bilingual_articles, write_ranking_articles
from corpus import generate

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
CORPUS_SIZE = 10_000
FIRST_QUERY_LIMIT = 300_000   # bytes, everything: page, styles, script, index

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
    pytest.mark.skipif(sync_playwright is None, reason="the playwright Python package is not installed"),
]


def write_fixture(site: Path) -> None:
    """The conftest site's articles, hostile ones, and small sets that pin down the ranking."""
    s = write_bilingual_articles(site, "Đại sứ Anh nói về **tội phạm mạng** tại hội thảo Quỳnhvale.\n",
                                 "The ambassador spoke at the Kestrelford cybersecurity forum.\n")
    write_article(s, "evil.md", 'title: "Zanzibarite <img src=x onerror=window.__pwned=1>"\nlang: en\ndate: 2025-01-02',
                  "<script>window.__pwned=2</script> Zanzibarite <b onmouseover=window.__pwned=3>bold</b>\n")
    write_ranking_articles(s)     # exact accents first; the phrase beats the same words apart
    # a title match beats a body mention; identical texts: the newer first
    write_article(s, "title-hit.md", 'title: "Brindlemarsh report"\ndate: 2022-01-01', "Weather.\n")
    write_article(s, "body-hit.md", 'title: "Weather report"\ndate: 2022-06-01', "Brindlemarsh is a town.\n")
    write_article(s, "twin-old.md", 'title: "Ostrowind twin"\ndate: 2021-01-01', "Same text.\n")
    write_article(s, "twin-new.md", 'title: "Ostrowind twin"\ndate: 2021-02-01', "Same text.\n")


@pytest.fixture(scope="session")
def search_site(tmp_path_factory) -> Path:
    """The output folder of fixture + 10,000 generated articles (built once per session)."""
    site = tmp_path_factory.mktemp("search") / "site"
    write_fixture(site)
    generate(CORPUS_SIZE, site / "content" / "articles")
    result = subprocess.run([sys.executable, "-m", "site_builder", "import", "--site", str(site),
                             str(REPO / "content" / "raw")], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site)],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return site / "output"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def http_root(search_site):
    """http://127.0.0.1:PORT/output/ — the site under a sub-path of a plain static server."""
    handler = functools.partial(_Quiet, directory=str(search_site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{search_site.name}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


class Traffic:
    """Bytes of every response a page received (bodies as sent, as Chromium counts them)."""

    def __init__(self, page) -> None:
        self.started: list[str] = []
        self.sizes: dict[str, int] = {}
        page.on("request", lambda r: self.started.append(r.url))
        page.on("requestfinished", self._finished)
        page.on("requestfailed", lambda r: self.sizes.setdefault(r.url + "#failed", 0))

    def _finished(self, request) -> None:
        self.sizes[request.url + f"#{len(self.sizes)}"] = request.sizes()["responseBodySize"]

    def settle(self, page, timeout=5.0) -> int:
        deadline = time.monotonic() + timeout
        while len(self.sizes) < len(self.started) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        return sum(self.sizes.values())

    def reset(self) -> None:
        self.started.clear()
        self.sizes.clear()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.traffic = Traffic(pg)
    yield pg
    context.close()


@pytest.fixture(params=["http", "file"])
def base(request, search_site, http_root) -> str:
    return http_root if request.param == "http" else search_site.as_uri() + "/"


def search(page, base: str, q: str):
    page.goto(f"{base}search.html?q={quote(q)}")
    return results(page, q)


def results(page, q: str):
    page.wait_for_selector(f'#search-results[data-state=done][data-query="{q}"]', state="attached", timeout=15_000)
    return page.eval_on_selector_all("#search-results li.result", """lis => lis.map(li => ({
        title: li.querySelector('a').textContent, href: li.querySelector('a').getAttribute('href'),
        marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent),
        some: li.classList.contains('result-some'),
        text: li.textContent}))""")


def until(page, check, timeout_s: float = 15.0) -> None:
    """Poll `check` until it holds or time is up (no wait_for_function: the CSP forbids eval);
    the assertion after it says what did not happen."""
    deadline = time.monotonic() + timeout_s
    while not check() and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def hrefs(items):
    return [i["href"] for i in items]


def full_hrefs(items):
    """The results that have every word of the query (those lacking one follow them)."""
    return [i["href"] for i in items if not i["some"]]


# --- finding --------------------------------------------------------------------------------

def test_vietnamese_words_typed_without_accents_find_the_article(page, base):
    items = search(page, base, "quynhvale toi pham mang")
    assert hrefs(items)[:1] == ["articles/dai-su-anh.html"]
    assert {"tội", "phạm", "mạng", "Quỳnhvale"} <= set(items[0]["marks"])
    assert page.errors == []


def test_english_prefix_while_typing(page, base):
    items = search(page, base, "kestrelf")
    assert hrefs(items) == ["articles/uk-envoy.html"]
    assert "Kestrelford" in items[0]["marks"]


def test_misspelt_word_one_edit_away_still_finds(page, base):
    assert hrefs(search(page, base, "kestrelfrod"))[:1] == ["articles/uk-envoy.html"]   # swapped letters
    assert hrefs(search(page, base, "kestelford "))[:1] == ["articles/uk-envoy.html"]   # a letter missing
    assert "also spelt kestrelford" in page.inner_text("#search-status")


def test_words_that_match_nothing_together_show_the_partial_results_said_plainly(page, base):
    items = search(page, base, "zanzibarite nothingmatcheszz")
    assert hrefs(items) == ["articles/evil.html"]
    note = page.locator("#search-partial")
    assert note.is_visible()
    assert note.inner_text() == "No article has all of: zanzibarite nothingmatcheszz. Showing articles with: zanzibarite"
    search(page, base, "zanzibarite")
    assert not page.locator("#search-partial").is_visible()


def test_partial_results_note_speaks_the_pages_language(page, tmp_path):
    site = tmp_path / "vi-site"
    write_article(site, "a.md", 'title: "Bão Yagi đổ bộ"\nlang: vi\ndate: 2024-09-07', "Bão Yagi gây mưa lớn.\n")
    (site / "site.toml").write_text('title = "Bản tin"\nlanguage = "vi"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site)],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert hrefs(search(page, (site / "output").as_uri() + "/", "volcano yagi")) == ["articles/a.html"]
    assert page.inner_text("#search-partial") == ("Không có bài nào có đủ: volcano yagi. "
                                                  "Đang hiện các bài có: yagi")
    # "typhoon" is "bão" in the search glossary: every word matches, no note
    assert hrefs(search(page, (site / "output").as_uri() + "/", "typhoon yagi")) == ["articles/a.html"]
    assert page.inner_text("#search-partial") == ""


def seed_page(search_site: Path, seed_prefix: str) -> str:
    """articles/<slug>.html of the imported seed whose raw file name starts with seed_prefix."""
    for md in (search_site.parent / "content" / "articles").glob("*.md"):
        head = md.read_text(encoding="utf-8").split("\n---", 1)[0]
        if f"/{seed_prefix}" in head or f"raw: {seed_prefix}" in head:
            return f"articles/{md.stem}.html"
    raise AssertionError(f"seed {seed_prefix} not imported")


def test_real_seeds_are_found_among_10k_generated(page, base, search_site):
    """The generated bodies reuse the seeds' paragraphs: the seeds must still come first."""
    vi_seed, en_seed = seed_page(search_site, "001_"), seed_page(search_site, "003_")
    assert hrefs(search(page, base, "dai su anh viet nam dong vai tro no luc toan cau chong toi pham"))[:1] == [vi_seed]
    assert hrefs(search(page, base, "hanoi convention landmark multilat"))[:1] == [en_seed]
    assert hrefs(search(page, base, "hanoi convention landmrak multilateral"))[:1] == [en_seed]


def test_results_link_to_existing_pages(page, base, search_site):
    items = search(page, base, "toi pham mang")
    assert len(items) == 10
    for href in hrefs(items):
        assert (search_site / href).is_file(), href
    page.click("#search-results li.result a")
    page.wait_for_load_state()
    assert page.url.startswith(base + "articles/") and page.title()


# --- safety -----------------------------------------------------------------------------------

def test_hostile_title_and_body_show_as_text_and_never_run(page, base):
    items = search(page, base, "zanzibarite")
    assert hrefs(items) == ["articles/evil.html"]
    assert items[0]["title"] == "Zanzibarite <img src=x onerror=window.__pwned=1>"
    assert "<script>window.__pwned=2</script>" in items[0]["text"]
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    assert page.eval_on_selector_all("#search-results img, #search-results script, #search-results b", "n => n.length") == 0
    assert page.errors == []


# --- ranking ------------------------------------------------------------------------------------

def test_ranking_exact_accents_phrase_title_and_recency(page, http_root):
    assert full_hrefs(search(page, http_root, "quellmoor tội")) == ["articles/crime.html", "articles/evening.html"]
    assert full_hrefs(search(page, http_root, "quellmoor tối")) == ["articles/evening.html", "articles/crime.html"]
    items = search(page, http_root, "vexhollow toi pham")
    assert full_hrefs(items) == ["articles/phrase.html", "articles/scattered.html"]
    assert hrefs(items)[:2] == full_hrefs(items) and len(items) == 10       # then those lacking a word
    assert page.inner_text("#search-results li.result-divider") == "Articles with some of the words"
    assert hrefs(search(page, http_root, "brindlemarsh")) == ["articles/title-hit.html", "articles/body-hit.html"]
    assert hrefs(search(page, http_root, "ostrowind")) == ["articles/twin-new.html", "articles/twin-old.html"]


# --- size -----------------------------------------------------------------------------------------

def test_first_query_on_10k_archive_downloads_little(page, http_root):
    items = search(page, http_root, "toi pham mang")
    first = page.traffic.settle(page)
    count = int(page.inner_text("#search-status").split()[0])
    assert len(items) == 10 and count > 1000
    print(f"\nfirst query: {first} bytes in {len(page.traffic.sizes)} responses, {count} results")
    assert first <= FIRST_QUERY_LIMIT, sorted(page.traffic.sizes.items(), key=lambda kv: -kv[1])[:10]
    page.traffic.reset()
    page.fill("#search-input", "ambassador convention")
    results(page, "ambassador convention")
    second = page.traffic.settle(page)
    print(f"second query: {second} bytes")
    assert second < first


# --- the page -------------------------------------------------------------------------------------

def test_typing_updates_results_and_url_and_facets_filter(page, http_root):
    page.goto(http_root + "search.html")
    assert page.evaluate("document.activeElement.id") == "search-input"   # an empty page focuses the box
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type("toi pham mang", delay=20)
    results(page, "toi pham mang")
    assert "q=toi+pham+mang" in page.url
    facet = page.locator('.facet-value[data-field="lang"][data-value="en"]')
    en_count = int(facet.locator(".facet-count").inner_text())
    facet.click()
    langs = lambda: set(page.eval_on_selector_all("#search-results li.result", "l => l.map(x => x.lang)"))  # noqa: E731
    count = lambda: int(page.inner_text("#search-status").split()[0])  # noqa: E731
    # the list and the count are drawn again one after the other, and the first page may hold
    # English results only before the filter applies: wait for both
    until(page, lambda: langs() == {"en"} and count() == en_count)
    assert "lang=en" in page.url
    assert int(page.inner_text("#search-status").split()[0]) == en_count
    assert langs() == {"en"}
    for field in ("source", "tag", "year"):
        assert page.locator(f'.facet-value[data-field="{field}"]').count() > 0, field
    page.reload()                                  # the URL brings back the query and the filter
    results(page, "toi pham mang")
    assert page.input_value("#search-input") == "toi pham mang"
    assert int(page.inner_text("#search-status").split()[0]) == en_count


def test_keyboard_moves_through_results_and_enter_opens(page, http_root):
    items = search(page, http_root, "brindlemarsh")
    page.focus("#search-input")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == items[1]["href"]
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.getAttribute('href')") == items[0]["href"]
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/title-hit.html")


def test_header_search_box_leads_to_search_page(page, base):
    page.goto(base + "articles/uk-envoy.html")
    page.fill(".search-box input[name=q]", "kestrelford")
    page.press(".search-box input[name=q]", "Enter")
    items = results(page, "kestrelford")
    assert hrefs(items) == ["articles/uk-envoy.html"]
    assert page.errors == []


def test_article_page_links_its_translation_by_the_title_and_lists_related_without_it(page, base):
    page.goto(base + "articles/uk-envoy.html")
    assert page.get_attribute(".article-header .translations a", "href") == "../articles/dai-su-anh.html"
    links = page.eval_on_selector_all(".related a", "l => l.map(a => a.getAttribute('href'))")
    assert "../articles/dai-su-anh.html" not in links and 2 <= len(links) <= 4
    page.click(".related a >> nth=1")
    page.wait_for_load_state()
    assert "/articles/" in page.url and page.title()


@pytest.fixture(scope="module")
def joined_names_site(tmp_path_factory) -> Path:
    """Articles that write a place the other language's way, and one that does not name it."""
    site = tmp_path_factory.mktemp("names") / "site"
    write_article(site, "ha-noi-vi.md", 'title: "Mưa lớn ở Hà Nội"\nlang: vi\ndate: 2025-09-01',
                  "Mưa lớn kéo dài khiến nhiều tuyến phố ở Hà Nội ngập sâu.\n")
    write_article(site, "vietnam-en.md", 'title: "Vietnam exports rise"\nlang: en\ndate: 2025-09-02',
                  "Exports from Vietnam rose by a tenth this year.\n")
    write_article(site, "other.md", 'title: "Rain in Bangkok"\nlang: en\ndate: 2025-09-03',
                  "Heavy rain flooded streets in Bangkok.\n")
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site)],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return site / "output"


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_joined_and_split_names_meet_across_languages(page, joined_names_site, scheme):
    if scheme == "file":
        base = joined_names_site.as_uri() + "/"
        served = None
    else:
        handler = functools.partial(_Quiet, directory=str(joined_names_site))
        served = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=served.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{served.server_address[1]}/"
    try:
        assert full_hrefs(search(page, base, "hanoi")) == ["articles/ha-noi-vi.html"]
        assert full_hrefs(search(page, base, "viet nam")) == ["articles/vietnam-en.html"]
    finally:
        if served is not None:
            served.shutdown()
