"""A build with nothing to do: it reads neither an article nor an output record once a no-op has
vouched for the output's folders, and still notices any file removed, added or renamed there."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import tree_bytes, write_article
from site_builder.build import state_store, unchanged
from site_builder.build.pipeline import build_site
from site_builder.config import load_config


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for i in range(6):
        write_article(site, f"a{i}.md", f"title: Story {i}\ndate: 2025-03-0{i + 1}\ntags: [t{i % 2}]",
                      f"Body of story {i}.\n")
    return site


def build(site: Path):
    return build_site(load_config(site))


def settled(site: Path):
    """Build until a no-op has recorded the output's folders (they must be older than the
    racy window first)."""
    time.sleep(0.15)  # the articles were just written: older than the racy window, their stat vouches
    build(site)
    time.sleep(0.15)
    report = build(site)  # checks every output file, then records the folders
    assert report.rendered == 0 and not report.changed
    return report


def record_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = state_store.load_state
    monkeypatch.setattr("site_builder.build.cache.load_state",
                        lambda root, w: reads.append("records") or real(root, w))
    return reads


def test_a_settled_no_op_reads_no_output_record(site: Path, monkeypatch):
    first = settled(site)
    reads = record_reads(monkeypatch)
    report = build(site)
    assert reads == [] and report.rendered == 0 and not report.changed
    assert (report.articles, report.pages, report.files) == (first.articles, first.pages, first.files)


@pytest.mark.parametrize("harm", ["delete a page", "delete a folder", "drop a file", "rename a page"])
def test_a_changed_output_folder_is_noticed_and_the_output_mended(site: Path, tmp_path: Path, harm: str):
    settled(site)
    good = tree_bytes(site / "output")
    out = site / "output"
    page = out / "articles" / "a3.html"
    if harm == "delete a page":
        page.unlink()
    elif harm == "delete a folder":
        for f in (out / "tags").rglob("*"):
            if f.is_file():
                f.unlink()
        for d in sorted((out / "tags").rglob("*"), reverse=True):
            d.rmdir()
        (out / "tags").rmdir()
    elif harm == "drop a file":
        (out / "articles" / "mine.html").write_text("by hand", encoding="utf-8")
    else:
        page.rename(out / "articles" / "renamed.html")
    report = build(site)
    if harm != "drop a file":
        assert "articles/a3.html" in report.changed or harm == "delete a folder"
    if harm == "delete a folder":
        assert any(p.startswith("tags/") for p in report.changed)
    if harm == "drop a file":  # a file nobody recorded is left alone by a build with nothing to do
        assert (out / "articles" / "mine.html").read_text(encoding="utf-8") == "by hand"
        (out / "articles" / "mine.html").unlink()
    assert tree_bytes(out) == good


def test_another_output_tree_in_its_place_is_checked_file_by_file(site: Path):
    settled(site)
    out = site / "output"
    copy = site / "copy"
    os.rename(out, copy)
    copy.rename(out)  # the same folder: still trusted
    assert unchanged.out_dirs_unchanged(out, state_store.load_summary(load_config(site).cache_dir).out_dirs)
    import shutil
    shutil.copytree(out, site / "other", copy_function=shutil.copy2)
    shutil.rmtree(out)
    (site / "other").rename(out)
    (out / "index.html").write_bytes(b"changed")  # same folder mtimes would not show this
    summary = state_store.load_summary(load_config(site).cache_dir)
    assert not unchanged.out_dirs_unchanged(out, summary.out_dirs)
    build(site)
    assert (out / "index.html").read_bytes() != b"changed"


def test_folders_changed_just_before_they_were_recorded_are_not_trusted(site: Path, monkeypatch):
    build(site)
    report = build(site)  # right after the build: its folders may be too new to vouch for anything
    snap = state_store.load_summary(load_config(site).cache_dir).out_dirs
    assert report.rendered == 0
    if snap is not None and unchanged.out_dirs_unchanged(site / "output", snap):  # a slow machine's second build
        assert all(mtime < snap.stamp - unchanged.spare.RACY_NS for mtime in snap.dirs.values())


def test_an_edit_after_a_settled_no_op_is_built(site: Path):
    settled(site)
    path = site / "content" / "articles" / "a2.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Story 2", "Story two"), encoding="utf-8")
    report = build(site)
    assert report.rendered > 0 and "Story two" in (site / "output" / "articles" / "a2.html").read_text(encoding="utf-8")
    snap = state_store.load_summary(load_config(site).cache_dir).out_dirs
    assert snap is not None and snap.root == unchanged.spare.dir_id(site / "output")  # the new tree's folders
    # taken once the folders' times could vouch for them: the next build need not look at every output
    assert unchanged.out_dirs_unchanged(site / "output", snap)


def test_an_edit_build_also_remakes_an_output_removed_by_hand(site: Path, tmp_path: Path):
    """The edit path keeps the other outputs by name: it is taken only while the folders (or a
    stat of each output) show they are all there."""
    settled(site)
    (site / "output" / "articles" / "a4.html").unlink()
    path = site / "content" / "articles" / "a1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Body of story 1", "Body of story one"), encoding="utf-8")
    build(site)
    cold = tmp_path / "cold"
    build_site(load_config(site, cold), use_cache=False)
    assert tree_bytes(site / "output") == tree_bytes(cold)
