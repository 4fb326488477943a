"""Page checks on the seeds' build: the Nu Html Checker (vnu.jar, Java) finds no errors and axe-core
(in Debian's chromium, light and dark) no serious or critical violations, on an English and a
Vietnamese article, the home, a tag page and the search page (with results shown).

The checkers come from npm: `npm install --prefix tests/pagecheck` (tests/pagecheck/package.json).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, seed_site

CHROMIUM = Path("/usr/bin/chromium")
MODULES = REPO / "tests" / "pagecheck" / "node_modules"
VNU = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = MODULES / "axe-core" / "axe.min.js"
INSTALL = "npm install --prefix tests/pagecheck"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """name → built page; with a base_url, so canonical and OpenGraph markup is checked too."""
    root = tmp_path_factory.mktemp("pagecheck")
    (root / "seeds").mkdir()
    (root / "seeds" / "site.toml").write_text('base_url = "https://news.example/archive"\n', encoding="utf-8")
    out = seed_site(root)
    vi = next(p for p in (out / "articles").glob("*.html") if '<html lang="vi">' in p.read_text(encoding="utf-8"))
    en = next(p for p in (out / "articles").glob("*.html") if '<html lang="en">' in p.read_text(encoding="utf-8"))
    return {"en-article": en, "vi-article": vi, "home": out / "index.html", "vi-home": out / "vi" / "index.html",
            "tag": out / "tags" / "ha-noi.html", "archive": out / "archive" / "index.html",
            "search": out / "search.html"}


@pytest.mark.skipif(not VNU.is_file(), reason=f"vnu-jar is not installed: run `{INSTALL}`")
@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu Html Checker needs Java (`java` not on PATH)")
def test_nu_html_checker_finds_no_errors(pages):
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only",
                          *[str(p) for p in pages.values()]], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == [] and run.returncode == 0, "\n".join(errors)


@pytest.mark.skipif(not AXE.is_file(), reason=f"axe-core is not installed: run `{INSTALL}`")
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
@pytest.mark.skipif(sync_playwright is None, reason="the playwright Python package is not installed")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(pages, scheme):
    found = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        # the pages forbid inline scripts (CSP); axe is injected by the test, not by the site
        context = browser.new_context(bypass_csp=True, color_scheme=scheme)
        for name, path in pages.items():
            for width in (1280, 390):
                page = context.new_page()
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(path.as_uri())
                if name == "search":
                    page.fill("#search-input", "hanoi")
                    page.wait_for_selector("#search-results li", timeout=10_000)
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate(
                    "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                    ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                    " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})))")
                found += [f"{name} @{width}px {scheme}: {v['id']} ({v['impact']}): {v['help']} {v['nodes']}"
                          for v in violations if v["impact"] in ("serious", "critical")]
                page.close()
        browser.close()
    assert found == [], "\n".join(found)
