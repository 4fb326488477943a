"""The build's records in SQLite: read back as written, written in the rows that changed,
ignored when marked invalid or damaged."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from site_builder.build.state_store import NAME, BuildState, OutputRecord, invalidate, load_state, write_state


def state(n: int, changed: int = -1) -> BuildState:
    pages = {f"articles/a{i}.html": OutputRecord(f"fp{i}", f"d{i}{'x' if i == changed else ''}", 100 + i)
             for i in range(n)}
    files = {"at": 123, "stat": {f"a{i}.md": (i, 5, 6, 7, False) for i in range(n)},
             "digests": {f"a{i}.md": f"d{i}" for i in range(n)}}
    related = {"fp": "r", "slugs": {f"a{i}": (f"a{(i + 1) % n}",) for i in range(n)}}
    return BuildState(pages, "/out", related, "site", n, files, "tok")


def fields(s: BuildState) -> tuple:
    return s.pages, s.out_dir, s.related, s.site_fp, s.page_count, s.files, s.plans_token


def test_what_is_written_is_read_back(tmp_path: Path):
    written = state(50)
    write_state(tmp_path, written, BuildState())
    assert fields(load_state(tmp_path, [])) == fields(written)


def test_a_write_changes_only_the_rows_that_differ_and_removes_the_gone(tmp_path: Path):
    first = state(50)
    write_state(tmp_path, first, BuildState())
    second = state(40, changed=7)  # ten outputs, files and related lists gone, one output changed
    db = sqlite3.connect(tmp_path / NAME)
    before = {row for row in db.execute("SELECT rowid, * FROM outputs")}
    write_state(tmp_path, second, first)
    after = {row for row in db.execute("SELECT rowid, * FROM outputs")}
    assert len(before - after) == 11 and len(after - before) == 1  # rowids of the others untouched
    assert fields(load_state(tmp_path, [])) == fields(second)


def test_records_marked_invalid_are_not_trusted_and_a_later_write_starts_clean(tmp_path: Path):
    write_state(tmp_path, state(30), BuildState())
    invalidate(tmp_path)
    assert load_state(tmp_path, []).pages == {}
    fresh = state(5)
    write_state(tmp_path, fresh, load_state(tmp_path, []))
    assert fields(load_state(tmp_path, [])) == fields(fresh)


def test_a_damaged_file_is_ignored_with_a_warning_and_replaced(tmp_path: Path):
    (tmp_path / NAME).write_bytes(b"garbage" * 1000)
    warnings: list[str] = []
    assert load_state(tmp_path, warnings).pages == {}
    assert warnings and NAME in warnings[0]
    write_state(tmp_path, state(3), BuildState())
    assert load_state(tmp_path, []).page_count == 3


def test_records_of_an_older_format_are_ignored_and_replaced_by_this_one(tmp_path: Path):
    """A cache left by an earlier release (format 1 had three columns for files) must not stop the
    build that upgrades it: it is read as no records, and the write starts a fresh file."""
    db = sqlite3.connect(tmp_path / NAME)
    db.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                     "CREATE TABLE outputs (path TEXT PRIMARY KEY, fp TEXT, digest TEXT, size INTEGER);"
                     "CREATE TABLE files (name TEXT PRIMARY KEY, stat TEXT, digest TEXT);"
                     "INSERT INTO meta VALUES ('format', '1'), ('valid', '1');"
                     "INSERT INTO files VALUES ('a.md', '[1,2,3,4,false]', 'd');")
    db.close()
    old = load_state(tmp_path, [])
    assert old.pages == {} and not old.on_disk
    fresh = state(4)
    write_state(tmp_path, fresh, old)
    assert fields(load_state(tmp_path, [])) == fields(fresh)


def test_a_record_naming_a_path_outside_the_output_voids_all_records(tmp_path: Path):
    """The names are checked all at once, joined by newlines: a name that smuggles a newline and
    a climb out of the output must not pass as two plain names."""
    for forged in ("../outside.html", "a/../../outside.html", "ok\n../../outside.html", "/etc/passwd", ""):
        written = state(3)
        written.pages[forged] = OutputRecord("fp", "d", 1)
        write_state(tmp_path, written, BuildState())
        warnings: list[str] = []
        assert load_state(tmp_path, warnings).pages == {}, forged
        assert warnings and "not a file of the output" in warnings[0]
        (tmp_path / NAME).unlink()


def test_equal_stats_sign_equal_whatever_else_holds_their_values():
    """Equal stats, one set of whose numbers is also held elsewhere (as the loaded records hold
    them): marshal from version 3 on writes those differently, and the signatures differed."""
    from site_builder.build.file_records import stat_signature
    made = {f"a{i}.md": [10, 1_700_000_000_123_456_789 + i, 1_700_000_000_123_456_789 + i, 99 + i, False] for i in range(5)}
    fresh = {k: [int(str(x)) if type(x) is int else x for x in v] for k, v in made.items()}  # numbers of their own
    held = [v[1] for v in made.values()]  # a second reference to each of made's mtimes
    assert stat_signature(made) == stat_signature(fresh), held


def test_file_records_are_read_and_written_in_the_chunks_an_edit_touched(tmp_path: Path):
    """An edit compares chunk signatures with the stat taken now, reads the chunks that differ and
    rewrites only those rows; a rename or an added file is not an edit (None)."""
    from site_builder.build import file_records
    at = 10_000_000_000_000
    stat = {f"a{i:04}.md": (i, at - 5_000_000_000 + i, 6, 7, False) for i in range(300)}
    written = state(3)
    written.files = {"at": at, "stat": stat, "digests": {n: f"d-{n}" for n in stat}}
    write_state(tmp_path, written, BuildState())
    old = load_state(tmp_path, [])
    assert old.files.changed_since(stat).changed == []
    now = {**stat, "a0100.md": (999, at + 1, 6, 7, False)}  # changed after the last build looked
    found = old.files.changed_since(now)
    assert found.changed == ["a0100.md"] and len(found.chunks) == 1
    assert found.digests["a0100.md"] == "d-a0100.md" and len(found.digests) == file_records.CHUNK
    racy = {**stat, "a0200.md": (200, at - 1_000, 6, 7, False)}  # seen just before the last look: not vouched for
    assert old.files.changed_since(racy).changed == ["a0200.md"]
    renamed = dict(stat)
    renamed["a0101b.md"] = renamed.pop("a0101.md")
    assert old.files.changed_since(renamed) is None
    assert old.files.changed_since({**stat, "new.md": stat["a0001.md"]}) is None
    db = sqlite3.connect(tmp_path / NAME)
    before = {row for row in db.execute("SELECT rowid, * FROM files")}
    edited = state(3)
    edited.files = {"at": at + 5, "stat": now, "digests": {**found.digests, "a0100.md": "new"}, "chunks": found.chunks}
    write_state(tmp_path, edited, old)
    after = {row for row in db.execute("SELECT rowid, * FROM files")}
    assert len(after - before) == 1
    again = load_state(tmp_path, [])
    assert again.files["stat"] == now and again.files["digests"]["a0100.md"] == "new"
    assert again.files["digests"]["a0299.md"] == "d-a0299.md"
