"""An edit that moves no page plans only the pages that read the edited article (the plan
store's reverse map), and still gives exactly the files a cold build gives."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import generated_archive, tree_bytes, write_article
from test_incremental import cold, edit, rebuild
from site_builder.build.pipeline import build_site
from site_builder.build.plans import STORE_NAME
from site_builder.config import load_config


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = generated_archive(tmp_path / "site",
                             "Các vụ tội phạm mạng tăng mạnh ở Hà Nội. Xem [bài kia](article-000001.md).\n")
    build_site(load_config(site))
    return site


def articles(site: Path) -> list[Path]:
    return sorted((site / "content" / "articles").glob("article-*.md"))


@pytest.mark.parametrize("what, change", [
    ("title", lambda p: edit(p, "\ntitle: ", "\ntitle: Breaking ")),
    ("summary", lambda p: edit(p, "\nsummary: \"", "\nsummary: \"Update: ")),
    ("body", lambda p: p.write_text(p.read_text(encoding="utf-8") + "\nFloods reached Kestrelford.\n", encoding="utf-8")),
])
def test_an_edit_plans_only_its_readers_and_matches_a_cold_build(site: Path, tmp_path: Path, what, change):
    total = rebuild(site).pages
    change(articles(site)[40])
    report = rebuild(site)
    assert 0 < report.planned < total / 4, (what, report.planned, total)
    assert report.rendered >= 1
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def test_edits_one_after_another_keep_matching_a_cold_build(site: Path, tmp_path: Path):
    arts = articles(site)
    for i, path in enumerate([arts[5], arts[5], arts[90], arts[-1]]):
        edit(path, "\ntitle: ", f"\ntitle: Edit {i} ")
        report = rebuild(site)
        assert report.planned < report.pages
    # the newest article is in the feed: the feed changes too
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def test_the_newest_article_edited_remakes_the_feed(site: Path, tmp_path: Path):
    newest = max(articles(site), key=lambda p: p.read_text(encoding="utf-8").split("\ndate: ")[1][:10])
    feed_before = (site / "output" / "feed.xml").read_bytes()
    edit(newest, "\ntitle: ", "\ntitle: Newest ")
    assert rebuild(site).planned < 40
    assert (site / "output" / "feed.xml").read_bytes() != feed_before
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def test_a_changed_link_in_a_body_is_resolved_again(site: Path, tmp_path: Path):
    vi = site / "content" / "articles" / "toi-pham.md"
    edit(vi, "article-000001.md", "article-000002.md")
    assert rebuild(site).planned < 40
    page = (site / "output" / "articles" / "toi-pham.html").read_text(encoding="utf-8")
    assert 'href="article-000002.html"' in page
    assert tree_bytes(site / "output") == cold(site, tmp_path)


@pytest.mark.parametrize("what, change", [
    ("date", lambda p: edit(p, "\ndate: ", "\ndate: 2001-01-01\nold_date: ")),
    ("tags", lambda p: edit(p, "\ntags: [", "\ntags: [kestrelford, ")),
])
def test_an_edit_that_moves_pages_plans_everything(site: Path, tmp_path: Path, what, change):
    change(articles(site)[40])
    report = rebuild(site)
    assert report.planned == report.pages, what
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def test_a_new_article_plans_everything(site: Path, tmp_path: Path):
    write_article(site, "new.md", "title: Kestrelford floods\ndate: 2020-02-02", "Floods in Kestrelford.\n")
    report = rebuild(site)
    assert report.planned == report.pages
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def test_a_store_that_does_not_match_the_cache_is_not_trusted(site: Path, tmp_path: Path):
    """A build killed after writing its plans but before its cache leaves them disagreeing:
    an old store put back stands for that."""
    cache = site / ".site-builder-cache"
    shutil.copy(cache / STORE_NAME, tmp_path / "old-store")
    edit(articles(site)[7], "\ntitle: ", "\ntitle: First ")
    rebuild(site)
    shutil.copy(tmp_path / "old-store", cache / STORE_NAME)
    edit(articles(site)[8], "\ntitle: ", "\ntitle: Second ")
    report = rebuild(site)
    assert report.planned == report.pages
    assert tree_bytes(site / "output") == cold(site, tmp_path)


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_a_missing_or_damaged_store_plans_everything(site: Path, tmp_path: Path, damage):
    store = site / ".site-builder-cache" / STORE_NAME
    if damage == "missing":
        store.unlink()
    else:
        store.write_bytes(b"not a database" * 100)
    edit(articles(site)[11], "\ntitle: ", "\ntitle: Again ")
    report = rebuild(site)
    assert report.planned == report.pages
    assert tree_bytes(site / "output") == cold(site, tmp_path)
    edit(articles(site)[12], "\ntitle: ", "\ntitle: And again ")
    assert rebuild(site).planned < report.pages  # the store is whole again


@given(st.lists(st.text()))
def test_the_stores_text_lists_are_json_dumps(items):
    """The plan store writes slug and path lists as json.dumps would, without its calls."""
    import json

    from site_builder.build.plans import _text_list
    assert _text_list(items) == json.dumps(items)
    assert json.loads(_text_list(items)) == items
