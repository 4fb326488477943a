"""The reliability issue's cases that are not about killing builds: each gives a clear
`path:line: message` or the behaviour a user expects, never a traceback or a leak."""
import pytest
from click.testing import CliRunner

from conftest import tree_bytes, write_article
from site_builder.cli import main


def build(site, *args):
    result = CliRunner().invoke(main, ["build", "--site", str(site), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def override(site, name, text):
    path = site / "themes" / "mine" / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    (site / "themes" / "mine" / "theme.toml").write_text('name = "mine"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("body,message", [
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ('{{ "a" + 1 }}', "TypeError"),
    ('{% include "partials/loop.html" %}', "includes or extends itself"),
])
def test_a_failing_template_is_named_with_its_line(site, body, message):
    assert build(site).exit_code == 0
    before = tree_bytes(site / "output")
    loop = override(site, "partials/loop.html", "line one\n" + body + "\n")
    page = override(site, "404.html", '{% extends "base.html" %}\n{% block content %}\n'
                                      '{% include "partials/loop.html" %}\n{% endblock %}\n')
    assert page.exists()
    result = build(site, "--theme", "mine")
    assert result.exit_code == 1, result.output
    assert f"{loop}:2: " in result.output and message in result.output
    assert "Traceback" not in result.output
    assert tree_bytes(site / "output") == before


def test_a_template_that_extends_itself_is_an_error_not_a_hang(site):
    page = override(site, "404.html", '{% extends "404.html" %}\n')
    result = build(site, "--theme", "mine")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert str(page) in result.output or "404.html" in result.output


def test_theme_toml_extends_must_be_a_string(site):
    (site / "themes" / "mine").mkdir(parents=True)
    toml = site / "themes" / "mine" / "theme.toml"
    toml.write_text('name = "mine"\nextends = 3\n', encoding="utf-8")
    result = build(site, "--theme", "mine")
    assert result.exit_code == 1 and f"{toml}:2: 'extends' must be a string" in result.output


def test_per_page_true_is_refused(site):
    (site / "site.toml").write_text("per_page = true\n", encoding="utf-8")
    result = build(site)
    assert result.exit_code == 1 and "'per_page' must be a positive integer" in result.output


def test_a_theme_static_symlink_to_an_outside_file_is_not_published(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("private\n", encoding="utf-8")
    static = site / "themes" / "mine" / "static"
    static.mkdir(parents=True)
    (site / "themes" / "mine" / "theme.toml").write_text('name = "mine"\n', encoding="utf-8")
    (static / "leak.txt").symlink_to(secret)
    (static / "own.css").write_text("body{}\n", encoding="utf-8")
    assert build(site, "--theme", "mine").exit_code == 0
    assert (site / "output" / "static" / "own.css").is_file()
    assert not (site / "output" / "static" / "leak.txt").exists()
    assert all(b"private" not in data for data in tree_bytes(site / "output").values())


def test_articles_folder_linked_from_outside_the_site_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    write_article(outside.parent / "x", "note.md", "title: Private note")
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "articles").symlink_to(outside.parent / "x" / "content" / "articles")
    result = build(site)
    assert result.exit_code == 2 and "outside the site" in result.output
    assert not (site / "output").exists()


def test_a_300_character_slug_or_a_40_part_lang_is_a_line_error(site):
    write_article(site, "long.md", "title: Long\nslug: " + "-".join(["abcd"] * 60))
    write_article(site, "langs.md", "title: Langs\nlang: en" + "-abcd" * 40)
    result = build(site)
    assert result.exit_code == 1, result.output
    assert "long.md:3: 'slug' is 299 characters long" in result.output
    assert "langs.md:3: 'lang' must be a language code" in result.output
    assert "Traceback" not in result.output


def test_a_very_long_file_name_gives_a_slug_that_fits(site):
    write_article(site, "x" * 240 + ".md", "title: Long name")
    result = build(site)
    assert result.exit_code == 0, result.output
    assert any(len(p.name) <= 125 for p in (site / "output" / "articles").glob("x*.html"))


def test_dev_server_ignores_a_malformed_since(site):
    from site_builder.devserver.state import DevSite

    dev = DevSite(site)
    for since in ("", "x", "a-²", "-", "zz-99999999999999999999", "\u0663-1"):
        assert dev._catch_up(since) is None or "reload" in dev._catch_up(since)
