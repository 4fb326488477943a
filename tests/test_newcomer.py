"""A newcomer's first hour: install from the README, `new`, warnings, drafts, links, clear errors."""
from __future__ import annotations

import re

from conftest import REPO


def readme_commands() -> list[str]:
    """The shell lines of the README's 'Install and test' block."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Install and test", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_install_is_two_commands_in_a_venv_and_ci_runs_exactly_them():
    install, test = readme_commands()
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]'")
    assert test == ".venv/bin/python -m pytest"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install.replace("pip install -e", "pip install -q -e") in ci and test in ci
    # nothing in the suite reaches outside the repository
    outside = "../" + "shared"
    for path in (REPO / "tests").rglob("*.py"):
        assert outside not in path.read_text(encoding="utf-8"), path


def test_plain_install_needs_no_test_tools():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = " ".join(project["dependencies"]).lower()
    assert "playwright" not in deps and "pytest" not in deps
    assert {"pytest", "hypothesis", "playwright"} <= {re.split(r"[<>=]", d)[0] for d in project["optional-dependencies"]["test"]}


def cli(*args, **kwargs):
    from click.testing import CliRunner

    from site_builder.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def new_site(tmp_path, name="x"):
    site = tmp_path / name
    assert cli("new", site).exit_code == 0
    return site


def test_new_makes_a_site_that_builds_at_once_and_says_what_next(tmp_path):
    site = tmp_path / "x"
    made = cli("new", site)
    assert made.exit_code == 0
    assert f"cd {site}" in made.output and "site-builder serve" in made.output
    for rel in ("site.toml", "content/raw/README.md", "content/articles/welcome.md"):
        assert (site / rel).is_file(), rel
    assert "#" in (site / "site.toml").read_text(encoding="utf-8")  # commented
    overrides = list((site / "themes").rglob("templates/*.html"))
    assert len(overrides) == 1
    built = cli("build", "--site", site)
    assert built.exit_code == 0, built.output
    assert "warning" not in built.output
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert "Welcome to your archive" in home and "made with site-builder" in home  # the override shows
    assert (site / "output" / "articles" / "welcome.html").is_file()


def test_new_refuses_a_folder_that_holds_anything(tmp_path):
    site = tmp_path / "busy"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("new", site)
    assert result.exit_code == 2 and "not an empty folder" in result.output
    assert [p.name for p in site.iterdir()] == ["notes.txt"]
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"


# -- site.toml reference and warnings --------------------------------------------------------
def test_config_reference_documents_every_key_with_type_and_default():
    from site_builder.config import DEFAULTS

    doc = (REPO / "docs" / "config.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `\[?(\w+)\]?` \|.*$", doc, re.M)}
    for key, default in DEFAULTS.items():
        assert key in rows, key
        shown = f'"{default}"' if isinstance(default, str) else str(default)
        assert f"`{shown}`" in rows[key], (key, rows[key])
    assert "extra" in rows


def test_misspelt_key_warns_with_line_and_nearest_key_and_strict_fails(tmp_path):
    site = new_site(tmp_path)
    (site / "site.toml").write_text('title = "X"\nbaseURL = "/x/"\npaginate = 5\n[extra]\nowner = "me"\n',
                                    encoding="utf-8")
    result = cli("build", "--site", site)
    assert result.exit_code == 0
    assert f"unknown key 'baseURL' in {site}/site.toml:2 — did you mean 'base_url'?" in result.output
    assert "unknown key 'paginate'" in result.output and "site.toml:3 — did you mean 'per_page'?" in result.output
    assert "owner" not in result.output  # [extra] is the place for values of one's own
    before = (site / "output" / "index.html").read_bytes()
    (site / "content" / "articles" / "welcome.md").write_text("---\ntitle: Changed\n---\nx\n", encoding="utf-8")
    strict = cli("build", "--site", site, "--strict")
    assert strict.exit_code == 1 and "--strict" in strict.output and "baseURL" in strict.output
    assert (site / "output" / "index.html").read_bytes() == before  # nothing written


def test_nearest_key():
    from site_builder.config import DEFAULTS
    from site_builder.site_warnings import nearest_key

    assert nearest_key("baseURL", DEFAULTS) == "base_url"
    assert nearest_key("per-page", DEFAULTS) == "per_page"
    assert nearest_key("titel", DEFAULTS) == "title"
    assert nearest_key("languageCode", DEFAULTS) == "language"
    assert nearest_key("zzzz", DEFAULTS) is None


def test_undated_and_future_articles_warn_with_file_and_line_every_build(tmp_path):
    from conftest import write_article

    site = new_site(tmp_path)
    write_article(site, "later.md", "title: Later\nlang: en\ndate: 2999-01-01")
    write_article(site, "nodate.md", "title: Someday")
    first = cli("build", "--site", site)
    assert first.exit_code == 0
    assert "date 2999-01-01 is in the future in " in first.output and "later.md:4" in first.output
    assert "no date, nor a dated translation in " in first.output and "nodate.md:1" in first.output
    again = cli("build", "--site", site)  # nothing changed: the warnings are still reported
    assert "nothing changed" in again.output and "later.md:4" in again.output and "nodate.md:1" in again.output
    assert cli("build", "--site", site, "--strict").exit_code == 1


# -- drafts ----------------------------------------------------------------------------------
def test_a_draft_is_in_no_output_file_unless_drafts(tmp_path):
    from conftest import write_article

    site = new_site(tmp_path)
    write_article(site, "secret.md", "title: Quokkaplan secret\ndate: 2025-01-02\ntags: [hush]\ndraft: true",
                  "The zebrafinch operation.\n")
    assert cli("build", "--site", site, "--base-url", "https://example.org").exit_code == 0
    out = site / "output"
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            # the slug as a path: "secret" alone is in the search glossary ("general secretary")
            assert b"zebrafinch" not in data and b"quokkaplan" not in data and b"/secret" not in data, path
    assert not (out / "tags" / "hush.html").exists()
    assert cli("build", "--site", site, "--drafts").exit_code == 0
    page = (out / "articles" / "secret.html").read_text(encoding="utf-8")
    assert "zebrafinch" in page and 'class="draft-mark"' in page
    assert "Quokkaplan" in (out / "feed.xml").read_text(encoding="utf-8")
    assert any(b"zebrafinch" in p.read_bytes() for p in (out / "search").rglob("*.js"))
    assert cli("build", "--site", site).exit_code == 0  # and out again
    assert not (out / "articles" / "secret.html").exists()
    assert "Quokkaplan" not in (out / "feed.xml").read_text(encoding="utf-8")


def test_draft_must_be_true_or_false(tmp_path):
    from conftest import write_article

    site = new_site(tmp_path)
    write_article(site, "odd.md", "title: Odd\ndraft: maybe")
    result = cli("build", "--site", site)
    assert result.exit_code == 1 and "odd.md:3: 'draft' must be true or false" in result.output


# -- links between articles ------------------------------------------------------------------
def test_md_links_go_to_the_articles_pages_and_a_missing_one_warns(tmp_path):
    from conftest import broken_links, write_article

    site = new_site(tmp_path)
    write_article(site, "budget-2025.md", "title: Budget\ndate: 2025-01-01\nslug: the-budget")
    write_article(site, "sub/deep.md", "title: Deep\ndate: 2025-01-02")
    write_article(site, "news.md", "title: News\ndate: 2025-01-03",
                  "By file: [budget](budget-2025.md), by slug: [again](the-budget.md#top),\n"
                  "in a folder: [deep](sub/deep.md).\n\n`[code](nowhere.md)` is code.\n\n"
                  "Gone: [old](missing.md).\n")
    result = cli("build", "--site", site)
    assert result.exit_code == 0
    hrefs = re.findall(r'href="([^"]+)"', (site / "output" / "articles" / "news.html").read_text(encoding="utf-8"))
    assert "the-budget.html" in hrefs and "the-budget.html#top" in hrefs and "deep.html" in hrefs
    assert not any(h.endswith(".md") and h != "missing.md" for h in hrefs)
    assert "link to a missing article 'missing.md' in " in result.output and "news.md:10" in result.output
    assert "nowhere.md" not in result.output
    assert [p for p in broken_links(site / "output") if "missing.md" not in p] == []
    assert cli("build", "--site", site, "--strict").exit_code == 1
    # the target moves: the linking page follows without being edited
    (site / "content" / "articles" / "budget-2025.md").write_text(
        "---\ntitle: Budget\ndate: 2025-01-01\nslug: budget-plan\n---\nx\n", encoding="utf-8")
    assert cli("build", "--site", site).exit_code == 0
    news = (site / "output" / "articles" / "news.html").read_text(encoding="utf-8")
    assert 'href="budget-plan.html"' in news and 'href="the-budget.html"' not in news


def test_markdown_links_finds_lines_and_skips_code():
    from site_builder.content.links import markdown_links

    body = "Intro.\n\n[a](a.md) and\n[b](b.md#x)\n\n    [c](c.md)\n\n[d](https://x.org/d.md) [e](/e.md)\n"
    assert markdown_links(body, 10) == (("a.md", 12), ("b.md#x", 13))


# -- errors that say what exists -------------------------------------------------------------
def test_unknown_theme_exits_2_listing_the_themes_found(tmp_path):
    site = new_site(tmp_path)
    result = cli("build", "--site", site, "--theme", "nope")
    assert result.exit_code == 2
    assert "theme 'nope' not found" in result.output
    for name in ("default", "broadsheet", "mysite"):
        assert name in result.output
    assert str(site / "themes") in result.output
    shipped = result.output.split("(in ")[-1]
    assert result.output.count(shipped) == 1  # each folder once


def test_template_error_names_the_template_file_and_line(tmp_path):
    site = new_site(tmp_path)
    base = site / "themes" / "mysite" / "templates" / "base.html"
    base.write_text('{% extends "default/base.html" %}\n{% block footer %}\n<p>{{ owner_name }}</p>\n'
                    '{% endblock %}\n', encoding="utf-8")
    result = cli("build", "--site", site)
    assert result.exit_code == 1
    assert f"{base}:3:" in result.output and "'owner_name' is undefined" in result.output


# -- serve -----------------------------------------------------------------------------------
RAW_NOTE = ("Council approves new classrooms for rural schools\n\nThe provincial council approved a budget "
            "for forty new classrooms in mountain districts on Monday.\n\nWork starts next year, "
            "the council said in a statement.\n")


def test_serve_imports_raw_files_as_they_arrive_and_keeps_hand_edits(tmp_path):
    import time

    from site_builder.devserver.preview import PREVIEW_OVERRIDES
    from site_builder.devserver.http import Preview
    from site_builder.devserver.state import DevSite

    site = new_site(tmp_path)
    logged: list[str] = []
    preview = Preview(DevSite(site, overrides=PREVIEW_OVERRIDES, log=logged.append), port=0).start()
    try:
        raw = site / "content" / "raw" / "classrooms.txt"
        (site / "content" / "raw" / ".classrooms.txt.swp").write_bytes(b"\x00vim swap")
        raw.write_text(RAW_NOTE, encoding="utf-8")
        article = _wait_for(lambda: next((site / "content" / "articles").glob("council*.md"), None))
        assert preview.watcher.batcher.idle(10)
        page = site / "output" / "articles" / (article.stem + ".html")
        _wait_for(page.exists)
        assert any(line.startswith("imported content/articles/council") for line in logged), logged
        assert not any("swp" in line for line in logged), logged
        # changed raw → imported again; once edited by hand → kept
        raw.write_text(RAW_NOTE.replace("forty", "fifty"), encoding="utf-8")
        _wait_for(lambda: "fifty" in article.read_text(encoding="utf-8"))
        article.write_text(article.read_text(encoding="utf-8").replace("fifty", "sixty"), encoding="utf-8")
        assert preview.watcher.batcher.idle(10)
        raw.write_text(RAW_NOTE.replace("forty", "seventy"), encoding="utf-8")
        _wait_for(lambda: any(line.startswith("kept ") for line in logged))
        time.sleep(0.2)
        assert "sixty" in article.read_text(encoding="utf-8")
    finally:
        preview.stop()


def _wait_for(probe, timeout: float = 15.0):
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {probe}")


def test_serve_links_stay_local_with_base_url_and_drafts_are_marked(tmp_path):
    from conftest import write_article
    from site_builder.devserver.preview import PREVIEW_OVERRIDES
    from site_builder.devserver.http import respond
    from site_builder.devserver.state import DevSite

    site = new_site(tmp_path)
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('base_url = ""', 'base_url = "https://example.org/news"'),
                    encoding="utf-8")
    write_article(site, "plan.md", "title: The plan\ndate: 2025-01-02\ndraft: true")
    dev = DevSite(site, overrides=PREVIEW_OVERRIDES, log=lambda m: None)
    assert dev.rebuild(None)
    for target in ("/index.html", "/articles/plan.html", "/articles/nope.html", "/deep/er/nope.html"):
        body = respond(dev, target).body
        assert b"example.org" not in body, target
    home = respond(dev, "/index.html").body
    assert b'class="draft-mark"' in home and b"The plan" in home
    missing = respond(dev, "/deep/er/nope.html")
    assert missing.status == 404 and b'href="/static/style.css"' in missing.body
    # a published build of the same site has neither the draft nor local-only links
    assert cli("build", "--site", site).exit_code == 0
    assert b"The plan" not in (site / "output" / "index.html").read_bytes()
    assert b"https://example.org/news/" in (site / "output" / "404.html").read_bytes()


def test_editor_temp_and_swap_files_are_ignored():
    from site_builder.devserver.watcher import is_editor_junk

    for name in (".a.md.swp", ".a.md.swo", ".a.md.swn", "a.md~", ".#a.md", "4913", "#a.md#",
                 "a.md.kate-swp", "a.md___jb_tmp___", "a.md___jb_old___", ".goutputstream-X1"):
        assert is_editor_junk(name), name
    for name in ("a.md", "swap.md", "notes.txt", "x.swift"):
        assert not is_editor_junk(name), name


# -- build output ----------------------------------------------------------------------------
def test_build_says_one_line_with_plurals_and_a_hint_after_the_first_build(tmp_path):
    site = new_site(tmp_path)
    first = cli("build", "--site", site)
    lines = first.output.strip().splitlines()
    assert len(lines) == 2, first.output
    assert re.fullmatch(rf"built 1 article into \d+ pages in {re.escape(str(site / 'output'))}/ "
                        r"\(\d+ files written\) in \d+\.\d\d s", lines[0]), lines[0]
    assert f"open {site / 'output' / 'index.html'}" in lines[1] and "site-builder serve" in lines[1]
    again = cli("build", "--site", site)
    assert again.output.strip().splitlines() == [again.output.strip()]  # no hint the second time
    assert "(nothing changed)" in again.output
    (site / "content" / "articles" / "welcome.md").write_text("---\ntitle: Hello\ndate: 2025-01-01\n---\nHi.\n",
                                                               encoding="utf-8")
    verbose = cli("build", "--site", site, "-v")
    assert "wrote articles/welcome.html" in verbose.output and "wrote index.html" in verbose.output
    quiet = cli("build", "--site", site, "-q", "--theme", "broadsheet")
    assert quiet.exit_code == 0 and quiet.output == ""


def test_plural():
    from site_builder.build_output import plural

    assert [plural(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]


def test_progress_bar_on_a_terminal_only(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    site = new_site(tmp_path)
    main_fd, term = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site)],
                          stdout=subprocess.PIPE, stderr=term, text=True, timeout=120)
    os.close(term)
    shown = b""
    try:
        while chunk := os.read(main_fd, 65536):
            shown += chunk
    except OSError:
        pass
    os.close(main_fd)
    assert proc.returncode == 0
    assert b"pages" in shown and b"100%" in shown  # the bar, drawn on the terminal
    assert "built 1 article" in proc.stdout and "100%" not in proc.stdout


def test_version_and_build_py_help_answer_without_building(tmp_path):
    import shutil
    import subprocess
    import sys

    from site_builder import __version__

    assert cli("--version").output.strip() == f"site-builder, version {__version__}"
    repo = tmp_path / "repo"
    (repo / "content" / "raw").mkdir(parents=True)
    (repo / "content" / "raw" / "note.txt").write_text(RAW_NOTE, encoding="utf-8")
    shutil.copy(REPO / "build.py", repo / "build.py")
    shown = subprocess.run([sys.executable, "build.py", "--help"], capture_output=True, text=True, cwd=repo)
    assert shown.returncode == 0 and shown.stdout.startswith("Usage: python build.py [OPTIONS]")
    assert "--strict" in shown.stdout and "--drafts" in shown.stdout
    assert not (repo / "content" / "articles").exists() and not (repo / "output").exists()


def test_serve_logs_one_line_per_build_and_the_warnings(tmp_path):
    from conftest import write_article
    from site_builder.devserver.preview import PREVIEW_OVERRIDES
    from site_builder.devserver.state import DevSite

    site = new_site(tmp_path)
    note = write_article(site, "note.md", "title: Note\ndate: 2025-01-01", "See [gone](gone.md).\n")
    logged: list[str] = []
    dev = DevSite(site, overrides=PREVIEW_OVERRIDES, log=logged.append)
    assert dev.rebuild(None)
    assert [line.split(" ")[0] for line in logged] == ["built", "warning:"]
    assert "link to a missing article 'gone.md'" in logged[1] and "note.md:5" in logged[1]
    logged.clear()
    note.write_text("---\ntitle: Note\ndate: 2025-01-01\n---\nFine now.\n", encoding="utf-8")
    assert dev.rebuild({note})
    assert len(logged) == 1 and logged[0].startswith("rebuilt in ")
