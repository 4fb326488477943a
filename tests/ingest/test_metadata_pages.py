"""Metadata on realistic pages written in the styles of many news sites, both languages
(tests/ingest/pages/*.txt, expected values in expected.json): source, author, title, date and
language, the page's debris out of the body and every article sentence in it.

Run with -s to see the accuracy table."""
import json
import re
from pathlib import Path

import pytest

from site_builder.ingest.clean import clean

PAGES = Path(__file__).resolve().parent / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
FIELDS = ("source", "author", "title", "date", "lang")
# the dateline that opens a lead ('HANOI, Oct 25 (Reuters) - ') moves to metadata
_DATELINE = re.compile(r"^[^\W\d_][^()]{0,30}?(?:\([^()]{1,20}\))?\s[-—–]\s")


def cleaned(name: str):
    return clean((PAGES / name).read_text(encoding="utf-8"))


def test_accuracy_table():
    """Every field right on every page; the table is what the closing note reports."""
    hits = {f: 0 for f in FIELDS}
    misses = []
    for name, want in sorted(EXPECTED.items()):
        meta = cleaned(name).meta
        for f in FIELDS:
            if meta.get(f) == want.get(f):
                hits[f] += 1
            else:
                misses.append((name, f, want.get(f), meta.get(f)))
    n = len(EXPECTED)
    print(f"\n{'field':<8} {'right':>6} {'pages':>6} {'accuracy':>9}")
    for f in FIELDS:
        print(f"{f:<8} {hits[f]:>6} {n:>6} {hits[f] / n:>9.2f}")
    assert n >= 14
    assert misses == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_debris_leaves_the_body_and_sentences_stay(name):
    res = cleaned(name)
    raw = (PAGES / name).read_text(encoding="utf-8")
    paragraphs = res.body.split("\n\n")
    for line in EXPECTED[name]["debris"]:
        assert not any(line in p for p in paragraphs), line
    for line in raw.splitlines():
        line = _DATELINE.sub("", line.strip())
        prose = line.endswith(".") and len(line.split()) >= 8
        if prose and line not in EXPECTED[name]["debris"]:
            assert line in paragraphs, line
    assert res.meta.get("title_derived", False) == EXPECTED[name].get("title_derived", False)
    if "tags" in EXPECTED[name]:
        assert res.meta["tags"][:len(EXPECTED[name]["tags"])] == EXPECTED[name]["tags"]


def test_title_is_never_a_masthead_prompt_error_or_date_marker():
    for name in EXPECTED:
        title = cleaned(name).meta["title"]
        raw = (PAGES / name).read_text(encoding="utf-8").splitlines()
        assert title not in EXPECTED[name]["debris"]
        assert title in raw or EXPECTED[name].get("title_derived")
