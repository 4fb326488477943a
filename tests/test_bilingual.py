"""A bilingual reader's archive: interface text per language, translations linked in <head> and by
the title, one tag per concept, dates borrowed from translations, per-language homes and feeds."""
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, broken_links, page_text, seed_site, write_article, write_bilingual_articles
from site_builder.cli import main
from site_builder.site.tags import tag_key

ENGLISH_INTERFACE = ("Photos", "Tags:", "Also in", "Related briefings", "Latest", "Search")


def build(site: Path, *args: str):
    result = CliRunner().invoke(main, ["build", "--site", str(site), *args])
    assert result.exit_code == 0, result.output
    return result


def hreflang_links(html: str) -> dict[str, str]:
    head = html.split("</head>")[0]
    return {m[1]: m[2] for m in re.finditer(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head)}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    return seed_site(tmp_path_factory.mktemp("seeds"))


def _vi_and_en(out: Path) -> tuple[Path, Path]:
    vi = next(p for p in (out / "articles").glob("*.html") if '<html lang="vi">' in p.read_text(encoding="utf-8"))
    en_href = hreflang_links(vi.read_text(encoding="utf-8"))["en"]
    return vi, (vi.parent / en_href).resolve()


def test_seed_vietnamese_article_speaks_vietnamese_and_links_its_english_version(seeds):
    vi, en = _vi_and_en(seeds)
    text = page_text(vi)
    assert [w for w in ENGLISH_INTERFACE if w in text] == []
    assert "Ảnh" in text and "Thẻ:" in text and "Bài liên quan" in text and "Đọc bằng English" in text
    # each <head> names the other version with its language, and the same x-default
    vi_links, en_links = hreflang_links(vi.read_text(encoding="utf-8")), hreflang_links(en.read_text(encoding="utf-8"))
    assert (vi.parent / vi_links["en"]).resolve() == en and (en.parent / en_links["vi"]).resolve() == vi
    assert (vi.parent / vi_links["x-default"]).resolve() == en == (en.parent / en_links["x-default"]).resolve()
    # the English page speaks English, and links the Vietnamese one next to its title
    en_html = en.read_text(encoding="utf-8")
    assert "Also in Tiếng Việt" in page_text(en)
    assert en_html.index('class="translations"') < en_html.index('class="article-body"')


def test_seed_translation_is_never_among_related_briefings(seeds):
    for page in (seeds / "articles").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        others = set(hreflang_links(html).values())
        related = html.split('class="related"')[1].split("</section>")[0] if 'class="related"' in html else ""
        assert not [h for h in re.findall(r'href="([^"]+)"', related) if h in others], page.name


def test_seed_tags_index_shows_display_names_one_per_concept(seeds):
    html = (seeds / "tags" / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', html)
    assert "Việt Nam" in names and "Hà Nội" in names and "Hanoi Convention" in names
    assert not [n for n in names if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", n)], names  # no slug shown
    keys = [tag_key(n) for n in names]
    assert len(keys) == len(set(keys)), names
    # every article names its tags by display name, linking the one page of that tag
    vi, en = _vi_and_en(seeds)
    assert '>Hà Nội</a>' in vi.read_text(encoding="utf-8") and "tags/ha-noi.html" in en.read_text(encoding="utf-8")
    assert broken_links(seeds) == []


def test_catalogues_are_complete_and_cover_every_template_string():
    i18n = REPO / "themes" / "default" / "i18n"
    en = tomllib.loads((i18n / "en.toml").read_text(encoding="utf-8"))
    vi = tomllib.loads((i18n / "vi.toml").read_text(encoding="utf-8"))
    assert set(en) == set(vi)
    used = set()
    for template in (REPO / "themes").rglob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_]+)'\s*[,)]", template.read_text(encoding="utf-8")))
    used |= {f"{p}_{k}" for p in ("kind", "index", "all") for k in ("tag", "source", "lang", "month")}
    assert used - set(en) == set()
    assert en["photos"] != vi["photos"] and vi["articles"] == {"other": "{count} bài"}


def test_a_site_overrides_a_string_and_adds_a_language(tmp_path):
    site = write_bilingual_articles(tmp_path / "site")
    write_article(site, "fr.md", "title: Note en français\nlang: fr\ndate: 2025-10-01\ntags: [Hanoi]")
    (site / "i18n").mkdir()
    (site / "i18n" / "vi.toml").write_text('related_briefings = "Tin cùng chủ đề"\n', encoding="utf-8")
    (site / "i18n" / "fr.toml").write_text('tags_label = "Étiquettes :"\n', encoding="utf-8")
    build(site)
    out = site / "output"
    vi = page_text(out / "articles" / "dai-su-anh.html")
    fr = page_text(out / "articles" / "fr.html")
    assert "Étiquettes :" in fr and "Latest" in fr  # a key the site did not translate falls back to English
    assert "Thẻ:" in vi  # the rest of the shipped catalogue still applies
    (site / "i18n" / "vi.toml").write_text('tags_label = "Nhãn:"\n', encoding="utf-8")
    build(site)  # an edited catalogue re-renders the pages that use it
    assert "Nhãn:" in page_text(out / "articles" / "dai-su-anh.html")


def test_plurals_and_numbers_per_language(tmp_path):
    site = tmp_path / "site"
    for i in range(3):
        write_article(site, f"vi-{i}.md", f"title: Bài {i}\nlang: vi\ndate: 2025-01-0{i + 1}")
    write_article(site, "en-0.md", "title: One\nlang: en\ndate: 2025-01-09")
    build(site)
    out = site / "output"
    assert "3 bài" in page_text(out / "vi" / "index.html")
    assert "1 article ·" in page_text(out / "en" / "index.html")
    assert "4 articles" in page_text(out / "index.html")
    from site_builder.text.locale import format_number, plural_category
    assert format_number(1234567, "vi") == "1.234.567" and format_number(1234567, "en") == "1,234,567"
    assert plural_category(1, "vi") == plural_category(2, "vi") == "other" and plural_category(1, "en") == "one"


def test_homes_and_feeds_per_language_link_each_other(site):
    build(site)
    out = site / "output"
    home = (out / "index.html").read_text(encoding="utf-8")
    vi_home = (out / "vi" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in vi_home and "Bản tin mới nhất" in vi_home and "Đại sứ Anh" in vi_home
    assert "UK envoy" not in vi_home
    assert 'hreflang="vi" href="vi/index.html"' in home and 'hreflang="x-default" href="../index.html"' in vi_home
    assert 'href="vi/feed.xml"' in home and 'href="../en/feed.xml"' in vi_home
    vi_feed = (out / "vi" / "feed.xml").read_text(encoding="utf-8")
    assert vi_feed.count("<entry ") == 1 and 'xml:lang="vi"' in vi_feed and 'href="../feed.xml"' in vi_feed
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry ") == 3 and 'hreflang="vi" href="vi/feed.xml"' in feed
    # the header's switch takes an article to its translation, another page to the language's home
    article = (out / "articles" / "uk-envoy.html").read_text(encoding="utf-8")
    switch = article.split('class="lang-switch"')[1].split("</nav>")[0]
    assert 'href="../articles/dai-su-anh.html" hreflang="vi"' in switch and 'aria-current="page"' in switch
    tags = (out / "tags" / "index.html").read_text(encoding="utf-8").split('class="lang-switch"')[1]
    assert 'href="../vi/index.html"' in tags
    assert broken_links(out) == []


def test_canonical_and_opengraph_only_with_base_url(site):
    build(site)
    page = (site / "output" / "articles" / "dai-su-anh.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in page and "og:" not in page
    (site / "site.toml").write_text('base_url = "https://news.example/archive/"\n', encoding="utf-8")
    build(site)
    page = (site / "output" / "articles" / "dai-su-anh.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://news.example/archive/articles/dai-su-anh.html">' in page
    assert hreflang_links(page)["en"] == "https://news.example/archive/articles/uk-envoy.html"
    for meta in ('property="og:type" content="article"', 'property="og:locale" content="vi_VN"',
                 'property="og:locale:alternate" content="en_US"',
                 'property="article:published_time" content="2025-10-26"',
                 'property="article:tag" content="ngoại giao"',
                 'property="og:title" content="Đại sứ Anh: Việt Nam có vai trò quan trọng"'):
        assert meta in page, meta


def test_one_concept_one_tag_with_display_names_and_aliases(tmp_path):
    site = tmp_path / "site"
    write_article(site, "a.md", "title: A\ndate: 2025-01-03\ntags: [Việt Nam, Hà Nội, C++]")
    write_article(site, "b.md", "title: B\ndate: 2025-01-02\ntags: [Vietnam, hanoi, C, HN]")
    write_article(site, "c.md", "title: C\ndate: 2025-01-01\ntags: [viet-nam, Việt Nam, Index, /, '..', '!!!']")
    (site / "content" / "tags.toml").write_text('[aliases]\n"HN" = "Hà Nội"\n', encoding="utf-8")
    result = build(site)
    out = site / "output"
    tags = sorted(p.name for p in (out / "tags").glob("*.html"))
    assert tags == ["c-plus-plus.html", "c.html", "ha-noi.html", "index-tag.html", "index.html", "viet-nam.html"]
    index = (out / "tags" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<li><a href="[^"]+">([^<]+)</a> <span class="count">(\d+)', index) == [
        ("C", "1"), ("C++", "1"), ("Hà Nội", "2"), ("Index", "1"), ("Việt Nam", "3")]
    assert "has no letter or digit" in result.output and "'!!!'" in result.output
    page_b = (out / "articles" / "b.html").read_text(encoding="utf-8")
    assert page_b.count("tags/ha-noi.html") == 1  # hanoi and HN are one tag, shown once
    # renaming by hand: the alias target is the display name
    (site / "content" / "tags.toml").write_text('[aliases]\n"Vietnam" = "Viet Nam (country)"\n', encoding="utf-8")
    build(site)
    assert "Viet Nam (country)" in (out / "tags" / "index.html").read_text(encoding="utf-8")


def test_bad_tags_file_is_a_content_error_naming_it(tmp_path):
    site = tmp_path / "site"
    write_article(site, "a.md", "title: A\ntags: [x]")
    (site / "content" / "tags.toml").write_text('[aliases]\n"x" = 3\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "tags.toml" in result.output and "must name a tag" in result.output


def test_front_matter_scalars_show_as_written(tmp_path):
    site = tmp_path / "site"
    write_article(site, "yes.md", "title: yes\ndate: 2025-01-01\ntags: [on, 2025, C++]")
    build(site)
    page = page_text(site / "output" / "articles" / "yes.html")
    assert "yes" in page and "True" not in page and "2025" in page and "on" in page


def test_undated_article_borrows_its_translations_date_and_the_rest_are_undated(tmp_path):
    site = tmp_path / "site"
    write_article(site, "vi.md", "title: Bài\nlang: vi\ntranslations: [en]")
    write_article(site, "en.md", "title: Story\nlang: en\ndate: 2024-03-05")
    write_article(site, "lone.md", "title: Lone note\nlang: en")
    write_article(site, "old.md", "title: Old\nlang: en\ndate: 2023-01-01")
    result = build(site)
    out = site / "output"
    vi = page_text(out / "articles" / "vi.html")
    assert "5 tháng 3, 2024 (ngày của bản English)" in vi
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.index("Story") < home.index("Old") < home.index("Lone note")  # sorted by the borrowed date
    assert "March 2024 (date of the English version)" in page_text(out / "index.html")
    archive = page_text(out / "archive" / "index.html")
    assert archive.index("2024") < archive.index("2023") < archive.index("Undated")
    assert "Lone note" in page_text(out / "archive" / "undated.html")
    assert "lone.md:1 — " in result.output and "no date" in result.output and "vi.md" not in result.output


def test_numbered_pager_and_labelled_prev_next(tmp_path):
    site = tmp_path / "site"
    for i in range(12):
        write_article(site, f"a{i}.md", f"title: Story {i}\ndate: 2025-01-{i + 1:02d}")
    (site / "site.toml").write_text("per_page = 1\n", encoding="utf-8")
    build(site)
    out = site / "output"
    pager = (out / "page" / "6.html").read_text(encoding="utf-8").split('class="pager"')[1].split("</nav>")[0]
    numbers = re.findall(r">(\d+|…)</", pager)
    assert numbers == ["1", "…", "4", "5", "6", "7", "8", "…", "12"] and 'aria-current="page"' in pager
    article = page_text(out / "articles" / "a7.html")
    assert "← Newer briefing Story 8" in article and "Older briefing → Story 6" in article
    from site_builder.site.graph import Pager
    assert Pager(1, 3, ("a", "b", "c")).window == (1, 2, 3) and Pager(1, 5, tuple("abcde")).window == (1, 2, 3, 4, 5)


def test_broadsheet_kicker_comes_from_the_config(site):
    (site / "site.toml").write_text('kicker = "Tin tức hằng ngày"\n', encoding="utf-8")
    build(site, "--theme", "broadsheet")
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert '<p class="masthead-kicker">Tin tức hằng ngày</p>' in home
    assert "briefing archive</p>" not in home.lower()
