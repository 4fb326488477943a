"""A dev server's edit in place: the watcher names the changed files, only those are read, and
the output is a cold build's, byte for byte. What the watcher cannot vouch for loads it all."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import generated_archive, tree_bytes, write_article
from site_builder.build.cache import BuildCache
from site_builder.build.pipeline import build_site
from site_builder.config import load_config
from site_builder.content.loader import load_articles
from site_builder.devserver.state import DevSite


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return generated_archive(tmp_path / "site")


@pytest.fixture
def loads(monkeypatch) -> list[int]:
    """How many full loads the builds made (a list, to be cleared between steps)."""
    import site_builder.build.rebuild as rebuild_module
    made: list[int] = []
    monkeypatch.setattr(rebuild_module, "load_articles", lambda *a, **k: made.append(1) or load_articles(*a, **k))
    return made


def cold(site: Path, tmp: Path) -> dict[str, bytes]:
    out = tmp / f"cold{len(list(tmp.glob('cold*')))}"
    build_site(load_config(site, out), use_cache=False)
    return tree_bytes(out)


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_edits_in_place_read_only_the_edited_files_and_match_a_cold_build(site: Path, tmp_path: Path, loads):
    arts = site / "content" / "articles"
    names = sorted(p.name for p in arts.glob("article-*.md"))
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None) and loads == [1]
    dev.flush_cache()  # what the server does at once after a full index (the edits' search updates read it)
    steps = [
        ("body", lambda: {edit(arts / names[7], "\n\n", "\n\nA new first paragraph about Brindlemarsh.\n\n")}),
        ("title", lambda: {edit(arts / names[-1], "\ntitle: ", "\ntitle: Breaking ")}),
        ("the same file again, before the cache is written", lambda: {edit(arts / names[-1], "Breaking", "Later")}),
        ("two at once, one a Vietnamese body", lambda: {edit(arts / "toi-pham.md", "tăng mạnh", "tang manh, tội ác"),
                                                         edit(arts / names[30], "\n\n", "\n\nSee [x](nowhere.md).\n\n")}),
        ("undone", lambda: {edit(arts / "toi-pham.md", "tang manh, tội ác", "tăng mạnh")}),
    ]
    for what, change in steps:
        loads.clear()
        assert dev.rebuild(change()), (what, dev.problems)
        assert loads == [], what
        assert dev.last_report.search == "updated" and dev.last_report.changed, what
        assert tree_bytes(site / "output") == cold(site, tmp_path), what
    assert any("nowhere.md" in str(w) for w in dev.last_report.warnings)
    dev.close()  # the cache written: every article and body the edits made is in it
    cache = BuildCache(load_config(site).cache_dir)
    for article in load_articles(arts):
        assert cache.article_json(article.digest) is not None and cache.body(article.digest) == article.body


@pytest.mark.parametrize("what", ["added", "removed", "renamed", "re-dated", "new slug", "folder", "touched"])
def test_what_the_watcher_cannot_vouch_for_loads_every_article(site: Path, tmp_path: Path, loads, what: str):
    arts = site / "content" / "articles"
    target = sorted(arts.glob("article-*.md"))[9]
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None)
    if what == "added":
        changed = {write_article(site, "new.md", "title: Kestrelford floods\ndate: 2020-02-02", "Floods.\n")}
    elif what == "removed":
        target.unlink()
        changed = {target}
    elif what == "renamed":
        changed = {target, target.rename(arts / "renamed.md")}
    elif what == "re-dated":
        changed = {edit(target, "\ndate: 20", "\ndate: 19")}
    elif what == "new slug":
        changed = {edit(target, "\ntitle: ", "\nslug: quite-another-slug\ntitle: ")}
    elif what == "folder":  # what the watcher reports when the kernel dropped events
        edit(target, "\ntitle: ", "\ntitle: Lost event ")
        changed = {site / "content"}
    else:
        target.write_bytes(target.read_bytes())
        changed = {target}
    loads.clear()
    assert dev.rebuild(changed), dev.problems
    assert loads == [1]
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def test_a_failed_builds_edits_are_not_forgotten_by_the_next_edit_in_place(site: Path, tmp_path: Path, loads):
    """One file edited and another broken in the same save: the build fails. Mending the broken
    one alone must still publish the first edit."""
    arts = site / "content" / "articles"
    good, bad = sorted(arts.glob("article-*.md"))[4:6]
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None)
    original = bad.read_text(encoding="utf-8")
    edit(good, "\ntitle: ", "\ntitle: Kept ")
    bad.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    assert not dev.rebuild({good, bad})
    bad.write_text(original, encoding="utf-8")
    loads.clear()
    assert dev.rebuild({bad}) and loads == []
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def test_an_overflow_of_the_watchers_queue_reports_the_watched_folders(tmp_path: Path):
    """watchdog only logs that the kernel dropped events; the watcher must then not vouch for
    the paths it saw (a folder is no article: the build looks at every file)."""
    import logging
    import threading
    from site_builder.devserver.watcher import Watcher
    folder = tmp_path / "content"
    folder.mkdir()
    batches: list[set[Path]] = []
    done = threading.Event()
    watcher = Watcher([folder], [], lambda batch: batches.append(batch) or done.set(), quiet=0.01).start()
    try:
        logging.getLogger("watchdog.observers.inotify_c").warning("Inotify queue overflowed; filesystem events were lost")
        assert done.wait(5)
    finally:
        watcher.stop()
    assert batches == [{folder.resolve()}]


def test_an_edit_right_after_a_cold_start_updates_the_index_in_place(site: Path, tmp_path: Path, monkeypatch):
    """A cold start's cache (the articles' bodies) is written before the server takes an edit:
    an edit in the seconds a background write took found no previous text of the edited
    article and indexed everything again."""
    monkeypatch.setattr(DevSite, "_schedule_flush", lambda self, delay=0: None)  # a write later: not yet done
    arts = site / "content" / "articles"
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None) and dev.last_report.search == "rebuilt"
    path = edit(arts / sorted(p.name for p in arts.glob("article-*.md"))[11], "\ntitle: ", "\ntitle: At once ")
    assert dev.rebuild({path})
    assert dev.last_report.search == "updated"
    dev.close()
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def _settled(dev: DevSite) -> None:
    """Wait for the snapshot the server takes between builds (DevSite._settle)."""
    deadline = time.monotonic() + 10
    while dev._cache.state.out_dirs is None:
        assert time.monotonic() < deadline, "no snapshot of the output after the build"
        time.sleep(0.02)


def test_a_settled_output_is_trusted_by_its_folders_and_a_dropped_file_still_goes(site: Path, tmp_path: Path,
                                                                                  monkeypatch):
    """Between builds the server takes a snapshot of the output's folders once they have
    settled: the next edit trusts the output by it (no listing of the search files, no sweep of
    the spare's folders). A file dropped into the output moves its folder: looked at, swept."""
    import site_builder.build.render_stage as render_stage
    from site_builder.build import spare
    listed, swept = [], []
    real_present, real_sweep = render_stage.files_present, spare.sweep
    monkeypatch.setattr(render_stage, "files_present", lambda *a: listed.append(1) or real_present(*a))
    monkeypatch.setattr(spare, "sweep", lambda root, folder, *a: swept.append(folder) or real_sweep(root, folder, *a))
    monkeypatch.setattr(spare, "FEW", 0)
    arts = site / "content" / "articles"
    names = sorted(p.name for p in arts.glob("article-*.md"))
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None)
    for step in range(4):
        _settled(dev)
        if step == 1:
            (site / "output" / "archive" / "dropped.html").write_bytes(b"by hand")
        listed.clear(), swept.clear()
        assert dev.rebuild({edit(arts / names[step * 5], "\ntitle: ", f"\ntitle: Step {step} ")}), dev.problems
        assert dev.last_report.search == "updated"
        if step == 1:
            assert listed == [1], "a folder moved: the output is not trusted by its folders"
        elif step == 2:  # the tree with the dropped file is the spare now, its folders unvouched
            assert listed == [] and "archive" in swept
        else:
            assert listed == [] and set(swept) <= {""}, step  # the root: the spare's record is written there
        assert tree_bytes(site / "output") == cold(site, tmp_path), step
    dev.close()


def test_the_output_settles_after_a_warm_up_that_outlasts_the_settle_timer(site: Path, monkeypatch):
    """The warm-up after the first build holds the build lock; the snapshot that comes meanwhile
    waits for it instead of being dropped (else the first edit listed every search file)."""
    real_warm_up = DevSite._warm_up

    def slow_warm_up(self):
        with self._building:
            time.sleep(0.6)  # several times SETTLE_AFTER
        real_warm_up(self)

    monkeypatch.setattr(DevSite, "_warm_up", slow_warm_up)
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None)
    _settled(dev)
    dev.close()


@pytest.mark.parametrize("start", ["cold", "on a built site"])
def test_the_first_edit_starts_from_the_list_the_plans_keep_held_in_memory(site: Path, tmp_path: Path, loads,
                                                                           monkeypatch, start: str):
    """After the server's first build (a full one, or one that found a CLI build's output current)
    its first edit starts from the published list in memory, as later edits do, not from 50,000
    rows read back from the plan store; the list is the store's."""
    from site_builder.build.plans import PlanStore
    from site_builder.content.archive import ArchiveRow
    if start == "on a built site":
        build_site(load_config(site))
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None) and (dev.last_report.rendered == 0) == (start == "on a built site")
    remembered = dev._cache.published_list
    store = PlanStore(load_config(site).cache_dir)
    assert remembered is not None and remembered.rows == [ArchiveRow(*row) for row in store.archive()]
    assert remembered.token == store.meta()["token"] and len(remembered.rows) > 30
    store.close()
    assert dev.rebuild(None) and dev._cache.published_list is remembered  # nothing to do: not made again
    monkeypatch.setattr(PlanStore, "archive", lambda self: pytest.fail("the list was read back from the store"))
    arts = site / "content" / "articles"
    loads.clear()
    assert dev.rebuild({edit(arts / sorted(p.name for p in arts.glob("article-*.md"))[3], "\ntitle: ", "\ntitle: First ")})
    assert loads == [] and dev.last_report.search == "updated", dev.problems
    dev.close()
    assert tree_bytes(site / "output") == cold(site, tmp_path)


def test_a_large_builds_writes_are_flushed_in_the_background_and_edits_do_not_wait(site: Path, tmp_path: Path,
                                                                                    monkeypatch):
    """After a build that wrote a lot the server has the kernel write it to disk at once, in a
    thread of its own: an edit meanwhile goes on without waiting for it. A small build does not."""
    import os
    import threading

    import site_builder.devserver.state as state
    flushing, done = threading.Event(), threading.Event()

    def slow_sync() -> None:
        flushing.set()
        done.wait(30)

    monkeypatch.setattr(os, "sync", slow_sync, raising=False)
    write_article(tmp_path / "small", "one.md", "title: One\ndate: 2025-01-02")
    write_article(tmp_path / "small", "two.md", "title: Two\ndate: 2025-01-03")
    small = DevSite(tmp_path / "small", log=lambda m: None)
    assert small.rebuild(None) and 0 < len(small.last_report.changed) < state.WRITE_BACK_MIN
    assert not flushing.wait(0.5), "a small build's writes were flushed"
    small.close()
    monkeypatch.setattr(state, "WRITE_BACK_MIN", 1)
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None)
    assert flushing.wait(10), "a large build's writes were not flushed"
    arts = site / "content" / "articles"
    started = time.monotonic()
    assert dev.rebuild({edit(arts / sorted(p.name for p in arts.glob("article-*.md"))[2], "\ntitle: ", "\ntitle: Now ")})
    assert time.monotonic() - started < 20 and not done.is_set(), "the edit waited for the flush"
    done.set()
    dev.close()
