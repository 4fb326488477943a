"""Rebuilds with the cache: each kind of edit gives exactly the files a cold build gives, and the
search index is updated in place when the edit allows it."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED, tree_bytes, write_article
from site_builder.config import load_config
from site_builder.pipeline import build_site


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    subprocess.run([sys.executable, str(SHARED / "bench" / "gen_corpus.py"), "120", str(site / "content" / "articles")],
                   check=True, capture_output=True)
    write_article(site, "toi-pham.md", 'title: "Tội phạm mạng gia tăng"\ndate: 2025-06-01\nlang: vi\ntags: [an ninh]',
                  "Các vụ tội phạm mạng tăng mạnh ở Hà Nội.\n")
    return site


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
    assert re.search(r'"t":"[^"]*\bbreaking\b', vocab) and re.search(r'"t":"[^"]*\bbrindlemarsh\b', vocab)


def test_noop_rebuild_writes_nothing_and_skips_planning(corpus: Path):
    rebuild(corpus)
    report = rebuild(corpus)
    assert report.changed == () and report.rendered == 0 and report.search == "reused"


def test_a_damaged_index_file_is_rebuilt_not_patched(corpus: Path, tmp_path: Path):
    rebuild(corpus)
    manifest = corpus / "output" / "search" / "manifest.js"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "// tampered\n", encoding="utf-8")
    edit(corpus / "content" / "articles" / "toi-pham.md", "title: \"", "title: \"Mới: ")
    assert rebuild(corpus).search == "rebuilt"
    assert tree_bytes(corpus / "output") == cold(corpus, tmp_path)
