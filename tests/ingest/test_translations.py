"""Same story in two languages links both ways; unrelated or same-language stories do not."""
from site_builder.ingest.translations import ArticleText, anchors, find_translations

EN = ArticleText("en-flood", "en", (
    "Typhoon Kalmaegi hit Quảng Ngãi on 6/11, forcing 12,500 people to evacuate. "
    "Governor Trần Phước Hiền said Kalmaegi destroyed 340 houses in Quảng Ngãi. "
    "Rescue teams from Đà Nẵng arrived on Friday."), "2025-11-07")
VI = ArticleText("vi-bao", "vi", (
    "Bão Kalmaegi đổ bộ vào Quảng Ngãi ngày 6/11, buộc 12.500 người phải sơ tán. "
    "Chủ tịch tỉnh Trần Phước Hiền cho biết bão Kalmaegi làm sập 340 ngôi nhà tại Quảng Ngãi. "
    "Lực lượng cứu hộ từ Đà Nẵng đã đến nơi."), "2025-11-07")
VI_OTHER = ArticleText("vi-ca-phe", "vi", (
    "Xuất khẩu cà phê của Việt Nam đạt 5 tỷ USD trong 10 tháng. Hiệp hội Cà phê dự báo giá "
    "tiếp tục cao. Các doanh nghiệp ký hợp đồng với đối tác tại Nhật Bản và Đức."), "2025-11-07")
EN_OTHER = ArticleText("en-coffee-2", "en", (
    "Vietnam's coffee exports reached USD 5 billion. Exporters in Đắk Lắk signed contracts "
    "with buyers in Japan and Germany."), "2025-11-07")


def test_anchors_fold_names_and_numbers():
    a = anchors(EN.text)
    assert "n:quangngai" in a and "#12500" in a and "d:6-11" in a


def test_translation_pair_links_both_ways():
    links = find_translations([EN, VI, VI_OTHER, EN_OTHER])
    assert links["en-flood"] == ["vi-bao"]
    assert links["vi-bao"] == ["en-flood"]


def test_unrelated_articles_do_not_link():
    links = find_translations([EN, VI_OTHER])
    assert links == {}


def test_same_language_never_links():
    twin = ArticleText("en-flood-copy", "en", EN.text, EN.date)
    assert find_translations([EN, twin]) == {}


def test_far_apart_dates_do_not_link():
    later = ArticleText("vi-bao-later", "vi", VI.text, "2026-03-01")
    assert find_translations([EN, later]) == {}


def test_translations_do_not_load_the_cleaner():
    """Layers point one way: matching translations needs names, not the cleaning rules."""
    import subprocess
    import sys
    code = ("import sys, site_builder.ingest.translations; "
            "print('site_builder.ingest.clean' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
