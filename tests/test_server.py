"""The dev server without a socket: respond(DevSite) / rebuild / subscribe, and the watcher logic."""
from __future__ import annotations

import json
import os
import queue
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.cli import main
from site_builder.build.pipeline import build_site
from site_builder import devserver
from site_builder.devserver.http import host_allowed, inject, respond, script_tag
from site_builder.devserver.state import DevSite
from site_builder.devserver.watcher import ChangeBatcher, Debouncer, Watcher, is_ignored

from conftest import write_article

ENVOY_FRONT = """
    title: "{title}"
    date: 2025-10-25
    lang: en
    source: VNA/VNS
    tags: [cybercrime, diplomacy]
    translations: [dai-su-anh]
    """


def set_envoy_title(site: Path, title: str) -> Path:
    return write_article(site, "uk-envoy.md", ENVOY_FRONT.format(title=title), "The ambassador spoke.\n")


def break_envoy(site: Path) -> Path:
    path = site / "content" / "articles" / "uk-envoy.md"
    path.write_text('---\ntitle: "UK envoy\ndate: 2025-10-25\n---\nBody.\n', encoding="utf-8")
    return path


def drain(q: queue.Queue) -> list[tuple[str, dict]]:
    """Parsed (event name, data) pairs waiting in a subscriber queue."""
    events = []
    while True:
        try:
            text = q.get_nowait()
        except queue.Empty:
            return events
        fields = dict(line.split(": ", 1) for line in text.strip().splitlines() if not line.startswith(":"))
        events.append((fields.get("event"), json.loads(fields["data"])))


@pytest.fixture
def dev(site: Path) -> DevSite:
    logs: list[str] = []
    d = DevSite(site, log=logs.append)
    d.logs = logs
    assert d.rebuild(None), logs
    return d


# -- requests -------------------------------------------------------------------------------
def header(resp, name: str) -> str | None:
    return dict(resp.headers).get(name)


def test_article_page_gets_the_reload_script_but_the_output_does_not(dev: DevSite):
    resp = respond(dev, "/articles/uk-envoy.html")
    assert resp.status == 200
    assert header(resp, "Content-Type") == "text/html; charset=utf-8"
    assert b"UK envoy: Vietnam has a key role" in resp.body
    body = resp.body.decode()
    assert body.index('<script src="/__livereload.js"') < body.rindex("</body>")
    assert body.count("__livereload.js") == 1
    assert int(header(resp, "Content-Length")) == len(resp.body)
    on_disk = (dev.out_dir / "articles" / "uk-envoy.html").read_text(encoding="utf-8")
    assert "__livereload" not in on_disk
    assert not any("__livereload" in p.read_text(errors="replace") for p in dev.out_dir.rglob("*") if p.is_file())


def test_inject_before_last_body_or_appended():
    assert inject(b"<body>a</BODY></html>", b"<s>") == b"<body>a<s></BODY></html>"
    assert inject(b"<p>x</body>y</body>", b"<s>") == b"<p>x</body>y<s></body>"
    assert inject(b"<p>fragment", b"<s>") == b"<p>fragment<s>"


@pytest.mark.parametrize("name, expected", [
    ("static/style.css", "text/css; charset=utf-8"),
    ("feed.xml", "application/xml; charset=utf-8"),
    ("extra/data.json", "application/json; charset=utf-8"),
    ("extra/app.js", "text/javascript; charset=utf-8"),
    ("extra/logo.svg", "image/svg+xml; charset=utf-8"),
    ("extra/photo.png", "image/png"),
    ("extra/notes.txt", "text/plain; charset=utf-8"),
])
def test_content_types(dev: DevSite, name: str, expected: str):
    target = dev.out_dir / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"<svg></svg>" if name.endswith(".svg") else b"x")
    resp = respond(dev, "/" + name)
    assert resp.status == 200
    assert header(resp, "Content-Type") == expected
    assert resp.body == target.read_bytes()  # only HTML is touched
    assert header(resp, "X-Content-Type-Options") == "nosniff"


def test_reload_script_is_served_and_builds_the_overlay_with_text_only(dev: DevSite):
    resp = respond(dev, "/__livereload.js")
    assert resp.status == 200 and header(resp, "Content-Type") == "text/javascript; charset=utf-8"
    shipped = (Path(devserver.__file__).parent / "livereload.js").read_text(encoding="utf-8")
    assert resp.body.decode() == shipped
    assert "innerHTML" not in shipped and "insertAdjacentHTML" not in shipped
    assert "textContent" in shipped


def test_directories_serve_index_html(dev: DevSite):
    home = respond(dev, "/")
    assert home.status == 200 and home.body.startswith((dev.out_dir / "index.html").read_bytes()[:50])
    tags = respond(dev, "/tags/")
    assert tags.status == 200 and b"__livereload" in tags.body
    assert tags.body.replace(script_tag(dev), b"") == (dev.out_dir / "tags" / "index.html").read_bytes()
    moved = respond(dev, "/tags?x=1")
    assert moved.status == 301 and header(moved, "Location") == "/tags/?x=1"
    assert respond(dev, "/articles/uk-envoy.html?utm=1#top").status == 200


def test_missing_page_is_404_with_the_sites_404_page(dev: DevSite):
    resp = respond(dev, "/articles/nope.html")
    assert resp.status == 404
    on_disk = (dev.out_dir / "404.html").read_bytes()
    assert b'href="static/style.css"' in on_disk
    # served at any depth: its links start from the server root, the rest is the site's page
    assert b'href="static/' not in resp.body and b'href="/static/style.css"' in resp.body
    assert b"__livereload" in resp.body  # so it reloads when the page appears


TRAVERSALS = [
    "/../secret.txt", "/../../etc/passwd", "/../../../../../../etc/passwd",
    "/%2e%2e/secret.txt", "/%2E%2E/%2E%2E/etc/passwd", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
    "/articles/../../secret.txt", "/articles/%2e%2e/%2e%2e/secret.txt", "/static/..%2f..%2fsecret.txt",
    "/%252e%252e/secret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt",
    "/%2e%2e%5csecret.txt", "/secret.txt%00.html", "/.%2e/secret.txt", "/%2e./secret.txt",
    "http://localhost/../secret.txt", "//../secret.txt", "../secret.txt", "/link-out/secret.txt",
    "/%c0%ae%c0%ae/secret.txt", "/%ff/secret.txt", "/etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_nothing_outside_the_output_is_ever_served(dev: DevSite, target: str):
    secret = dev.site_dir / "secret.txt"
    secret.write_text("TOP SECRET\n", encoding="utf-8")
    link = dev.out_dir / "link-out"
    if not link.exists():
        os.symlink(dev.site_dir, link)  # a symlink in the output must not lead out either
    resp = respond(dev, target)
    assert resp.status in (400, 404), (target, resp.status)
    assert b"TOP SECRET" not in resp.body and b"root:" not in resp.body


def test_hidden_temp_files_of_an_in_progress_write_are_not_served(dev: DevSite):
    (dev.out_dir / "articles" / ".tmp-abc").write_bytes(b"half")
    assert respond(dev, "/articles/.tmp-abc").status == 404


# -- rebuilds and events --------------------------------------------------------------------
def test_edit_sends_the_changed_paths_to_subscribers(dev: DevSite, site: Path):
    q = dev.subscribe(dev.event_id())
    assert drain(q) == []
    set_envoy_title(site, "Envoy retitled")
    assert dev.rebuild({site / "content" / "articles" / "uk-envoy.md"})
    events = drain(q)
    assert [name for name, _ in events] == ["reload"]
    assert "/articles/uk-envoy.html" in events[0][1]["paths"] and events[0][1]["all"] is False
    assert b"Envoy retitled" in respond(dev, "/articles/uk-envoy.html").body
    assert any("rebuilt in" in line and "uk-envoy.md" in line for line in dev.logs)


def test_a_build_with_no_output_change_sends_nothing(dev: DevSite, site: Path):
    q = dev.subscribe(dev.event_id())
    assert dev.rebuild({site / "content" / "articles" / "uk-envoy.md"})
    assert drain(q) == []


def test_late_subscribers_catch_up_on_what_changed_since_their_page_was_served(dev: DevSite, site: Path):
    served_with = dev.event_id()
    set_envoy_title(site, "Changed before connect")
    assert dev.rebuild(None)
    (name, data), = drain(dev.subscribe(served_with))
    assert name == "reload" and "/articles/uk-envoy.html" in data["paths"] and not data["all"]
    assert drain(dev.subscribe(dev.event_id())) == []
    (name, data), = drain(dev.subscribe("0000-3"))  # a page from an earlier server run
    assert name == "reload" and data["all"] is True


def test_broken_front_matter_keeps_the_last_good_build_and_mending_clears_it(dev: DevSite, site: Path):
    q = dev.subscribe(dev.event_id())
    path = break_envoy(site)
    assert dev.rebuild({path}) is False
    # the error names the file and line, in the terminal and in an event for open pages
    assert dev.problems and Path(dev.problems[0].path).name == "uk-envoy.md"
    assert any(line.startswith("error: content/articles/uk-envoy.md:") for line in dev.logs), dev.logs
    events = drain(q)
    assert [n for n, _ in events] == ["builderror"]
    text = events[0][1]["problems"][0]["text"]
    assert text.startswith("content/articles/uk-envoy.md:") and "front-matter" in text
    # the old page is still served, and a page opened now learns about the error at once
    resp = respond(dev, "/articles/uk-envoy.html")
    assert resp.status == 200 and b"UK envoy: Vietnam has a key role" in resp.body
    assert [n for n, _ in drain(dev.subscribe(dev.event_id()))] == ["builderror"]
    # mending clears the error and tells pages to reload
    set_envoy_title(site, "Mended title")
    assert dev.rebuild({path}) is True
    assert dev.problems == []
    events = drain(q)
    assert [n for n, _ in events] == ["reload"]
    assert "/articles/uk-envoy.html" in events[0][1]["paths"]
    assert b"Mended title" in respond(dev, "/articles/uk-envoy.html").body
    assert drain(dev.subscribe(dev.event_id())) == []


def test_reverting_a_broken_edit_still_clears_the_overlay(dev: DevSite, site: Path):
    original = (site / "content" / "articles" / "uk-envoy.md").read_bytes()
    q = dev.subscribe(dev.event_id())
    path = break_envoy(site)
    assert not dev.rebuild({path})
    path.write_bytes(original)
    assert dev.rebuild({path})
    names = [n for n, _ in drain(q)]
    assert names == ["builderror", "reload"]  # no output changed, but the overlay must go


def test_broken_site_toml_and_template_are_reported_and_survived(dev: DevSite, site: Path):
    (site / "site.toml").write_text('title = "unterminated\n', encoding="utf-8")
    assert not dev.rebuild({site / "site.toml"})
    assert dev.problems[0].path == "site.toml"
    (site / "site.toml").write_text('title = "Fine"\ntheme = "custom"\n', encoding="utf-8")
    theme = site / "themes" / "custom"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "custom"\nextends = "default"\n', encoding="utf-8")
    template = theme / "templates" / "article.html"
    template.write_text('{% extends "default/article.html" %}\n{% block content %}\n{{ oops( }}\n'
                        '{% endblock %}\n', encoding="utf-8")
    assert not dev.rebuild({template})
    assert (dev.problems[0].path, dev.problems[0].line) == ("themes/custom/templates/article.html", 3)
    assert respond(dev, "/articles/uk-envoy.html").status == 200
    template.write_text('{% extends "default/article.html" %}\n', encoding="utf-8")
    assert dev.rebuild({template}) and dev.problems == []
    assert b"<title>" in respond(dev, "/articles/uk-envoy.html").body


def test_unexpected_exceptions_do_not_kill_the_server(site: Path):
    calls = []

    def build(config, previous=None, cache=None, changed=None, templates=None):
        calls.append(previous)
        if len(calls) == 2:
            raise RuntimeError("plugin exploded")
        return build_site(config, previous=previous, cache=cache, changed=changed, templates=templates)

    d = DevSite(site, build=build, log=lambda m: None)
    assert d.rebuild(None)
    good = d.digests
    assert not d.rebuild(set()) and "plugin exploded" in d.problems[0].message
    assert d.digests == good  # a failed build forgets nothing
    assert d.rebuild(set()) and not d.problems
    assert calls[0] is None and calls[1] == good and calls[2] == good  # digests reused


def test_previous_digests_are_passed_so_only_changed_files_are_rewritten(dev: DevSite, site: Path):
    index_before = (dev.out_dir / "index.html").stat().st_ino
    untouched = [dev.out_dir / "static" / "style.css", dev.out_dir / "languages" / "vi.html"]
    inodes = [p.stat().st_ino for p in untouched]
    set_envoy_title(site, "Only this one")
    assert dev.rebuild(None)
    assert [p.stat().st_ino for p in untouched] == inodes  # not rewritten
    assert (dev.out_dir / "index.html").stat().st_ino != index_before  # lists the new title
    assert 0 < len(dev.last_report.changed) < dev.last_report.files


def test_changed_hint_is_passed_to_the_build(site: Path):
    seen = []

    def build(config, previous=None, cache=None, changed=None, templates=None):
        seen.append(changed)
        return build_site(config, previous=previous, cache=cache, changed=changed, templates=templates)

    d = DevSite(site, build=build, log=lambda m: None)
    assert d.rebuild(None) and d.rebuild({site / "content" / "articles" / "uk-envoy.md"})
    assert seen == [None, {site / "content" / "articles" / "uk-envoy.md"}]


def test_close_ends_every_event_stream(dev: DevSite):
    q = dev.subscribe(None)
    dev.close()
    assert q.get_nowait() is None


# -- watching -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [".#uk-envoy.md", "uk-envoy.md~", ".uk-envoy.md.swp", ".x.swx", "4913",
                                  "#uk-envoy.md#", ".~lock.x.md#", ".goutputstream-ABC", ".tmp-x1"])
def test_editor_junk_is_ignored(name: str, tmp_path: Path):
    assert is_ignored(tmp_path / "content" / "articles" / name)
    assert not is_ignored(tmp_path / "content" / "articles" / "uk-envoy.md")


def test_output_and_cache_are_ignored(tmp_path: Path):
    out = tmp_path / "output"
    assert is_ignored(out / "index.html", [out])
    assert is_ignored(tmp_path / ".site-builder-cache" / "x.json")
    assert is_ignored(tmp_path / ".out-staging-output-1" / "a.html")
    assert not is_ignored(tmp_path / "content" / "a.md", [out])


def test_debouncer_waits_for_a_quiet_window_and_coalesces_a_burst():
    d = Debouncer(quiet=0.05, max_wait=1.0)
    assert d.take(0.0) is None and d.deadline() is None
    for i, t in enumerate((0.00, 0.02, 0.04, 0.06)):
        d.add(Path(f"f{i}"), t)
    assert d.take(0.10) is None          # last event at .06: quiet until .11
    assert d.take(0.11) == {Path("f0"), Path("f1"), Path("f2"), Path("f3")}
    assert d.take(5.0) is None


def test_debouncer_does_not_starve_under_a_steady_drizzle():
    d = Debouncer(quiet=0.05, max_wait=0.3)
    t = 0.0
    batches = []
    while t < 1.0:
        d.add(Path("busy.md"), t)
        if d.take(t) is not None:
            batches.append(round(t, 2))
        t += 0.02
    assert batches and batches[0] <= 0.32


def test_change_during_a_build_triggers_a_second_build():
    builds: list[set[Path]] = []
    batcher: ChangeBatcher

    def build(changes):
        builds.append(changes)
        if len(builds) == 1:
            batcher.notify(Path("b.md"), now=0.20)  # saved while the first build runs

    batcher = ChangeBatcher(build, quiet=0.05, max_wait=1.0)
    batcher.notify(Path("a.md"), now=0.0)
    batcher.notify(Path("a.md"), now=0.01)
    assert not batcher.step(now=0.03)
    assert batcher.step(now=0.10)
    assert builds == [{Path("a.md")}]
    assert not batcher.step(now=0.22)  # the new change waits for its own quiet window
    assert batcher.step(now=0.30)
    assert builds == [{Path("a.md")}, {Path("b.md")}]
    assert not batcher.step(now=9.0)


def test_real_watcher_rebuilds_again_when_a_file_changes_during_a_build(site: Path):
    """Threads and inotify for real: an edit, then a second edit while that build runs."""
    dev = DevSite(site, log=lambda m: None)
    assert dev.rebuild(None)
    first_build_started = threading.Event()
    results = []

    def slow_rebuild(changes):
        first_build_started.set()
        time.sleep(0.3)
        results.append(dev.rebuild(changes))

    watcher = Watcher(dev.watch_folders()[:1], dev.watch_files(), slow_rebuild, ignore_roots=dev.ignore_roots(),
                      quiet=0.05)
    watcher.start()
    try:
        set_envoy_title(site, "First edit")
        (site / "content" / "articles" / ".#uk-envoy.md").write_text("lock", encoding="utf-8")
        assert first_build_started.wait(5)
        time.sleep(0.05)
        set_envoy_title(site, "Second edit")
        deadline = time.monotonic() + 10
        while len(results) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert watcher.batcher.idle(10)
        assert results[:2] == [True, True]
        assert b"Second edit" in respond(dev, "/articles/uk-envoy.html").body
    finally:
        watcher.stop()
    time.sleep(0.2)
    assert len(results) == 2, "a build's own output or the cache must not trigger rebuilds"


def test_serve_command_is_registered():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--host" in result.output and "127.0.0.1" in result.output
    bad = CliRunner().invoke(main, ["serve", "--site", "/nonexistent-site-dir"])
    assert bad.exit_code == 2


def test_a_build_that_changes_very_many_pages_tells_every_page_to_reload(dev: DevSite, site: Path, monkeypatch):
    import site_builder.devserver.state as server

    monkeypatch.setattr(server, "MAX_PATHS", 2)
    served_with = dev.event_id()
    q = dev.subscribe(served_with)
    set_envoy_title(site, "Everywhere")
    assert dev.rebuild(None)
    (name, data), = drain(q)
    assert data == {"paths": [], "all": True}
    (name, data), = drain(dev.subscribe(served_with))
    assert data["all"] is True


@pytest.mark.parametrize("host, bound, ok", [
    ("127.0.0.1:8000", "127.0.0.1", True), ("localhost:8000", "127.0.0.1", True), ("[::1]:8000", "::1", True),
    ("LOCALHOST", "127.0.0.1", True), ("site.localhost:8000", "127.0.0.1", True), (None, "127.0.0.1", True),
    ("evil.example:8000", "127.0.0.1", False), ("127.0.0.1.evil.example", "127.0.0.1", False),
    ("evil.example", "0.0.0.0", True),
])
def test_loopback_server_answers_only_loopback_host_names(host, bound, ok):
    assert host_allowed(host, bound) is ok


# -- the dev server's long-lived cache ---------------------------------------------------------

def test_server_cache_is_written_when_idle_and_a_crash_before_cannot_mislead(dev: DevSite, site: Path, tmp_path: Path):
    from conftest import tree_bytes

    from site_builder.build.state_store import load_state

    def records_on_disk() -> bool:
        return bool(load_state(site / ".site-builder-cache", []).pages)

    dev.flush_cache()
    assert records_on_disk()
    path = set_envoy_title(site, "Envoy retitled while serving")
    assert dev.rebuild({path})
    # outputs changed, the cache is not written yet: its old records must not survive
    assert not records_on_disk()
    # a CLI build now (as after the server was killed) renders what it cannot trust
    build_site(dev.config)
    build_site(dev.config.__class__(site_dir=site, out_dir=tmp_path / "cold"), use_cache=False)
    assert tree_bytes(site / "output") == tree_bytes(tmp_path / "cold")
    dev.close()
    assert records_on_disk()


def test_a_change_the_watcher_missed_is_still_seen_by_its_file_stat(dev: DevSite, site: Path):
    path = set_envoy_title(site, "Same length title A")
    assert dev.rebuild({path})
    old = path.stat()
    set_envoy_title(site, "Same length title B")          # same size …
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # … and the old mtime; ctime still moves
    assert dev.rebuild(set())                             # no event reported
    page = (site / "output" / "articles" / "uk-envoy.html").read_text(encoding="utf-8")
    assert "Same length title B" in page


def test_the_first_edit_after_a_full_index_updates_the_index_in_place(dev: DevSite, site: Path):
    """The server's first build indexes everything and leaves the articles' texts in their
    files; its cache is written at once (not after FLUSH_AFTER), so an edit made right away
    still finds the edited article's last text and updates the index instead of redoing it."""
    assert dev.last_report.search == "rebuilt"
    deadline = time.monotonic() + 10
    while dev._pending_flush() and time.monotonic() < deadline:
        time.sleep(0.05)
    path = site / "content" / "articles" / "uk-envoy.md"
    path.write_text(path.read_text(encoding="utf-8").replace("has a key role", "has a big role"), encoding="utf-8")
    assert dev.rebuild({path})  # (words for words: the average length, which would redo all, stays)
    assert dev.last_report.search == "updated"
