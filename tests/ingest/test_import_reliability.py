"""Import on hostile or careless sites: tool state that points outside the site, articles that
are not UTF-8 or not files, lost state, interrupted imports, slugs taken by hand."""
import json
import os
import subprocess
import sys
from pathlib import Path

import frontmatter

from site_builder.ingest.importer import STATE_FILE, import_raw
from test_importer import EN, VI, articles, make_site

EN2 = ("Port city opens a new ferry terminal\n\n"
       "The city opened a ferry terminal on Tuesday that can handle two million passengers a year.\n\n"
       "Ferries will link the port with three islands, the operator said.\n")


def state(site: Path) -> dict:
    return json.loads((site / "content" / STATE_FILE).read_text(encoding="utf-8"))


def test_a_state_slug_outside_the_articles_folder_is_ignored_with_a_warning(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI, "b.txt": EN})
    (site / "content" / STATE_FILE).write_text(json.dumps({
        "content/raw/a.txt": {"slug": "../../escaped", "sha256": "x", "raw_sha256": "y"},
        "content/raw/b.txt": {"slug": "/tmp/abs-" + "x" * 300, "sha256": "x", "raw_sha256": "y"},
    }), encoding="utf-8")
    rep = import_raw(site)
    assert rep.ok and len(rep.warnings) == 2
    assert all(STATE_FILE in w and "ignored" in w for w in rep.warnings)
    assert not (tmp_path / "escaped.md").exists() and not list(tmp_path.glob("*.md"))
    written = sorted(p.name for p in (site / "content" / "articles").iterdir())
    assert written == ["province-opens-forty-classrooms.md", "tinh-khanh-thanh-40-phong-hoc-moi.md"]
    assert {e["slug"] for e in state(site).values()} == {Path(n).stem for n in written}


def test_the_cli_prints_the_warning_and_no_traceback(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI})
    (site / "content" / STATE_FILE).write_text(json.dumps(
        {"content/raw/a.txt": {"slug": "a" * 300}}), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "site_builder", "import", "--site", str(site)],
                         capture_output=True, text=True, env=os.environ)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and f"warning: {site / 'content' / STATE_FILE}:" in res.stderr


def test_an_article_that_is_not_utf8_is_reported_and_the_others_go_on(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI, "b.txt": EN})
    import_raw(site)
    bad = site / "content" / "articles" / "province-opens-forty-classrooms.md"
    bad.write_bytes(b"---\ntitle: caf\xe9\n---\nHand edit in Latin-1.\n")
    (site / "content" / "raw" / "a.txt").write_text(VI + "\nMột đoạn mới được thêm vào bài viết này.\n",
                                                    encoding="utf-8")
    (site / "content" / "raw" / "b.txt").write_text(EN + "\nA new paragraph was added to it.\n",
                                                    encoding="utf-8")
    rep = import_raw(site)
    assert [path for path, _ in rep.errors] == ["content/articles/province-opens-forty-classrooms.md"]
    assert "UTF-8" in rep.errors[0][1]
    assert rep.written == ("content/articles/tinh-khanh-thanh-40-phong-hoc-moi.md",)
    assert bad.read_bytes().startswith(b"---\ntitle: caf\xe9")  # never overwritten


def test_a_folder_where_an_article_should_be_is_reported_and_leaves_no_tmp(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI, "b.txt": EN})
    import_raw(site)
    target = site / "content" / "articles" / "province-opens-forty-classrooms.md"
    target.unlink()
    target.mkdir()
    for name, text in (("a.txt", VI), ("b.txt", EN)):
        (site / "content" / "raw" / name).write_text(text + "\nOne more sentence was added here.\n",
                                                     encoding="utf-8")
    rep = import_raw(site)
    assert rep.errors == (("content/articles/province-opens-forty-classrooms.md",
                           "is a folder (or not a regular file) where the article should be"),)
    assert rep.written == ("content/articles/tinh-khanh-thanh-40-phong-hoc-moi.md",)
    assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")]


def test_losing_the_state_or_an_interrupted_import_never_duplicates(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI, "b.txt": EN, "c.txt": EN2})
    import_raw(site)
    before = articles(site)
    (site / "content" / STATE_FILE).unlink()
    rep = import_raw(site)
    assert rep.ok and rep.written == () and articles(site) == before
    # interrupted: articles written, state not (or from an earlier run with fewer files)
    (site / "content" / STATE_FILE).write_text(json.dumps(
        {k: v for k, v in state(site).items() if k.endswith("a.txt")}), encoding="utf-8")
    import_raw(site)
    assert articles(site) == before
    assert not [n for n in before if n.endswith("-2.md")]


def test_a_slug_taken_by_a_hand_written_article_gets_the_next_free_suffix(tmp_path):
    site = make_site(tmp_path, {"b.txt": EN})
    hand = site / "content" / "articles"
    hand.mkdir(parents=True)
    (hand / "my-notes.md").write_text("---\ntitle: Notes\nslug: province-opens-forty-classrooms\n---\n"
                                      "Mine.\n", encoding="utf-8")
    (hand / "province-opens-forty-classrooms-2.md").write_text("---\ntitle: Other\n---\nMine too.\n",
                                                               encoding="utf-8")
    rep = import_raw(site)
    assert rep.written == ("content/articles/province-opens-forty-classrooms-3.md",)
    assert frontmatter.load(hand / "my-notes.md").content == "Mine."
