"""The spare: the tree a commit replaced, kept beside the output and brought up to date by the
next build instead of linking every file again. Every state it can be found in must give the
output a cold build gives, and no live file may change before the swap."""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import generated_archive, tree_bytes, write_article
from site_builder import files
from site_builder.build import spare, writer
from site_builder.cli import main


def out_set(tree: dict[str, bytes], live: dict[str, bytes]) -> writer.OutputSet:
    """What the pipeline would claim: unchanged files kept, the others to be written."""
    out = writer.OutputSet()
    for path, data in sorted(tree.items()):
        if live.get(path) == data:
            out.keep(path, files.digest(data), "test", len(data))
        else:
            out.add(path, data, "test")
    return out


COMMITTED: dict[Path, dict[str, bytes]] = {}  # the pipeline's records: what the last commit wrote


def commit(out_dir: Path, tree: dict[str, bytes]) -> writer.StagedOutput:
    live = tree_bytes(out_dir) if out_dir.is_dir() else {}
    with writer.StagedOutput(out_dir) as staged:
        staged.commit(out_set(tree, live), COMMITTED.get(out_dir, live).keys())
    COMMITTED[out_dir] = tree
    wait_for_trash()
    assert tree_bytes(out_dir) == tree
    assert folders(out_dir) == spare.ancestors(tree) - {""}  # none left empty
    return staged


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def wait_for_trash() -> None:
    for thread in threading.enumerate():
        if thread.name == "site-builder-trash":
            thread.join()


def spare_of(out_dir: Path) -> Path:
    return out_dir.parent / f"{writer.SPARE_PREFIX}{out_dir.name}"


def beside(out_dir: Path) -> list[str]:
    return sorted(p.name for p in out_dir.parent.iterdir())


TREES = [
    {"index.html": b"one", "a/x.html": b"x1", "a/y.html": b"y", "b/c/z.html": b"z"},
    {"index.html": b"two", "a/x.html": b"x1", "a/y.html": b"y2", "b/c/z.html": b"z", "n/new.html": b"n"},
    {"index.html": b"two", "a/x.html": b"x3", "n/new.html": b"n"},                    # b/ and a/y gone
    {"index.html": b"three", "a/x.html": b"x3", "b/c/z.html": b"z again", "n/new.html": b"n"},
    {"index.html": b"three", "a": b"a is a file now", "b/c/z.html/deep.html": b"a folder now"},
    {"index.html": b"four", "a/x.html": b"x4"},
]


def test_a_sequence_of_commits_through_the_spare_gives_each_tree(tmp_path):
    out = tmp_path / "site" / "output"
    for i, tree in enumerate(TREES):
        staged = commit(out, tree)
        assert (staged.record is not None) == (i >= 2), i  # the spare is used from the third commit
        assert beside(out) == (["output"] if i == 0 else [".out-spare-output", "output"])
    assert tree_bytes(spare_of(out)) == {**TREES[-2], spare.RECORD: (spare_of(out) / spare.RECORD).read_bytes()}


def test_the_spare_stays_correct_where_folders_cannot_be_exchanged(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "exchange", lambda a, b: False)  # two renames
    out = tmp_path / "output"
    for i, tree in enumerate(TREES):
        assert (commit(out, tree).record is not None) == (i >= 2)
    assert not [p for p in beside(out) if p.startswith((".out-old", ".out-staging", ".out-trash"))]


def test_without_hard_links_no_spare_is_kept(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    out = tmp_path / "output"
    for tree in TREES:
        assert commit(out, tree).record is None
        assert beside(out) in (["output"], [".out-spare-output", "output"])  # removed when found unusable


def test_no_live_file_changes_before_the_swap(tmp_path, monkeypatch):
    """The spare shares files with live: a write into one would show on the live site at once."""
    out = tmp_path / "output"
    commit(out, TREES[0])
    commit(out, TREES[1])
    before = tree_bytes(out)
    real_swap = writer.StagedOutput._swap

    def checked_swap(self, *args):
        assert tree_bytes(out) == before  # every page written, nothing swapped yet
        return real_swap(self, *args)

    monkeypatch.setattr(writer.StagedOutput, "_swap", checked_swap)
    staged = commit(out, {path: data + b" edited" for path, data in TREES[1].items()})
    assert staged.record is not None


def test_write_file_replaces_a_linked_file_without_touching_the_other_link(tmp_path):
    (tmp_path / "live.html").write_bytes(b"live")
    (tmp_path / "spare").mkdir()
    os.link(tmp_path / "live.html", tmp_path / "spare" / "live.html")
    files.write_file(tmp_path / "spare", "live.html", b"new")
    assert (tmp_path / "live.html").read_bytes() == b"live"
    assert (tmp_path / "spare" / "live.html").read_bytes() == b"new"


@pytest.mark.parametrize("racy", [True, False], ids=["racy", "settled"])
@pytest.mark.parametrize("where", ["", "a/", "b/c/"])
def test_a_file_dropped_into_the_output_is_gone_and_stays_gone(tmp_path, monkeypatch, where, racy):
    """Found by its folder's mtime, whether or not the folder was written just before."""
    if not racy:
        monkeypatch.setattr(spare, "RACY_NS", 0)
    out = tmp_path / "output"
    for tree in TREES[:2]:
        commit(out, tree)
    time.sleep(0.05)  # a later clock tick than the commit's writes
    (out / f"{where}dropped.html").write_bytes(b"not ours")
    (out / f"{where}dropped-dir" / "deep").mkdir(parents=True)
    (out / f"{where}dropped-dir" / "deep" / "f.txt").write_bytes(b"not ours")
    for i in range(4):  # through the spare both ways round
        edited = {**TREES[1], "index.html": b"edit %d" % i}
        commit(out, edited)  # asserts the tree is exactly `edited`
    assert not [p for p in spare_of(out).rglob("*dropped*")]


def corrupt(record: Path) -> None:
    raw = json.loads(record.read_bytes())
    raw["changed"] = ["../outside.html"]
    record.write_text(json.dumps(raw), encoding="utf-8")


@pytest.mark.parametrize("damage", [
    lambda rec: rec.unlink(),                                   # killed while updating the spare
    lambda rec: rec.write_text("{not json", encoding="utf-8"),  # a torn record
    corrupt,                                                    # a record naming a path outside
    lambda rec: rec.write_text(json.dumps({**json.loads(rec.read_bytes()), "live": [0, 0]}), encoding="utf-8"),
])
def test_a_spare_in_doubt_is_discarded_and_the_output_is_whole(tmp_path, damage):
    out = tmp_path / "site" / "output"
    for tree in TREES[:3]:
        commit(out, tree)
    damage(spare_of(out) / spare.RECORD)
    (spare_of(out) / "stale.html").write_bytes(b"stale")
    staged = commit(out, TREES[3])
    assert staged.record is None
    assert not [name for name in beside(out) if name.startswith(".out-") and name != ".out-spare-output"]
    assert not (tmp_path / "outside.html").exists()
    assert commit(out, TREES[4]).record is not None  # and the next one trusts the new spare


def test_another_folder_put_in_place_of_the_output_is_not_paired_with_the_spare(tmp_path):
    out = tmp_path / "output"
    for tree in TREES[:2]:
        commit(out, tree)
    shutil.copytree(out, tmp_path / "copy")
    shutil.rmtree(out)
    os.replace(tmp_path / "copy", out)
    assert commit(out, TREES[2]).record is None


def test_a_build_that_fails_leaves_the_live_output_and_no_spare_in_doubt(tmp_path):
    out = tmp_path / "output"
    for tree in TREES[:3]:
        commit(out, tree)
    with pytest.raises(RuntimeError):
        with writer.StagedOutput(out) as staged:
            files.write_file(staged.root, "index.html", b"half")
            raise RuntimeError("render failed")
    assert tree_bytes(out) == TREES[2]
    assert beside(out) == ["output"]
    commit(out, TREES[3])


def test_a_build_that_finds_nothing_to_commit_keeps_the_spare(tmp_path):
    out = tmp_path / "output"
    for tree in TREES[:3]:
        commit(out, tree)
    with writer.StagedOutput(out) as staged:
        files.write_file(staged.root, "a/x.html", TREES[2]["a/x.html"])  # a worker re-rendered it
        outputs = out_set({p: d for p, d in TREES[2].items() if p != "a/x.html"}, TREES[2])
        outputs.stage("a/x.html", files.digest(TREES[2]["a/x.html"]), "again", 2)
        staged.release(outputs)
    assert tree_bytes(out) == TREES[2]
    assert commit(out, TREES[3]).record is not None


def build(site: Path):
    return CliRunner().invoke(main, ["build", "--site", str(site), "--jobs", "1"])


def test_builds_through_the_spare_give_what_a_cold_build_gives(site, tmp_path):
    for step in range(4):
        write_article(site, f"step-{step}.md", f"title: Step {step}\ndate: 2025-03-0{step + 1}\ntags: [s{step % 2}]")
        if step == 2:
            (site / "content" / "articles" / "step-0.md").unlink()
            (site / "output" / "dropped.html").write_bytes(b"by hand")
        assert build(site).exit_code == 0
        cold = tmp_path / f"cold-{step}"
        shutil.copytree(site / "content", cold / "content")
        assert build(cold).exit_code == 0
        assert tree_bytes(site / "output") == tree_bytes(cold / "output"), step
    assert (site / f"{writer.SPARE_PREFIX}output" / spare.RECORD).is_file()


def test_only_folders_touched_since_their_commit_are_swept(tmp_path, monkeypatch):
    monkeypatch.setattr(spare, "RACY_NS", 0)
    swept = []
    real_sweep = spare.sweep
    monkeypatch.setattr(spare, "sweep", lambda root, folder, *a: swept.append(folder) or real_sweep(root, folder, *a))
    out = tmp_path / "output"
    tree = {"index.html": b"0", "a/x.html": b"x", "b/c/z.html": b"z", "d/w.html": b"w"}
    for i in range(4):
        time.sleep(0.05)
        swept.clear()
        tree = {**tree, "index.html": b"%d" % i, "d/w.html": b"w%d" % i}
        assert (commit(out, tree).record is not None) == (i >= 2)
        # after a full staging the spare's folders are unknown: all swept once; then the root
        # only (the spare's record was written there)
        assert swept == ([] if i < 2 else ["", "b", "b/c", "a", "d"] if i == 2 else [""]), i
    (out / "b" / "c" / "dropped.html").write_bytes(b"by hand")
    for expected in ([""], ["", "b/c"]):  # the live tree turns spare, then is swept where it was touched
        time.sleep(0.05)
        swept.clear()
        tree = {**tree, "index.html": tree["index.html"] + b"+"}
        commit(out, tree)
        assert swept == expected


@pytest.mark.parametrize("racy", [True, False], ids=["racy", "settled"])
def test_files_deleted_from_the_spare_are_linked_again(tmp_path, monkeypatch, racy):
    """The spare is ours, but someone may tidy it: whatever it lacks comes from live."""
    if not racy:
        monkeypatch.setattr(spare, "RACY_NS", 0)
    out = tmp_path / "output"
    tree = {"index.html": b"0", "a/x.html": b"x", "a/y.html": b"y", "b/c/z.html": b"z", "d/w.html": b"w"}
    for i in range(3):
        tree = {**tree, "index.html": b"%d" % i}
        commit(out, tree)
    time.sleep(0.05)
    (spare_of(out) / "a" / "x.html").unlink()
    shutil.rmtree(spare_of(out) / "b")
    commit(out, {**tree, "index.html": b"again"})  # asserts the whole tree


def test_a_build_writes_its_pages_into_the_spare_without_touching_live_files(site, monkeypatch):
    """Pages and index files written into the spare, whose files are links to the live ones."""
    for step in range(3):
        write_article(site, f"step-{step}.md", f"title: Step {step}\ndate: 2025-03-0{step + 1}\ntags: [common]")
        assert build(site).exit_code == 0
    before = tree_bytes(site / "output")
    used = []
    real_swap = writer.StagedOutput._swap

    def checked_swap(self, *args):
        used.append(self.record is not None)
        assert tree_bytes(site / "output") == before
        return real_swap(self, *args)

    monkeypatch.setattr(writer.StagedOutput, "_swap", checked_swap)
    write_article(site, "step-1.md", "title: Step one edited\ndate: 2025-03-02\ntags: [common, new]")
    assert build(site).exit_code == 0
    assert used == [True] and tree_bytes(site / "output") != before


def test_a_spare_behind_by_most_files_is_replaced_by_a_fresh_staging(tmp_path, monkeypatch):
    """After a full render re-linking nearly every file would cost more than linking afresh."""
    monkeypatch.setattr(spare, "FEW", 0)
    out = tmp_path / "output"
    tree = {f"p/{i}.html": b"%d" % i for i in range(10)}
    for i in range(3):
        commit(out, {**tree, "index.html": b"%d" % i})
    everything = {p: d + b"!" for p, d in tree.items()}
    assert commit(out, everything).record is not None   # 1 of 11 changed last time
    assert commit(out, {**everything, "index.html": b"4"}).record is None  # all 10 changed
    assert commit(out, {**everything, "index.html": b"5"}).record is not None


def test_only_a_file_made_as_recorded_but_gone_from_live_counts_as_missing(tmp_path: Path):
    from site_builder.build.writer import OutputSet
    from site_builder.files import digest
    live = tmp_path / "out"
    live.mkdir()
    (live / "same.html").write_bytes(b"old")
    (live / "edited.html").write_bytes(b"old")
    out = OutputSet()
    for name, data in [("same.html", b"old"), ("edited.html", b"a longer new text"), ("gone.html", b"x")]:
        out.add(name, data, "test")
    known = {"same.html": digest(b"old"), "edited.html": digest(b"old"), "gone.html": digest(b"x")}
    # edited.html has other bytes now and is written anyway: not "missing", though its size differs
    assert out.missing_from(live, known, out.digests()) == {"gone.html"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_build_leaves_a_spare_the_next_edit_uses_as_it_is(site, tmp_path, monkeypatch, jobs):
    """After a cold build (or any full one) every output is linked into a recorded spare, so the
    first edit does not link the whole archive; a file dropped into the output meanwhile is
    still gone after the edits, and each output is what a cold build gives."""
    monkeypatch.setattr(spare, "FEW", 0)
    generated_archive(site)
    run = lambda s: CliRunner().invoke(main, ["build", "--site", str(s), "--jobs", jobs])  # noqa: E731
    assert run(site).exit_code == 0
    out, kept = site / "output", spare_of(site / "output")
    rec = spare.load(kept, out)
    assert rec is not None and rec.changed == [] and rec.removed == [] and spare.suspects(kept, rec) <= {""}  # its record is in the root
    assert {p: d for p, d in tree_bytes(kept).items() if p != spare.RECORD} == tree_bytes(out)
    assert all(os.path.samefile(kept / p, out / p) for p in tree_bytes(out))  # links, not copies
    real_fresh = writer.StagedOutput._fresh
    monkeypatch.setattr(writer.StagedOutput, "_fresh",
                        lambda self: pytest.fail("linked a fresh tree") if self.out_dir == out else real_fresh(self))
    (out / "dropped.html").write_bytes(b"by hand")
    for step in range(3):
        path = site / "content" / "articles" / "toi-pham.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Tội phạm", f"Tội phạm {step}", 1), encoding="utf-8")
        assert run(site).exit_code == 0
        cold = tmp_path / f"cold-{step}"
        shutil.copytree(site / "content", cold / "content")
        assert run(cold).exit_code == 0
        assert tree_bytes(out) == tree_bytes(cold / "output"), step
    (site / "site.toml").write_text('title = "Renamed"\n', encoding="utf-8")  # a full build, a quarter of the pages
    with monkeypatch.context() as m:  # the spare the commit leaves is worth bringing up to date: kept as it is
        m.setattr(writer, "SpareRenewal", lambda *a: pytest.fail("renewed a spare the next edit can use"))
        assert run(site).exit_code == 0
    assert spare.usable(spare.load(kept, out))
    import site_builder.build.design as design
    monkeypatch.setattr(design, "code_fingerprint", lambda: "other code")  # every page rendered again
    before = spare.dir_id(kept)
    assert run(site).exit_code == 0
    wait_for_trash()
    rec = spare.load(kept, out)
    assert rec is not None and rec.changed == [] and spare.dir_id(kept) != before  # a new spare, the old one gone
    assert not [name for name in beside(out) if name.startswith(".out-") and name != ".out-spare-output"]


def test_a_spare_that_cannot_be_linked_after_a_full_build_is_left_out_not_an_error(site, monkeypatch):
    """No hard links (FAT, some network file systems): the full build succeeds and keeps no spare."""
    monkeypatch.setattr(spare, "FEW", 0)

    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    result = build(site)
    assert result.exit_code == 0, result.output
    wait_for_trash()
    assert not [name for name in beside(site / "output") if name.startswith(".out-")]
    assert (site / "output" / "index.html").is_file()
