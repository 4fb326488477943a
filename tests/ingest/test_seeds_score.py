"""Golden test: import the shared seeds and score them with the shared scorer."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from site_builder.ingest.importer import import_raw

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "seeds"
SCORER = SHARED / "tools" / "score_cleaning.py"

pytestmark = pytest.mark.skipif(not (SEEDS.is_dir() and SCORER.is_file()),
                                reason="shared seeds/scorer not beside the repo")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    report = import_raw(site, [SEEDS])
    assert not report.errors
    posts = {}
    for rel in report.written:
        post = frontmatter.load(site / rel)
        posts[Path(post["raw"]).stem] = (Path(rel).stem, site / rel)
    return site, posts


def test_seed_cleaning_score(imported, tmp_path):
    _, posts = imported
    out = tmp_path / "scored"
    out.mkdir()
    for stem, (_, path) in posts.items():
        shutil.copy(path, out / f"{stem}.md")
    res = subprocess.run([sys.executable, str(SCORER), str(SEEDS), str(out), "-v"],
                         capture_output=True, text=True, timeout=60)
    text = res.stdout
    f1 = float(re.search(r"^F1 ([\d.]+)$", text, re.M).group(1))
    recall = float(re.search(r"^keep recall ([\d.]+)$", text, re.M).group(1))
    assert f1 >= 0.99, text
    assert recall == 1.0, text
    assert "BAD" not in text and "MISSING" not in text, text
    for key in ("title", "date", "lang"):
        m = re.search(rf"^{key} accuracy ([\d.]+) \((\d+)/(\d+)\)", text, re.M)
        assert m and m.group(2) == m.group(3), text


def test_english_and_vietnamese_interview_are_linked_both_ways(imported):
    site, posts = imported
    by_prefix = {stem[:3]: slug for stem, (slug, _) in posts.items()}
    meta = {stem[:3]: frontmatter.load(path).metadata for stem, (_, path) in posts.items()}
    assert meta["000"].get("translations") == [by_prefix["001"]]
    assert meta["001"].get("translations") == [by_prefix["000"]]
    for other in ("002", "003", "004"):
        assert not meta[other].get("translations")
