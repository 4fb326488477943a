"""--out never destroys a user's files: only a missing, empty or marked output folder is replaced."""
import os

import pytest
from click.testing import CliRunner

from conftest import tree_bytes
from site_builder.cli import main
from site_builder.build.guard import MARKER


def build(site, *args):
    result = CliRunner().invoke(main, ["build", "--site", str(site), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("out", [".", "content", "content/articles", "themes", "themes/mine",
                                 ".site-builder-cache", ".."])
def test_out_that_is_or_holds_site_files_is_refused(site, out):
    (site / "site.toml").write_text('title = "Mine"\n', encoding="utf-8")
    (site / "themes" / "mine").mkdir(parents=True)
    (site / "themes" / "mine" / "theme.toml").write_text('name = "mine"\n', encoding="utf-8")
    before = snapshot(site.parent)
    result = build(site, "--out", str(site / out))
    assert result.exit_code == 2, result.output
    assert "error:" in result.output and "Traceback" not in result.output
    assert snapshot(site.parent) == before


def test_foreign_folder_is_refused_and_kept(site, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "README.md").write_text("my notes\n", encoding="utf-8")
    result = build(site, "--out", str(docs))
    assert result.exit_code == 2
    assert "not empty" in result.output and str(docs) in result.output
    assert (docs / "README.md").read_text(encoding="utf-8") == "my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out-")) == []


def test_symlinked_output_is_refused_and_its_target_kept(site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep\n", encoding="utf-8")
    (site / "output").symlink_to(elsewhere, target_is_directory=True)
    result = build(site)
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "keep\n"
    assert os.path.islink(site / "output")


def test_empty_missing_and_own_output_are_replaced(site, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(site, "--out", str(empty)).exit_code == 0
    assert (empty / MARKER).is_file() and (empty / "index.html").is_file()
    first = tree_bytes(empty)
    assert build(site, "--out", str(empty)).exit_code == 0  # marked: ours to replace
    assert tree_bytes(empty) == first
    fresh = tmp_path / "new" / "deeper"
    assert build(site, "--out", str(fresh)).exit_code == 0 and (fresh / MARKER).is_file()


def test_serve_refuses_an_unsafe_out(site):
    result = CliRunner().invoke(main, ["serve", "--site", str(site), "--out", str(site / "content")])
    assert result.exit_code == 2 and "inside the site's content/" in result.output
    assert (site / "content" / "articles" / "uk-envoy.md").is_file()
