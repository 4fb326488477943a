"""Fault injection: whatever happens to a build, the output is the previous site or the new
one, exactly, and nothing outside the output changes.

Kills (SIGKILL from this process at random moments of a full and of an incremental build), a
full disk (a small tmpfs when this process may mount one, else a writer that fails), folders that
refuse writes, and two builds at once.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, tree_bytes, write_article
from corpus import generate
from site_builder import files
from site_builder.build import spare, writer
from site_builder.cli import main

ARTICLES = 260  # above the pool threshold: workers write into staging in parallel
pytestmark = pytest.mark.slow


def cli(site: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--site", str(site), "--jobs", "2", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def built(site: Path, *args: str) -> str:
    proc = cli(site, *args)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    return out


def edit(site: Path) -> None:
    path = site / "content" / "articles" / "article-000007.md"
    path.write_text(path.read_text(encoding="utf-8").replace('title: "', 'title: "Edited ', 1), encoding="utf-8")


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> dict:
    """The site before and after an edit, built cold, and how long such builds take."""
    base = tmp_path_factory.mktemp("faults")
    site = base / "site"
    generate(ARTICLES, site / "content" / "articles")
    started = time.perf_counter()
    built(site)
    cold = time.perf_counter() - started
    old = tree_bytes(site / "output")
    edited = base / "edited"
    shutil.copytree(site / "content", edited / "content")
    edit(edited)
    built(edited)
    return {"site": site, "old": old, "new": tree_bytes(edited / "output"), "cold": cold}


def edit_other(site: Path, run: int) -> None:
    path = site / "content" / "articles" / "article-000011.md"
    path.write_text(path.read_text(encoding="utf-8").replace('title: "', f'title: "Other {run} ', 1), encoding="utf-8")


@pytest.fixture(scope="module")
def spare_states(states, tmp_path_factory) -> dict:
    """The site after two more edits built incrementally, so that a spare with its record is
    beside output/ (the tree the last build replaced); and, built cold, the same with edit()."""
    base = tmp_path_factory.mktemp("spare")
    site = base / "site"
    shutil.copytree(states["site"], site, symlinks=True)
    for run in range(2):
        edit_other(site, run)
        started = time.perf_counter()
        built(site)
    assert (site / f"{writer.SPARE_PREFIX}output" / spare.RECORD).is_file()
    edited = base / "edited"
    shutil.copytree(site / "content", edited / "content")
    edit(edited)
    built(edited)
    return {"site": site, "old": tree_bytes(site / "output"), "new": tree_bytes(edited / "output"),
            "cold": (time.perf_counter() - started) * 2}


def copy_site(source: Path, site: Path) -> None:
    """A copy that keeps the spare paired with the output: hard links between them kept (cp -a),
    the record told the copies' folder inodes."""
    record = source / f"{writer.SPARE_PREFIX}output" / spare.RECORD
    if not record.is_file():
        shutil.copytree(source, site, symlinks=True)
        return
    subprocess.run(["cp", "-a", str(source), str(site)], check=True)
    copied = site / f"{writer.SPARE_PREFIX}output"
    raw = json.loads((copied / spare.RECORD).read_bytes())
    raw["live"], raw["spare"] = spare.dir_id(site / "output"), spare.dir_id(copied)
    (copied / spare.RECORD).write_text(json.dumps(raw), encoding="utf-8")
    os.utime(copied, ns=(raw["live_stamp"], raw["live_stamp"]))


def killed_build(states: dict, tmp_path: Path, seed: int, keep_cache: bool) -> tuple[Path, str]:
    site = tmp_path / "site"
    copy_site(states["site"], site)
    if not keep_cache:
        shutil.rmtree(site / ".site-builder-cache")
    edit(site)
    delay = random.Random(seed).uniform(0.0, states["cold"] * (1.0 if not keep_cache else 0.5))
    proc = cli(site)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return site, f"seed {seed}, killed after {delay:.2f} s"


@pytest.mark.parametrize("keep_cache", [False, True], ids=["full", "incremental"])
@pytest.mark.parametrize("seed", range(5))
def test_a_killed_build_leaves_the_old_site_or_the_new_one(states, tmp_path, seed, keep_cache):
    site, what = killed_build(states, tmp_path, seed, keep_cache)
    now = tree_bytes(site / "output")
    assert now == states["old"] or now == states["new"], what
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], what  # nothing beside the site
    built(site)  # the next build finishes the job
    assert tree_bytes(site / "output") == states["new"], what
    assert not [p for p in site.iterdir() if p.name.startswith((".out-staging", ".out-old"))], what


@pytest.mark.parametrize("seed", range(6))
def test_a_killed_build_through_the_spare_leaves_the_old_site_or_the_new_one(spare_states, tmp_path, seed):
    """The spare shares files with the live output: a kill while it is brought up to date,
    written into or swapped must leave the live output whole all the same."""
    site, what = killed_build(spare_states, tmp_path, seed, keep_cache=True)
    what += f", spare {'kept' if (site / '.out-spare-output' / spare.RECORD).is_file() else 'in use'}"
    now = tree_bytes(site / "output")
    assert now == spare_states["old"] or now == spare_states["new"], what
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], what
    built(site)
    assert tree_bytes(site / "output") == spare_states["new"], what
    assert not [p for p in site.iterdir() if p.name.startswith((".out-staging", ".out-old", ".out-trash"))], what
    edit_other(site, 9)  # and the spare left behind serves the next build
    built(site)
    assert (site / f"{writer.SPARE_PREFIX}output" / spare.RECORD).is_file()


def test_a_kill_between_the_two_renames_of_a_swap_is_undone_by_the_next_build(states, tmp_path, monkeypatch):
    """Where the system cannot exchange two folders at once, a swap is two renames."""
    site = tmp_path / "site"
    shutil.copytree(states["site"], site, symlinks=True)
    old = site / f"{writer.OLD_PREFIX}output.killed"
    os.replace(site / "output", old)  # as the first rename leaves it
    staging = site / f"{writer.STAGING_PREFIX}output.killed"
    staging.mkdir()
    (staging / "half.html").write_text("half", encoding="utf-8")
    built(site)
    assert tree_bytes(site / "output") == states["old"]
    assert not old.exists() and not staging.exists()


def small_tmpfs(path: Path, size: int) -> bool:
    path.mkdir(parents=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_a_full_disk_leaves_the_last_output_and_no_staging(states, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(states["site"] / "content", site / "content")
    disk = tmp_path / "disk"
    blocks = sum(-(-len(b) // 4096) for b in states["old"].values())  # tmpfs counts 4 KiB pages of data
    if not small_tmpfs(disk, int(blocks * 4096 * 1.4)):
        pytest.skip("cannot mount a tmpfs here; test_a_write_that_fails_* covers the writer")
    try:
        out = disk / "output"
        built(site, "--out", str(out))
        assert tree_bytes(out) == states["old"]
        shutil.rmtree(site / ".site-builder-cache")  # a full rebuild needs a second copy: no room
        edit(site)
        proc = cli(site, "--out", str(out))
        output, _ = proc.communicate(timeout=300)
        assert proc.returncode == 1, output
        assert "No space left on device" in output and "Traceback" not in output
        assert tree_bytes(out) == states["old"]
        assert sorted(p.name for p in disk.iterdir()) == ["output"]
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


@pytest.mark.parametrize("failing", ["tags/", "search/"])
def test_a_write_that_fails_in_one_folder_leaves_the_last_output(site, monkeypatch, failing):
    """A folder that refuses writes (read-only, or full): the build stops with the folder named."""
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--site", str(site), "--jobs", "1"]).exit_code == 0
    before = tree_bytes(site / "output")
    real = files.write_file

    def refusing(root, path, data, made=None):
        if "/" + failing in os.path.join(str(root), path):
            raise PermissionError(13, "Permission denied", os.path.join(root, path))
        return real(root, path, data, made)

    monkeypatch.setattr(files, "write_file", refusing)  # the writer and the search stage both use it
    write_article(site, "new-one.md", "title: New one\ndate: 2025-11-01\ntags: [fresh]")
    result = runner.invoke(main, ["build", "--site", str(site), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "Permission denied" in result.output and "Traceback" not in result.output
    assert tree_bytes(site / "output") == before
    assert not [p for p in site.iterdir() if p.name.startswith((".out-staging", ".out-old"))]


def test_an_unwritable_parent_of_out_is_an_error_naming_it(site, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--out", str(blocked / "out")])
    assert result.exit_code in (1, 2), result.output
    assert str(blocked) in result.output and "Traceback" not in result.output
    assert blocked.read_text(encoding="utf-8") == "a file where a folder should be"


def test_two_builds_at_once_one_runs_the_other_says_so(states, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(states["site"], site, symlinks=True)
    shutil.rmtree(site / ".site-builder-cache")
    edit(site)
    first = cli(site)
    deadline = time.monotonic() + 30
    lock = site / ".site-builder-cache" / "build.lock"
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.01)
    second = cli(site)
    second_out, _ = second.communicate(timeout=300)
    first_out, _ = first.communicate(timeout=300)
    assert first.returncode == 0, first_out
    assert second.returncode == 1 and f"another build of this site is running (pid {first.pid})" in second_out
    assert tree_bytes(site / "output") == states["new"]


def test_a_lock_left_by_a_dead_build_is_taken_over(site):
    lock = site / ".site-builder-cache" / "build.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text("999999\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
