"""End-to-end: build a tmp site through the CLI and check it as a reader would."""
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from conftest import REPO, broken_links, page_refs, remote_loads, tree_bytes, write_article
from site_builder.cli import main


def build(site: Path, *args: str):
    result = CliRunner().invoke(main, ["build", "--site", str(site), *args])
    return result


def test_build_makes_every_page_and_links_resolve(site):
    result = build(site)
    assert result.exit_code == 0, result.output
    out = site / "output"
    assert re.search(r"built 3 articles into \d+ pages", result.output)
    for slug, title in [("dai-su-anh", "Đại sứ Anh: Việt Nam có vai trò quan trọng"),
                        ("uk-envoy", "UK envoy: Vietnam has a key role"), ("undated-note", "Undated note")]:
        page = (out / "articles" / f"{slug}.html").read_text(encoding="utf-8")
        assert f"<h1 class=\"article-title\">{title}</h1>" in page
    for name in ("index.html", "404.html", "feed.xml", "tags/index.html", "tags/an-ninh-mang.html",
                 "sources/vna-vns.html", "languages/vi.html", "archive/2025-10.html", "static/pygments.css"):
        assert (out / name).is_file(), name
    assert broken_links(out) == []
    assert remote_loads(out) == []
    langs = {p.relative_to(out).as_posix(): page_refs(p).html_lang for p in out.rglob("*.html")}
    assert all(langs.values()), langs
    assert langs["articles/dai-su-anh.html"] == "vi" and langs["languages/vi.html"] == "vi"
    assert not (out / "sitemap.xml").exists()


def test_article_page_shows_metadata_translations_and_dates_per_language(site):
    assert build(site).exit_code == 0
    out = site / "output"
    vi = (out / "articles" / "dai-su-anh.html").read_text(encoding="utf-8")
    en = (out / "articles" / "uk-envoy.html").read_text(encoding="utf-8")
    assert "26 tháng 10, 2025" in vi and "25 October 2025" in en
    assert 'href="../articles/uk-envoy.html"' in vi and 'href="../articles/dai-su-anh.html"' in en
    assert "Staff writer" in en and 'href="https://example.org/envoy"' in en
    assert '<pre class="highlight"><code class="language-python">' in en
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.index("Đại sứ Anh") < home.index("UK envoy") < home.index("Undated note")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry ") == 3 and "<updated>2025-10-26T00:00:00Z</updated>" in feed


def test_two_builds_are_byte_identical(site, tmp_path):
    assert build(site, "--out", str(tmp_path / "a")).exit_code == 0
    assert build(site, "--out", str(tmp_path / "b"), "--jobs", "1").exit_code == 0
    a, b = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert a.keys() == b.keys() and a == b


def test_base_url_adds_sitemap_with_absolute_urls(site):
    assert build(site, "--base-url", "https://news.example/archive/").exit_code == 0
    sitemap = (site / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://news.example/archive/articles/uk-envoy.html</loc>" in sitemap
    assert "404.html" not in sitemap
    assert broken_links(site / "output") == []


def test_broken_article_fails_cleanly_and_keeps_last_good_output(site):
    assert build(site).exit_code == 0
    before = tree_bytes(site / "output")
    write_article(site, "broken.md", "title: Broken\ndate: 2025-02-30")
    write_article(site, "bad-yaml.md", "title: [oops\nlang: en")
    result = build(site)
    assert result.exit_code == 1
    assert "broken.md:3:" in result.output and "real date" in result.output
    assert "bad-yaml.md:2:" in result.output
    assert "Traceback" not in result.output
    assert tree_bytes(site / "output") == before
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".out-")]
    assert leftovers == []


def test_second_theme_is_visibly_different_and_falls_back(site, tmp_path):
    assert build(site, "--out", str(tmp_path / "plain")).exit_code == 0
    assert build(site, "--out", str(tmp_path / "paper"), "--theme", "broadsheet").exit_code == 0
    plain = (tmp_path / "plain" / "index.html").read_text(encoding="utf-8")
    paper = (tmp_path / "paper" / "index.html").read_text(encoding="utf-8")
    assert 'class="masthead"' in paper and 'class="masthead"' not in plain
    assert (tmp_path / "paper" / "static" / "style.css").read_bytes() != (tmp_path / "plain" / "static" / "style.css").read_bytes()
    # templates it does not override come from default
    assert "article-title" in (tmp_path / "paper" / "articles" / "uk-envoy.html").read_text(encoding="utf-8")
    assert broken_links(tmp_path / "paper") == []


def test_site_theme_overrides_one_template_and_unknown_theme_fails(site):
    tpl = site / "themes" / "mine" / "templates"
    tpl.mkdir(parents=True)
    (site / "themes" / "mine" / "theme.toml").write_text('name = "mine"\nextends = "broadsheet"\n')
    (tpl / "404.html").write_text('{% extends "default/404.html" %}{% block content %}<p id="mine">Lost</p>{% endblock %}')
    assert build(site, "--theme", "mine").exit_code == 0
    page = (site / "output" / "404.html").read_text(encoding="utf-8")
    assert '<p id="mine">Lost</p>' in page and 'class="masthead"' in page
    result = build(site, "--theme", "nope")
    assert result.exit_code == 2 and "theme 'nope' not found" in result.output


def test_hostile_markdown_never_becomes_markup(site):
    write_article(site, "evil.md", 'title: "<img src=x onerror=alert(1)>"\nsource_url: "javascript:alert(1)"',
                  "<script>alert(1)</script>\n\n[click](javascript:alert(1)) ![x](https://evil.example/p.png)\n")
    assert build(site).exit_code == 0
    page = (site / "output" / "articles" / "evil.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page and 'src="https://evil' not in page
    assert remote_loads(site / "output") == []


def test_pagination_splits_long_lists(tmp_path):
    s = tmp_path / "big"
    for i in range(45):
        write_article(s, f"a{i:02d}.md", f"title: Article {i}\ndate: 2024-01-{1 + i % 28:02d}\ntags: [t]")
    assert build(s).exit_code == 0
    out = s / "output"
    assert (out / "page" / "3.html").is_file() and not (out / "page" / "4.html").exists()
    assert (out / "tags" / "t" / "page-3.html").is_file()
    assert (out / "index.html").read_text(encoding="utf-8").count('class="entry-title"') == 20
    assert broken_links(out) == []


def test_python_m_entry_point_and_usage_error(site):
    ok = subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site)],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "site_builder", "build", "--jobs", "0"], capture_output=True, text=True)
    assert bad.returncode == 2


def test_build_of_a_missing_site_folder_is_a_usage_error_but_import_starts_a_new_site(tmp_path):
    missing = tmp_path / "typo"
    result = CliRunner().invoke(main, ["build", "--site", str(missing)])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not missing.exists()
    raw = tmp_path / "note.txt"
    raw.write_text("Council approves new classrooms for rural schools\n\nThe provincial council approved "
                   "a budget for forty new classrooms in mountain districts on Monday.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--site", str(tmp_path / "new"), str(raw)])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "new" / "content" / "articles").glob("*.md"))) == 1


def test_non_editable_install_ships_the_themes(tmp_path, site):
    """`pip install .` into a fresh venv: the package must carry default and broadsheet."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)  # the installed copy, not a checkout on the path, must answer
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(REPO)],
                   check=True, env=env, cwd=tmp_path)
    code = ("import site_builder, pathlib; p = pathlib.Path(site_builder.__file__).parent;"
            "assert 'site-packages' in str(p), p; print(p)")
    pkg = subprocess.run([str(py), "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert pkg.returncode == 0, pkg.stderr
    assert (Path(pkg.stdout.strip()) / "_themes" / "default" / "templates" / "base.html").is_file()
    result = subprocess.run([str(venv / "bin" / "site-builder"), "build", "--site", str(site), "--theme", "broadsheet"],
                            capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert 'class="masthead"' in (site / "output" / "index.html").read_text(encoding="utf-8")


def test_article_meta_has_no_dangling_separator_and_summary_is_not_repeated(tmp_path):
    site = tmp_path / "site"
    lead = "The council approved forty new classrooms for the mountain districts on Monday."
    write_article(site, "nodate.md", f"title: Classrooms approved\nauthor: Jane Doe\nsummary: \"{lead}\"",
                  f"{lead}\n\nWork starts next year.\n")
    write_article(site, "other.md", "title: Other story\nsummary: A different standfirst.\ndate: 2025-01-01",
                  "The body says something else.\n")
    assert build(site).exit_code == 0
    page = (site / "output" / "articles" / "nodate.html").read_text(encoding="utf-8")
    meta = page.split('class="entry-meta">', 1)[1].split("</p>", 1)[0]
    assert not meta.strip().startswith('<span class="sep">')
    assert page.count(lead) == 1 + page.count(f'content="{lead}"')    # in the body, not again above it
    other = (site / "output" / "articles" / "other.html").read_text(encoding="utf-8")
    assert '<p class="summary">A different standfirst.</p>' in other
