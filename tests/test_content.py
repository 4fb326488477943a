"""The content model: validation with file and line, unknown keys kept, ordering."""
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content.article import parse_article
from site_builder.content.front_matter import _Loader, simple_front_matter
from site_builder.content.loader import load_articles
from site_builder.errors import ContentError

P = Path("content/articles/x.md")


def problems(text: str) -> list[str]:
    with pytest.raises(ContentError) as err:
        parse_article(P, text)
    return [str(p) for p in err.value.problems]


def test_valid_article_keeps_unknown_keys_and_types():
    a = parse_article(P, "---\ntitle: Hello\ndate: 2025-01-31\nlang: vi\ntags: [a, b, a]\nmood: calm\n---\nBody\n")
    assert (a.title, a.date, a.lang, a.tags, a.slug) == ("Hello", dt.date(2025, 1, 31), "vi", ("a", "b"), "x")
    assert a.extra == {"mood": "calm"}
    assert a.body.strip() == "Body"


@pytest.mark.parametrize("front, line, words", [
    ("title: T\ndate: 2025-02-30", 3, "real date"),
    ("title: T\ndate: yesterday", 3, "real date"),
    ("date: 2025-01-01", 2, "'title' is required"),
    ("title: T\ntags: cyber", 3, "list of strings"),
    ("title: T\nlang: Vietnamese!", 3, "language code"),
    ("title: T\ntitle: U", 3, "duplicate key"),
    ("title: [unclosed", 2, "invalid YAML"),
    ("title: T\nslug: ../../etc/passwd", 3, "'slug'"),
])
def test_bad_front_matter_names_file_line_and_problem(front, line, words):
    found = problems(f"---\n{front}\n---\nbody\n")
    assert any(p.startswith(f"{P}:{line}: ") and words in p for p in found), found


def test_front_matter_must_be_a_mapping_and_present():
    assert "mapping" in problems("---\n- a\n- b\n---\nbody\n")[0]
    assert "no front-matter" in problems("just text\n")[0]


def test_all_problems_of_all_files_reported_together(tmp_path):
    d = tmp_path / "articles"
    d.mkdir()
    (d / "a.md").write_text("---\ndate: 2025-13-01\n---\n", encoding="utf-8")
    (d / "b.md").write_bytes(b"---\ntitle: ok\n---\n\xff\xfe bad bytes\n")
    with pytest.raises(ContentError) as err:
        load_articles(d)
    text = str(err.value)
    assert "a.md:2: 'title' is required" in text and "a.md:2: 'date'" in text
    assert "b.md:4: not valid UTF-8" in text


def test_same_slug_names_both_files(tmp_path):
    d = tmp_path / "articles"
    d.mkdir()
    (d / "a.md").write_text("---\ntitle: A\nslug: same\n---\n", encoding="utf-8")
    (d / "same.md").write_text("---\ntitle: B\n---\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_articles(d)
    assert "same.md" in str(err.value) and "a.md" in str(err.value)


def test_articles_latest_first_undated_last(tmp_path):
    d = tmp_path / "articles"
    d.mkdir()
    for name, date in [("old", "2020-01-01"), ("new", "2024-05-05"), ("none", "")]:
        (d / f"{name}.md").write_text(f"---\ntitle: {name}\ndate: {date}\n---\n", encoding="utf-8")
    assert [a.slug for a in load_articles(d)] == ["new", "old", "none"]


def test_an_unchanged_file_is_read_only_when_its_body_is_used_and_must_still_match(tmp_path):
    from site_builder.content.article import article_to_json
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: A\n---\nFirst body.\n", encoding="utf-8")
    (first,) = load_articles(folder)
    known = {first.digest: article_to_json(first)}
    (again,) = load_articles(folder, known, unchanged={"a.md": first.digest})
    assert again.title == "A" and "_body" in again.__dict__ and not isinstance(again.__dict__["_body"], str)
    assert again.body == first.body and again.body.strip() == "First body." and again == first
    (lazy,) = load_articles(folder, known, unchanged={"a.md": first.digest})
    (folder / "a.md").write_text("---\ntitle: A\n---\nSecond body.\n", encoding="utf-8")
    with pytest.raises(ContentError, match="changed during the build"):
        lazy.body


# Front-matter read without the YAML parser must read exactly as YAML reads it.
_TEXT = st.one_of(st.text(alphabet=st.sampled_from(list("ab Zđệ09-_.:#,'\"\\[]{}&*!|>%@`~?\t\xa0\x85\u2028")),
                          max_size=10),
                  st.text(alphabet=st.sampled_from(list("abc Zđệ09-_.,()")), max_size=10))
_WORDS = st.sampled_from(["no", "No", "yes", "on", "OFF", "null", "Null", "~", "y", "n", "nan", ".inf", "0x1F",
                          "1_000", "1:20", "12", "2024-04-03", "2024-4-3", "en", "vi", "a-b", "Ngọc Anh", "x: y",
                          "a #b", "a#b", "a:", " lead", "trail ", ""])
_VALUE = st.one_of(_TEXT.map(lambda t: f'"{t}"'), _TEXT.map(lambda t: f"'{t}'"), _TEXT, _WORDS,
                   st.lists(st.one_of(_WORDS, _TEXT, _TEXT.map(lambda t: f'"{t}"')), max_size=4)
                   .map(lambda items: "[" + ", ".join(items) + "]"))
_KEY = st.sampled_from(["title", "date", "tags", "Title", "on", "yes", "x_1", "source"])
_LINE = st.one_of(st.tuples(_KEY, _VALUE).map(lambda kv: f"{kv[0]}: {kv[1]}"),
                  st.sampled_from(["", "# comment", "  - item", "key:", "k:  two spaces", "- x"]))


@settings(max_examples=1500, deadline=None)
@given(st.lists(_LINE, max_size=6).map("\n".join))
def test_simple_front_matter_reads_as_yaml(fm_text):
    simple = simple_front_matter(fm_text)
    if simple is None:
        return
    loader = _Loader(fm_text)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    finally:
        loader.dispose()
    assert simple[0] == meta
    assert type(meta) is dict and all(type(v) in (str, list) for v in meta.values())
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value} if node is not None else {}
    assert simple[1] == lines


def test_generated_and_hand_written_front_matter_skips_the_yaml_parser():
    fm = 'title: "Đại sứ: hợp tác (1)"\ndate: 2024-04-03\nlang: vi\ntags: [diplomacy, asean]\nauthor: Ngọc Anh'
    assert simple_front_matter(fm) == ({"title": "Đại sứ: hợp tác (1)", "date": "2024-04-03", "lang": "vi",
                                        "tags": ["diplomacy", "asean"], "author": "Ngọc Anh"},
                                       {"title": 1, "date": 2, "lang": 3, "tags": 4, "author": 5})
    for yaml_only in ("tags:\n- a", "title: T # note", "draft: no", "n: 12", "t: 'it''s'", "t: \"a\\tb\""):
        assert simple_front_matter(yaml_only) is None, yaml_only


def test_a_problem_in_simple_front_matter_names_its_line():
    assert problems('---\ntitle: "T"\nlang: "English!"\n---\nBody\n') == [
        f"{P}:3: 'lang' must be a language code like en or vi, got 'English!'"]
