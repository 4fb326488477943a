"""Golden test: import the seeds (content/raw/) and score every article against its gold file
(tests/ingest/gold/): no gold sentence lost, no debris kept, front-matter as the gold says."""
import json
import shutil
from pathlib import Path

import frontmatter
import pytest

from cleaning_score import score
from site_builder.ingest.importer import import_raw

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "content" / "raw"
GOLD = Path(__file__).resolve().parent / "gold"
GOLDS = sorted(GOLD.glob("*.gold.json"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(RAW, site / "content" / "raw")
    report = import_raw(site)
    assert not report.errors
    posts = {}
    for rel in report.written:
        text = (site / rel).read_text(encoding="utf-8")
        posts[Path(frontmatter.loads(text)["raw"]).stem] = (Path(rel).stem, text)
    return posts


def test_every_seed_has_gold_and_is_imported(imported):
    assert len(GOLDS) == 5
    assert {g.name.removesuffix(".gold.json") for g in GOLDS} == set(imported)


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.name[:3])
def test_seed_keeps_every_sentence_and_drops_debris(imported, gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    result = score(gold, imported[gold_path.name.removesuffix(".gold.json")][1])
    assert result.missed == ()
    assert result.leaked == ()
    assert result.f1 == 1.0
    assert result.wrong == (), result.wrong


def test_scorer_sees_a_lost_sentence_and_kept_debris(imported):
    """The golden test can fail: drop one gold sentence, or put a debris line back, and the
    score says so."""
    gold = json.loads((GOLD / "001_a0d8ca079875737f.gold.json").read_text(encoding="utf-8"))
    text = imported["001_a0d8ca079875737f"][1]
    sentence = gold["keep"][3]
    assert sentence in text
    lost = score(gold, text.replace(sentence, ""))
    assert lost.missed == (sentence,) and lost.f1 < 1.0
    debris = max(gold["drop"], key=len)
    kept = score(gold, text + "\n\n" + debris + "\n")
    assert debris in kept.leaked and kept.f1 < 1.0
    short = next(d for d in gold["drop"] if 0 < len(d.strip()) < 30 and d.strip() != gold["title"])
    assert short in score(gold, text + "\n\n" + short + "\n").leaked


def test_english_and_vietnamese_interview_are_linked_both_ways(imported):
    slug = {stem[:3]: s for stem, (s, _) in imported.items()}
    meta = {stem[:3]: frontmatter.loads(text).metadata for stem, (_, text) in imported.items()}
    assert meta["000"].get("translations") == [slug["001"]]
    assert meta["001"].get("translations") == [slug["000"]]
    for other in ("002", "003", "004"):
        assert not meta[other].get("translations")
