"""Slugs: ASCII, folded Vietnamese, bounded, never empty, stable collision suffixes."""
import re

from hypothesis import given, strategies as st

from site_builder.text.slug import fold, slugify, unique_slug

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_fold_strips_marks_and_d_bar():
    assert fold("Đại sứ Anh") == "Dai su Anh"
    assert fold("Nguyễn Ái Quốc đường") == "Nguyen Ai Quoc duong"


def test_slugify_vietnamese_example_from_spec():
    assert slugify("Đại sứ Anh") == "dai-su-anh"


def test_slugify_drops_apostrophes_and_punctuation():
    assert slugify("Vietnam's role: a “new” era!") == "vietnams-role-a-new-era"


def test_slugify_never_empty_and_safe():
    assert slugify("") == "article"
    assert slugify("!!! ???") == "article"
    assert slugify("../../etc/passwd") == "etc-passwd"


def test_slugify_cuts_between_words():
    title = "mot hai ba bon nam sau bay tam chin muoi " * 5
    s = slugify(title, max_len=30)
    assert len(s) <= 30
    assert all(w in title.split() for w in s.split("-"))


def test_unique_slug_suffixes_are_stable():
    assert unique_slug("tin", set()) == "tin"
    assert unique_slug("tin", {"tin"}) == "tin-2"
    assert unique_slug("tin", {"tin", "tin-2"}) == "tin-3"


@given(st.text())
def test_slug_shape_property(text):
    s = slugify(text)
    assert SLUG_RE.match(s)
    assert len(s) <= 80
