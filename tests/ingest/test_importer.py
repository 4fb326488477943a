"""Importer on scratch sites: slugs, stability, hand-edit protection, --force, dry-run, errors."""
import hashlib
from pathlib import Path

import frontmatter

from site_builder.ingest.importer import STATE_FILE, explain_paths, import_raw

VI = ("Tỉnh khánh thành 40 phòng học mới\n\nLê Thu Hà\n\n"
      "(Báo Mẫu) - Ủy ban nhân dân tỉnh vừa khánh thành 40 phòng học mới cho các huyện miền núi.\n\n"
      "Các phòng học được xây dựng trong hai năm với tổng vốn 30 tỷ đồng.\n\n"
      "Tin liên quan\n\nGiá rau tăng mạnh sau mưa lớn\n\nKhai trương tuyến buýt mới\n")
EN = ("Province opens forty classrooms\n\n"
      "The province opened 40 new classrooms in mountain districts on Monday, officials said.\n\n"
      "The rooms were built over two years at a cost of 30 billion dong.\n")


def make_site(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    raw = tmp_path / "site" / "content" / "raw"
    raw.mkdir(parents=True)
    for name, data in files.items():
        p = raw / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return tmp_path / "site"


def articles(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8")
            for p in sorted((site / "content" / "articles").glob("*.md"))}


def digest(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_import_writes_front_matter_and_body(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI})
    rep = import_raw(site)
    assert rep.written == ("content/articles/tinh-khanh-thanh-40-phong-hoc-moi.md",)
    post = frontmatter.load(site / rep.written[0])
    assert post["title"] == "Tỉnh khánh thành 40 phòng học mới"
    assert post["author"] == "Lê Thu Hà" and post["source"] == "Báo Mẫu"
    assert post["lang"] == "vi" and post["raw"] == "content/raw/a.txt"
    assert "Tin liên quan" not in post.content and "30 tỷ đồng" in post.content
    assert (site / "content" / STATE_FILE).is_file()


def test_reimport_is_a_noop_and_slug_is_stable(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI, "b.txt": EN})
    first = import_raw(site)
    before = digest(site)
    again = import_raw(site)
    assert again.written == () and sorted(again.unchanged) == sorted(first.written)
    assert digest(site) == before


def test_raw_files_are_never_modified(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI})
    raw = site / "content" / "raw" / "a.txt"
    before = raw.read_bytes()
    import_raw(site)
    import_raw(site, force=True)
    assert raw.read_bytes() == before


def test_hand_edited_article_is_skipped_unless_forced(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI})
    (path,) = import_raw(site).written
    edited = (site / path).read_text(encoding="utf-8") + "\nA note added by an editor.\n"
    (site / path).write_text(edited, encoding="utf-8")
    # the raw changes too: still the edit wins
    (site / "content" / "raw" / "a.txt").write_text(VI + "\nThêm một câu mới ở cuối bài.\n",
                                                    encoding="utf-8")
    rep = import_raw(site)
    assert rep.skipped_edited == (path,) and rep.written == ()
    assert (site / path).read_text(encoding="utf-8") == edited
    forced = import_raw(site, force=True)
    assert forced.written == (path,)
    assert "A note added by an editor." not in (site / path).read_text(encoding="utf-8")
    assert "Thêm một câu mới" in (site / path).read_text(encoding="utf-8")


def test_changed_raw_updates_unedited_article_in_place(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI})
    (path,) = import_raw(site).written
    (site / "content" / "raw" / "a.txt").write_text(VI.replace("30 tỷ", "35 tỷ"), encoding="utf-8")
    rep = import_raw(site)
    assert rep.written == (path,)
    assert "35 tỷ" in (site / path).read_text(encoding="utf-8")


def test_dry_run_writes_nothing(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI, "b.txt": EN})
    before = digest(site)
    rep = import_raw(site, dry_run=True)
    assert len(rep.written) == 2
    assert digest(site) == before


def test_bad_raw_files_are_reported_by_name_others_import(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI, "bin.txt": b"\x89PNG\x00\x00abc",
                                "latin.txt": "caf\xe9".encode("latin-1"), "empty.txt": " \n"})
    raw = site / "content" / "raw"
    rep = import_raw(site, [raw, raw / "missing.txt"])
    names = sorted(Path(p).name for p, _ in rep.errors)
    assert names == ["bin.txt", "empty.txt", "latin.txt", "missing.txt"]
    assert all(msg for _, msg in rep.errors)
    assert len(rep.written) == 1


def test_slug_collisions_get_suffixes_and_hand_written_articles_survive(tmp_path):
    site = make_site(tmp_path, {"a.txt": EN, "b.txt": EN.replace("Monday", "Tuesday")})
    manual = site / "content" / "articles" / "province-opens-forty-classrooms.md"
    manual.parent.mkdir(parents=True)
    manual.write_text("---\ntitle: Mine\n---\nHand written.\n", encoding="utf-8")
    rep = import_raw(site)
    assert sorted(rep.written) == ["content/articles/province-opens-forty-classrooms-2.md",
                                   "content/articles/province-opens-forty-classrooms-3.md"]
    assert manual.read_text(encoding="utf-8").endswith("Hand written.\n")
    assert import_raw(site).written == ()


def test_translations_linked_across_imports(tmp_path):
    site = make_site(tmp_path, {})
    raw = site / "content" / "raw"
    vi = ("Bão Kalmaegi đổ bộ Quảng Ngãi\n\nBão Kalmaegi đổ bộ vào Quảng Ngãi ngày 6/11, buộc "
          "12.500 người sơ tán. Ông Trần Phước Hiền cho biết bão Kalmaegi làm sập 340 ngôi nhà.\n")
    en = ("Typhoon Kalmaegi hits Quang Ngai\n\nTyphoon Kalmaegi hit Quảng Ngãi on 6/11, forcing "
          "12,500 people to evacuate. Trần Phước Hiền said Kalmaegi destroyed 340 houses.\n")
    (raw / "vi.txt").write_text(vi, encoding="utf-8")
    import_raw(site)
    (raw / "en.txt").write_text(en, encoding="utf-8")
    rep = import_raw(site)
    posts = {p.stem: frontmatter.load(p) for p in (site / "content" / "articles").glob("*.md")}
    assert posts["typhoon-kalmaegi-hits-quang-ngai"]["translations"] == ["bao-kalmaegi-do-bo-quang-ngai"]
    assert posts["bao-kalmaegi-do-bo-quang-ngai"]["translations"] == ["typhoon-kalmaegi-hits-quang-ngai"]
    assert len(rep.written) == 2


def test_paths_may_be_files_or_folders_outside_content_raw(tmp_path):
    outside = tmp_path / "inbox"
    outside.mkdir()
    (outside / "x.txt").write_text(EN, encoding="utf-8")
    (outside / "notes.md").write_text("ignored", encoding="utf-8")
    site = tmp_path / "site"
    rep = import_raw(site, [outside])
    assert len(rep.written) == 1
    post = frontmatter.load(site / rep.written[0])
    assert post["raw"] == "../inbox/x.txt"


def test_output_is_deterministic(tmp_path):
    one = make_site(tmp_path / "1", {"a.txt": VI, "b.txt": EN})
    two = make_site(tmp_path / "2", {"a.txt": VI, "b.txt": EN})
    import_raw(one)
    import_raw(two)
    assert articles(one) == articles(two)


def test_explain_paths_lists_lines_and_errors(tmp_path):
    site = make_site(tmp_path, {"a.txt": VI, "bin.txt": b"\x00\x01"})
    out = explain_paths(site)
    assert "related_block" in out and "byline" in out and "error" in out
