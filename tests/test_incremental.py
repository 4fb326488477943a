"""Rebuilds with the cache: each kind of edit gives exactly the files a cold build gives, and the
search index is updated in place when the edit allows it."""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from conftest import generated_archive, tree_bytes, write_article
from corpus import generate
from site_builder.config import load_config
from site_builder.build.pipeline import build_site


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return generated_archive(tmp_path / "site")


def rebuild(site: Path):
    return build_site(load_config(site))


def cold(site: Path, tmp: Path) -> dict[str, bytes]:
    out = tmp / f"cold{len(list(tmp.glob('cold*')))}"
    build_site(load_config(site, out), use_cache=False)
    return tree_bytes(out)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_every_kind_of_edit_matches_a_cold_build(corpus: Path, tmp_path: Path):
    arts = corpus / "content" / "articles"
    first = sorted(arts.glob("article-*.md"))[3]
    assert rebuild(corpus).search == "rebuilt"
    assert rebuild(corpus).search == "reused"

    steps = [
        ("title word", lambda: edit(first, "\ntitle: ", "\ntitle: Breaking "), "updated"),
        ("body words and accents", lambda: edit(arts / "toi-pham.md", "tăng mạnh", "tang manh, tội ác mới"), "updated"),
        ("tags", lambda: edit(arts / "toi-pham.md", "tags: [an ninh]", "tags: [an ninh, hình sự]"), "updated"),
        ("date moves it", lambda: edit(arts / "toi-pham.md", "date: 2025-06-01", "date: 2019-01-01"), "rebuilt"),
        ("new article further back", lambda: write_article(corpus, "new.md", "title: Kestrelford floods\n"
                                                          "date: 2020-02-02", "Floods in Kestrelford.\n"), "rebuilt"),
        ("deleted", lambda: (arts / "new.md").unlink(), "rebuilt"),
        # a new latest article is appended to the index (bodies of typical length, so that the
        # rounded average length stays put; when it moves, a full build is right too)
        ("new latest article", lambda: write_article(corpus, "latest.md", "title: Brindlemarsh opens a bridge\n"
                                                     "date: 2031-05-05", typical_body()), "updated"),
        ("another latest article", lambda: write_article(corpus, "later.md", "title: Brindlemarsh bridge busy\n"
                                                         "date: 2031-06-06", typical_body()), "updated"),
    ]
    def typical_body() -> str:
        return sorted(arts.glob("article-*.md"))[60].read_text(encoding="utf-8").split("\n---\n", 1)[1]

    for what, change, expected in steps:
        change()
        report = rebuild(corpus)
        assert report.search == expected, what
        assert tree_bytes(corpus / "output") == cold(corpus, tmp_path), what

    # the edited title and the appended articles reached the search index in place
    vocab = (corpus / "output" / "search" / "v" / "br.js").read_text(encoding="utf-8")
    # ("Breaking" is indexed by its stem)
    assert re.search(r'"t":"[^"]*\bbreak\b', vocab) and re.search(r'"t":"[^"]*\bbrindlemarsh\b', vocab)


def test_noop_rebuild_writes_nothing_and_skips_planning(corpus: Path):
    rebuild(corpus)
    report = rebuild(corpus)
    assert report.changed == () and report.rendered == 0 and report.search == "reused"


def test_noop_rebuild_reads_no_article_when_their_stat_is_as_the_last_build_saw_it(corpus: Path, monkeypatch):
    import site_builder.build.rebuild as rebuild_module
    rebuild(corpus)
    time.sleep(0.05)  # past the racy window: files changed just before a build are read again
    rebuild(corpus)   # this one records stats it can trust
    monkeypatch.setattr(rebuild_module, "load_articles", lambda *a, **k: pytest.fail("articles were read"))
    report = rebuild(corpus)
    assert report.changed == () and report.articles == 121


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(corpus: Path, tmp_path: Path):
    rebuild(corpus)
    time.sleep(0.05)
    rebuild(corpus)
    path = corpus / "content" / "articles" / "toi-pham.md"
    st = path.stat()
    edit(path, "tăng mạnh", "TĂNG MẠNH")  # same length in bytes
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # mtime put back: ctime still moves
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    report = rebuild(corpus)
    assert "articles/toi-pham.html" in report.changed
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)


def test_stat_snapshot_distrusts_files_changed_just_before_it_was_taken():
    from site_builder.build.file_records import stat_signature
    from site_builder.build.state_store import StateSummary
    from site_builder.build.unchanged import files_unchanged
    at = 1_700_000_000_123_456_789

    def unchanged(old: dict, now: dict) -> bool:
        summary = StateSummary("", "", "", 0, 0, 1, stat_signature(old["stat"]), old["at"], None)
        return files_unchanged(summary, now)
    old = {"at": at, "stat": {"a.md": [10, at - 5_000_000_000, at - 5_000_000_000, 7, False]}}
    assert unchanged(old, {"a.md": [10, at - 5_000_000_000, at - 5_000_000_000, 7, False]})
    assert not unchanged(old, {"a.md": [11, at - 5_000_000_000, at - 5_000_000_000, 7, False]})
    assert not unchanged(old, {"a.md": [10, at - 5_000_000_000, at - 5_000_000_000, 7, False], "b.md": [1, 0, 0, 8, False]})
    racy = {"at": at, "stat": {"a.md": [10, at - 1_000_000, at - 1_000_000, 7, False]}}
    assert not unchanged(racy, racy["stat"])  # changed 1 ms before the look
    whole_second = at - at % 1_000_000_000 - 1_000_000_000  # a FAT-like time, 1.1 s before
    coarse = {"at": at, "stat": {"a.md": [10, whole_second, whole_second, 7, False]}}
    assert not unchanged(coarse, coarse["stat"])


def test_a_symbolic_link_is_judged_by_its_target(tmp_path: Path):
    """stat_key looks at a link's target (one lstat, then a stat): re-pointing the link at
    another file of the same size and time must change the key."""
    from site_builder.content.files import stat_key
    a, b, link = tmp_path / "a.md", tmp_path / "b.md", tmp_path / "link.md"
    a.write_text("same size")
    b.write_text("same size")
    os.utime(b, ns=(a.stat().st_atime_ns, a.stat().st_mtime_ns))
    link.symlink_to(a)
    before = stat_key(str(link))
    assert before[4] is True and before[3] == a.stat().st_ino and before[0] == a.stat().st_size
    link.unlink()
    link.symlink_to(b)
    assert stat_key(str(link)) != before
    assert stat_key(str(a)) == (a.stat().st_size, a.stat().st_mtime_ns, a.stat().st_ctime_ns, a.stat().st_ino, False)


def test_a_damaged_index_file_is_rebuilt_not_patched(corpus: Path, tmp_path: Path):
    rebuild(corpus)
    manifest = corpus / "output" / "search" / "manifest.js"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "// tampered\n", encoding="utf-8")
    edit(corpus / "content" / "articles" / "toi-pham.md", "title: \"", "title: \"Mới: ")
    assert rebuild(corpus).search == "rebuilt"
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)


def test_a_deleted_index_file_the_edit_does_not_touch_comes_back(corpus: Path, tmp_path: Path):
    """An in-place search update writes only the files an edit changes and keeps the others as
    recorded, so it must first see that they are all still there."""
    rebuild(corpus)
    search = corpus / "output" / "search"
    (search / "facets.js").unlink()
    postings = sorted((search / "p").iterdir())
    postings[len(postings) // 2].unlink()
    edit(sorted((corpus / "content" / "articles").glob("article-*.md"))[3], "\ntitle: ", "\ntitle: Breaking ")
    assert rebuild(corpus).search == "rebuilt"  # the same edit is "updated" when nothing is missing
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)


def test_a_dev_server_after_a_command_line_build_updates_an_edited_article(corpus: Path, tmp_path: Path):
    """serve started on a site the command line built (cache and stat snapshot on disk): an edit
    of an article whose text no build has needed yet still updates in place, like a cold build."""
    from site_builder.build.cache import BuildCache
    rebuild(corpus)
    time.sleep(0.05)
    rebuild(corpus)
    config = load_config(corpus)
    cache = BuildCache(config.cache_dir, write_behind=True)
    first = sorted((corpus / "content" / "articles").glob("article-*.md"))[5]
    edit(first, "\ntitle: ", "\ntitle: Breaking ")  # so that the server's first build has work to do
    build_site(config, cache=cache)
    unread = [a for a in cache._bodies_now.values() if not isinstance(a.__dict__["_body"], str)]
    target = (unread[len(unread) // 2].source_path if unread
              else corpus / "content" / "articles" / "toi-pham.md")
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\n---\n", "\n---\nA new first line about Brindlemarsh.\n\n", 1),
                      encoding="utf-8")
    report = build_site(config, cache=cache, changed={target})
    assert report.search == "updated" and f"articles/{target.stem}.html" in report.changed
    cache.flush()
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)


def test_a_full_build_writes_the_article_cache_beside_the_pages(tmp_path: Path):
    """From PARALLEL_MIN articles a full build writes the article and body shards in a forked
    process while it renders; the cache must hold every article all the same."""
    from site_builder.build.cache import BuildCache
    from site_builder.content.loader import load_articles
    from site_builder.parallel import PARALLEL_MIN
    site = tmp_path / "site"
    generate(PARALLEL_MIN + 20, site / "content" / "articles")
    config = load_config(site, jobs=2)
    build_site(config)
    cache = BuildCache(config.cache_dir)
    articles = load_articles(config.articles_dir)
    assert len(articles) == PARALLEL_MIN + 20
    assert set(cache.articles) == {a.digest for a in articles}
    assert all(cache.body(a.digest) == a.body for a in articles)


def test_body_shards_give_back_what_they_kept_and_nothing_when_damaged(tmp_path: Path):
    """A body shard keeps an article file's bytes (the body is cut out when asked for) or a body
    itself; a shard cut short gives nothing back (an edit of its articles then indexes in full)."""
    from site_builder.build import cache as cache_module
    from site_builder.build.cache import BuildCache
    from site_builder.content.front_matter import body_of
    root = tmp_path / "cache"
    path = cache_module._body_path(root, "ab")
    text = "\ufeff---\ntitle: Tết\n---\nThe body, é.\n"
    cache_module._write_bodies(path, {"ab1": (text.encode("utf-8"), True), "ab2": ("Kept ✓\n".encode(), False)})
    cache = BuildCache(root)
    assert cache.body("ab1") == body_of(text.lstrip("\ufeff")) and "The body, é." in cache.body("ab1")
    assert cache.body("ab2") == "Kept ✓\n" and cache.body("ab3") is None
    path.write_bytes(path.read_bytes()[:-2])
    assert BuildCache(root).body("ab1") is None and BuildCache(root).body("ab2") is None


def _steady(site: Path) -> None:
    """Two builds and a pause: the second records stats the next one can trust."""
    rebuild(site)
    time.sleep(0.05)
    rebuild(site)


def test_an_edit_in_place_loads_no_other_article_and_matches_a_cold_build(corpus: Path, tmp_path: Path, monkeypatch):
    import site_builder.build.archive as archive_module
    import site_builder.build.rebuild as rebuild_module
    from site_builder.build.search_store import SearchStore
    from site_builder.build.state_store import StoredRows
    from site_builder.content.archive import LazyArticles
    from site_builder.content.loader import load_articles
    arts = corpus / "content" / "articles"
    listed = load_articles(arts)
    oldest = [a.source_path.name for a in listed if [b.lang for b in listed].count(a.lang) > 50
              and [b for b in listed if b.lang == a.lang].index(a) >= 50][-2:]  # in no feed: they show the latest 50
    assert len(oldest) == 2
    latest = listed[0].source_path.name  # in the feeds: remade from their plans
    _steady(corpus)
    for i in (5, 6):  # the first edit links a fresh tree (every output named), the second sweeps the
        # tree the first replaced (its spare, not yet recorded); from the third on an edit is steady
        edit(arts / listed[i].source_path.name, "\n\n", "\n\nA warm-up edit.\n\n")
        rebuild(corpus)
        time.sleep(0.15)
        rebuild(corpus)  # records the output's folders (see below)
    made = []  # the articles an edit made from the cache: those its pages list and search rescored
    real_maker = archive_module._maker
    monkeypatch.setattr(archive_module, "_maker", lambda *a: (lambda row: made.append(row) or real_maker(*a)(row)))
    monkeypatch.setattr(LazyArticles, "__iter__", lambda self: pytest.fail("the whole list was read"))
    for name, old, new in [(oldest[0], "\n\n", "\n\nA new first paragraph.\n\n"),   # body
                           (latest, "\ntitle: ", "\ntitle: Breaking "),                  # title
                           (oldest[1], "\n\n", "\n\nSee [this](missing.md).\n\n")]:   # a broken .md link
        edit(arts / name, old, new)
        made.clear()
        with monkeypatch.context() as m:
            m.setattr(rebuild_module, "load_articles", lambda *a, **k: pytest.fail("every article was loaded"))
            m.setattr(StoredRows, "whole", lambda self: pytest.fail(f"every row of {self._table} was read"))
            m.setattr(SearchStore, "docs", lambda self: pytest.fail("every search document's digest was read"))
            report = rebuild(corpus)
        assert report.search == "updated" and report.rendered >= 1, name
        assert made, name
        assert tree_bytes(corpus / "output") == cold(corpus, tmp_path), name
        # the folders this small site's build wrote are too fresh for their times to vouch for
        # its outputs (spare.folder_moved: 0.1 s): a build with nothing to do looks and records them
        time.sleep(0.15)
        assert rebuild(corpus).rendered == 0
    assert any("missing.md" in str(w) for w in report.warnings)
    monkeypatch.undo()
    # the records the edits wrote, row by row, are those a full plan of the same articles writes
    edited = _records_on_disk(corpus)
    (corpus / ".site-builder-cache" / "plans.sqlite").unlink()
    assert rebuild(corpus).rendered == 0
    assert _records_on_disk(corpus) == edited


def _records_on_disk(site: Path) -> tuple[dict, dict, int]:
    from site_builder.build.state_store import load_state
    state = load_state(site / ".site-builder-cache", [])
    return dict(state.pages), dict(state.related["slugs"]), state.published


def test_an_edit_that_moves_an_article_still_loads_them_all(corpus: Path, tmp_path: Path):
    _steady(corpus)
    edit(corpus / "content" / "articles" / "toi-pham.md", "date: 2025-06-01", "date: 2019-01-01")
    report = rebuild(corpus)
    assert report.search == "rebuilt"
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)


def test_warnings_of_files_not_edited_are_kept_by_an_edit(corpus: Path):
    arts = corpus / "content" / "articles"
    write_article(corpus, "undated.md", "title: No date here", "Text.\n")
    write_article(corpus, "future.md", "title: Later\ndate: 2999-01-01", "See [x](nowhere.md).\n")
    _steady(corpus)
    before = sorted(map(str, rebuild(corpus).warnings))
    assert len(before) == 3
    edit(arts / "undated.md", "Text.", "Other text.")
    after = rebuild(corpus)
    assert after.search == "updated"
    assert sorted(map(str, after.warnings)) == before


def test_a_file_dropped_into_the_output_between_edits_is_gone_after_them(corpus: Path, tmp_path: Path):
    """An edit's spare record takes the live tree's folders as the last snapshot saw them, only if
    that snapshot still vouched for them: a file dropped in since must not survive in the spare."""
    arts = corpus / "content" / "articles"
    names = sorted(p.name for p in arts.glob("article-*.md"))
    _steady(corpus)
    for step, name in enumerate(names[10:15]):
        if step == 2:
            (corpus / "output" / "articles" / "dropped.html").write_bytes(b"by hand")
            time.sleep(0.15)  # its folder's time no longer too fresh to tell
        edit(arts / name, "\n\n", "\n\nEdited.\n\n")
        assert rebuild(corpus).rendered >= 1
        time.sleep(0.15)
        rebuild(corpus)  # nothing to do: records the output's folders, which the next edit trusts
        assert tree_bytes(corpus / "output") == cold(corpus, tmp_path), step
