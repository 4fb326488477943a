"""Hostile and broken input: never a crash, a leak, or a lost file."""
import os
import string

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import broken_links, tree_bytes, write_article
from site_builder.cli import main


def build(site, *args):
    result = CliRunner().invoke(main, ["build", "--site", str(site), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_every_broken_article_reported_at_once_output_untouched(site):
    assert build(site).exit_code == 0
    before = tree_bytes(site / "output")
    arts = site / "content" / "articles"
    (arts / "list.md").write_text("---\n- just\n- a list\n---\nbody\n", encoding="utf-8")
    (arts / "notitle.md").write_text("---\ndate: 2024-01-01\n---\nbody\n", encoding="utf-8")
    (arts / "baddate.md").write_text("---\ntitle: x\ndate: 2024-02-31\n---\n", encoding="utf-8")
    (arts / "latin1.md").write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    (arts / "tags.md").write_text("---\ntitle: t\ntags: {a: 1}\n---\n", encoding="utf-8")
    (arts / "dup.md").write_text("---\ntitle: a\ntitle: b\n---\n", encoding="utf-8")
    result = build(site)
    assert result.exit_code == 1
    for name, line in [("list.md", 2), ("notitle.md", 2), ("baddate.md", 3), ("latin1.md", 2), ("tags.md", 3),
                       ("dup.md", 3)]:
        assert f"{name}:{line}: " in result.output, (name, result.output)
    assert "6 problems" in result.output and "Traceback" not in result.output
    assert tree_bytes(site / "output") == before


def test_slug_that_climbs_out_is_rejected_and_nothing_written_outside(site, tmp_path):
    write_article(site, "evil.md", "title: Evil\nslug: ../../escape")
    result = build(site)
    assert result.exit_code == 1 and "evil.md:3: 'slug'" in result.output
    assert not list(tmp_path.rglob("escape*"))


def test_symlink_to_outside_the_site_is_refused(site, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nprivate\n", encoding="utf-8")
    os.symlink(secret, site / "content" / "articles" / "link.md")
    result = build(site)
    assert result.exit_code == 1 and "link.md" in result.output and "outside the site" in result.output
    assert not (site / "output" / "articles" / "link.html").exists()


def test_large_article_builds(site):
    para = ("Đây là một đoạn văn dài về an ninh mạng và hợp tác quốc tế. " * 40 + "\n\n")
    write_article(site, "big.md", "title: Big\ndate: 2024-01-01", para * 2100)
    assert (site / "content" / "articles" / "big.md").stat().st_size > 5_000_000
    assert build(site).exit_code == 0
    assert (site / "output" / "articles" / "big.html").stat().st_size > 5_000_000


def test_leftovers_of_a_crashed_build_are_cleaned(site):
    crashed = site / ".out-staging-output.abc123"
    (crashed / "articles").mkdir(parents=True)
    (crashed / "articles" / "half.html").write_text("half", encoding="utf-8")
    assert build(site).exit_code == 0
    assert not crashed.exists()
    assert [p.name for p in site.iterdir() if p.name.startswith(".out-")] == []


def test_cached_and_cold_builds_agree_after_edits(site, tmp_path):
    """The cache only saves time: after edits, the cached output equals a cold build's."""
    assert build(site).exit_code == 0
    write_article(site, "uk-envoy.md", "title: Changed title\ndate: 2025-10-25\nlang: en\ntags: [new-tag]")
    (site / "content" / "articles" / "undated-note.md").unlink()
    assert build(site).exit_code == 0
    assert build(site, "--out", str(tmp_path / "cold")).exit_code == 0  # other out dir: no reuse
    assert tree_bytes(site / "output") == tree_bytes(tmp_path / "cold")
    assert broken_links(site / "output") == []
    assert not (site / "output" / "articles" / "undated-note.html").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.text(alphabet=string.printable + "đĐạ—<>&\"'", max_size=200))
def test_random_bytes_never_crash_the_build(tmp_path, blob, text):
    site = tmp_path / f"fuzz{abs(hash((blob, text))) % 10**9}"
    arts = site / "content" / "articles"
    arts.mkdir(parents=True)
    (arts / "bytes.md").write_bytes(blob)
    (arts / "text.md").write_text(f"---\ntitle: {text!r}\n---\n{text}\n", encoding="utf-8")
    result = build(site)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert "bytes.md" in result.output or "text.md" in result.output
        assert not (site / "output").exists()


def test_every_page_carries_a_content_security_policy(site):
    assert build(site).exit_code == 0
    for page in (site / "output").rglob("*.html"):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert "http-equiv=\"Content-Security-Policy\"" in head, page
        assert "script-src 'self'" in head and "unsafe-inline" not in head


def run_import(site, *args):
    result = CliRunner().invoke(main, ["import", "--site", str(site), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_import_reports_bad_raw_files_by_name_and_imports_the_rest(tmp_path):
    site = tmp_path / "site"
    raw = site / "content" / "raw"
    raw.mkdir(parents=True)
    (raw / "good.txt").write_text(" date 2025-01-02 Hanoi (VNA) – The ministry said on Monday that exports "
                                  "rose by ten percent in the year.\n\nOfficials expect growth to continue.\n",
                                  encoding="utf-8")
    (raw / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (raw / "empty.txt").write_bytes(b"")
    (raw / "cp1258.txt").write_bytes("Hà Nội – tin tức".encode("utf-16"))
    before = tree_bytes(raw)
    result = run_import(site)
    assert result.exit_code == 1
    for name in ("binary.txt", "empty.txt", "cp1258.txt"):
        assert name in result.output
    written = list((site / "content" / "articles").glob("*.md"))
    assert len(written) == 1 and "exports" in written[0].read_text(encoding="utf-8")
    assert tree_bytes(raw) == before
    assert build(site).exit_code == 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600), st.text(max_size=600))
def test_random_raw_input_never_crashes_import_or_build(tmp_path, blob, text):
    site = tmp_path / f"fz{abs(hash((blob, text))) % 10**9}"
    raw = site / "content" / "raw"
    raw.mkdir(parents=True)
    (raw / "a.txt").write_bytes(blob)
    (raw / "b.txt").write_bytes(text.encode("utf-8", errors="surrogatepass"))
    before = tree_bytes(raw)
    assert run_import(site).exit_code in (0, 1)
    assert tree_bytes(raw) == before
    assert build(site).exit_code in (0, 1)


def test_yaml_alias_bomb_is_refused_with_its_line(site):
    lines = ["title: Bomb", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    (site / "content" / "articles" / "bomb.md").write_text("---\n" + "\n".join(lines) + "\n---\nbody\n",
                                                            encoding="utf-8")
    result = build(site)
    assert result.exit_code == 1
    assert "bomb.md:3: this value is reused by a YAML alias" in result.output and "Traceback" not in result.output


def test_forged_cache_records_are_ignored_and_nothing_outside_is_touched(site, tmp_path):
    import sqlite3

    assert build(site).exit_code == 0
    victim = site.parent / "victim.txt"
    victim.write_text("mine\n", encoding="utf-8")
    state = site / ".site-builder-cache" / "state.sqlite"
    db = sqlite3.connect(state)
    db.executemany("INSERT INTO outputs VALUES (?,?,?,?)",
                   [("../victim.txt", "x", "0" * 32, 5), ("/etc/passwd", "x", "0" * 32, 5)])
    db.commit()
    db.close()
    before = tree_bytes(site / "output")
    # records are read whole (and checked) when the output's folders cannot vouch for it: a file
    # dropped in moves its folder's time (a build that trusts the folders reads no record at all)
    (site / "output" / "dropped.html").write_text("by hand\n", encoding="utf-8")
    result = build(site)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "state.sqlite" in result.output
    assert victim.read_text(encoding="utf-8") == "mine\n"
    assert tree_bytes(site / "output") == before
