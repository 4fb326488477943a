"""Metadata readers one class of line at a time: dates, tags, bylines, sources, duplicates."""
import pytest

from site_builder.errors import ContentError
from site_builder.ingest import publishers
from site_builder.ingest.clean import clean, explain
from site_builder.ingest.dates import date_in

LEAD = ("The provincial council approved a plan on Monday to build 40 new classrooms in three "
        "mountain districts before the next school year.")
P2 = "Construction will start in December and cost about 30 billion dong, officials said."


@pytest.mark.parametrize("line,want", [
    ("Thứ Hai, 27/10/2025 14:30 (GMT+7)", "2025-10-27"),
    ("Chủ nhật, 26/10/2025, 08:00", "2025-10-26"),
    ("26-10-2025 07:15", "2025-10-26"),
    ("October 25, 2025", "2025-10-25"),
    ("Oct. 5, 2025 9:00 AM", "2025-10-05"),
    ("Sat 25 Oct 2025 10.00 BST", "2025-10-25"),
    ("Monday, 3rd November 2025", "2025-11-03"),
    ("25 tháng 10 năm 2025", "2025-10-25"),
    ("Ngày 5 tháng Mười, 2025", "2025-10-05"),
    ("2025-10-20T07:45:00+07:00", "2025-10-20"),
    ("Published: 2025/10/20", "2025-10-20"),
    ("31/02/2025", None),
    ("Tháng 10/2025", None),
    ("October 2025", None),
    ("2 giờ trước", None),
    ("3 hours ago", None),
])
def test_dates_in_both_languages_and_no_guess(line, want):
    assert date_in(line) == want


@pytest.mark.parametrize("line", ["Tháng 10/2025", "October 2025", "Cập nhật: 2 giờ trước",
                                  "Updated 3 hours ago", "Hôm qua", "10/2025"])
def test_month_only_and_relative_lines_are_dropped_without_a_date(line):
    res = clean(f"Council approves forty new classrooms for mountain districts\n{line}\n{LEAD}\n{P2}")
    assert "date" not in res.meta and line not in res.body


@pytest.mark.parametrize("line,tags", [
    ("Tags: Hà Nội, giao thông, mưa lớn", ["Hà Nội", "giao thông", "mưa lớn"]),
    ("Từ khóa: Hà Nội | ô nhiễm | PM2.5", ["Hà Nội", "ô nhiễm", "PM2.5"]),
    ("Tags: Education / Hà Giang / Schools", ["Education", "Hà Giang", "Schools"]),
    ("Tags:  Education   Hà Giang   Schools", ["Education", "Hà Giang", "Schools"]),
    ("Chủ đề: Giáo dục • Hà Giang", ["Giáo dục", "Hà Giang"]),
    ("Tags:\nEducation\nHà Giang\nSchools", ["Education", "Hà Giang", "Schools"]),
])
def test_a_tags_line_gives_one_tag_per_item(line, tags):
    res = clean(f"Council approves forty new classrooms\n{LEAD}\n{P2}\n{line}")
    assert res.meta["tags"][:len(tags)] == tags
    assert "Hà Giang" not in res.body and "Education" not in res.body


def test_near_duplicates_are_kept_exact_ones_dropped():
    opening = "The council approved a plan on Monday to build 40 new classrooms"
    near = f"{opening} in three districts."
    later = f"{opening} in mountain districts, the chairman said. Work starts in December."
    res = clean(f"Council approves classrooms\n\n{near}\n\n{later}\n\n{P2}")
    assert near in res.body and later in res.body
    exact = "The council approved a plan on Monday to build 40 new classrooms in mountain districts."
    res = clean(f"Council approves classrooms\n\n{exact}\n\n{exact} Work starts in December.\n\n{P2}")
    assert res.body.count(exact) == 1


@pytest.mark.parametrize("byline,author,source", [
    ("By Jane Whitfield", "Jane Whitfield", None),
    ("Tác giả: Lê Văn Minh", "Lê Văn Minh", None),
    ("Ngọc Anh - Minh Hà", "Ngọc Anh, Minh Hà", None),
    ("Thu Hằng/TTXVN", "Thu Hằng", "TTXVN"),
    ("Written by Sarah Lindqvist for AFP", "Sarah Lindqvist", "AFP"),
    ("By MATTHEW LEE", "Matthew Lee", None),
    ("Tuổi Trẻ", None, "Tuổi Trẻ"),
    ("Báo Nhân Dân", None, "Nhân Dân"),
])
def test_bylines_name_people_and_publishers_go_to_source(byline, author, source):
    res = clean(f"Council approves forty new classrooms for mountain districts\n{byline}\n{LEAD}\n{P2}")
    assert res.meta.get("author") == author
    assert res.meta.get("source") == source
    assert byline not in res.body


def test_a_link_label_is_never_a_source():
    for label in ("Nguồn: Xem bài gốc", "Source: link", "Theo: tại đây"):
        assert "source" not in clean(f"Council approves forty new classrooms\n{LEAD}\n{P2}\n{label}").meta


def test_a_credit_outranks_a_masthead_and_a_masthead_a_follow_line():
    page = "VnExpress - Báo tiếng Việt nhiều người xem nhất\nCouncil approves forty classrooms\n{}\n{}\n{}"
    assert clean(page.format(LEAD, P2, "Theo dõi Dân trí trên Google News")).meta["source"] == "VnExpress"
    assert clean(page.format(LEAD, P2, "Theo Reuters")).meta["source"] == "Reuters"


def test_the_publishers_file_is_large_and_a_site_extends_it(tmp_path):
    shipped = publishers.builtin()
    assert len({p.name for p in shipped.by_key.values()}) >= 60
    assert shipped.named("tuoitre.vn").name == "Tuổi Trẻ"
    assert shipped.named("Vietnam News Agency").name == "VNA"
    site_file = tmp_path / "content" / "publishers.toml"
    site_file.parent.mkdir()
    site_file.write_text('[[publisher]]\nname = "Mekong Herald"\ndomains = ["mekongherald.example.vn"]\n'
                         'spellings = ["The Mekong Herald", "MEKONG HERALD"]\n', encoding="utf-8")
    site = publishers.for_site(tmp_path)
    assert site.named("mekongherald.example.vn").name == "Mekong Herald"
    assert site.named("Reuters").name == "Reuters"
    res = clean(f"MEKONG HERALD\nCouncil approves forty classrooms\n{LEAD}\n{P2}", site)
    assert res.meta["source"] == "Mekong Herald"


def test_a_broken_site_publishers_file_names_the_file_and_line(tmp_path):
    bad = tmp_path / "content" / "publishers.toml"
    bad.parent.mkdir()
    bad.write_text('[[publisher]]\nname = "X"\nspellings = [1, 2\n', encoding="utf-8")
    with pytest.raises(ContentError) as err:
        publishers.for_site(tmp_path)
    assert str(err.value).startswith(f"{bad}:")


def test_explain_names_each_fields_line_and_rule():
    out = explain(f"Council approves forty new classrooms\nBy Jane Whitfield\n26/10/2025\n{LEAD}\n{P2}")
    fields = out.split("\n\n")[0]
    assert "author" in fields and "byline" in fields and "line 2: By Jane Whitfield" in fields
    assert "date" in fields and "line 3: 26/10/2025" in fields
    assert "title" in fields and "line 1: Council approves forty new classrooms" in fields
