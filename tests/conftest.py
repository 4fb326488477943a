"""Scratch sites in tmp_path, and helpers that check built output the way a reader would."""
from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent



def write_article(site: Path, name: str, front: str, body: str = "Body text.\n") -> Path:
    path = site / "content" / "articles" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{textwrap.dedent(front).strip()}\n---\n{body}", encoding="utf-8")
    return path


def generated_archive(site: Path, vi_body: str = "Các vụ tội phạm mạng tăng mạnh ở Hà Nội.\n") -> Path:
    """120 generated articles and a Vietnamese one: the small archive the edit tests work on."""
    from corpus import generate
    generate(120, site / "content" / "articles")
    write_article(site, "toi-pham.md", 'title: "Tội phạm mạng gia tăng"\ndate: 2025-06-01\nlang: vi\ntags: [an ninh]',
                  vi_body)
    return site


def write_bilingual_articles(s: Path, vi_body: str = "Đại sứ Anh nói về **tội phạm mạng**.\n",
                             en_body: str = "The ambassador spoke.\n\n```python\nprint('hi')\n```\n") -> Path:
    """Two translated articles (Vietnamese and English, one with code) and an undated note."""
    write_article(s, "dai-su-anh.md", """
        title: "Đại sứ Anh: Việt Nam có vai trò quan trọng"
        date: 2025-10-26
        lang: vi
        source: TTXVN
        tags: [an ninh mạng, ngoại giao]
        translations: [uk-envoy]
        """, vi_body)
    write_article(s, "uk-envoy.md", """
        title: "UK envoy: Vietnam has a key role"
        date: 2025-10-25
        lang: en
        source: VNA/VNS
        author: Staff writer
        tags: [cybercrime, diplomacy]
        translations: [dai-su-anh]
        source_url: https://example.org/envoy
        mood: calm
        """, en_body)
    write_article(s, "undated-note.md", """
        title: Undated note
        lang: en
        tags: [diplomacy]
        """, "A note with no date.\n")
    return s


def write_ranking_articles(s: Path) -> Path:
    """Pairs of articles whose search order a rule decides: the accents typed (both fold to
    "quellmoor toi"), and a phrase over the same words apart (the scattered one is newer, so
    recency would win a tie)."""
    write_article(s, "crime.md", 'title: "Quellmoor tội"\nlang: vi\ndate: 2024-01-01', "Chuyện Quellmoor.\n")
    write_article(s, "evening.md", 'title: "Quellmoor tối"\nlang: vi\ndate: 2024-01-02', "Chuyện Quellmoor.\n")
    write_article(s, "phrase.md", 'title: "Vexhollow một"\nlang: vi\ndate: 2023-01-01',
                  "Vexhollow nói về tội phạm ở đây.\n")
    write_article(s, "scattered.md", 'title: "Vexhollow hai"\nlang: vi\ndate: 2023-06-01',
                  "Vexhollow: tội ở đây, phạm ở kia.\n")
    return s


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small bilingual site: two translated articles, one with code, one undated."""
    return write_bilingual_articles(tmp_path / "site")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attr, value)
        self.html_lang: str | None = None

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if tag == "html":
            self.html_lang = d.get("lang")
        for attr in ("href", "src"):
            if d.get(attr) is not None:
                self.refs.append((tag, attr, d[attr]))


def page_refs(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(out: Path) -> list[str]:
    """Every relative href/src in every page must name an existing file (not a folder)."""
    problems = []
    for page in sorted(out.rglob("*.html")):
        for tag, attr, value in page_refs(page).refs:
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//") or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                problems.append(f"{page.relative_to(out)}: {tag} {attr}={value}")
    return problems


def remote_loads(out: Path) -> list[str]:
    """Anything a page would fetch from another host (stylesheets, scripts, images, frames)."""
    problems = []
    for page in sorted(out.rglob("*.html")):
        for tag, attr, value in page_refs(page).refs:
            loads = tag in ("script", "img", "iframe", "source", "video", "audio") or (
                tag == "link" and attr == "href")
            if loads and re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", value, re.I):
                problems.append(f"{page.relative_to(out)}: {tag} {value}")
        css_urls = re.findall(r"url\(\s*['\"]?(?:https?:)?//", page.read_text(encoding="utf-8"))
        problems += [f"{page.relative_to(out)}: css url" for _ in css_urls]
    return problems


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def seed_site(root: Path, *build_args: str) -> Path:
    """The repo's seeds (content/raw/) imported into a scratch site and built; returns output/."""
    from click.testing import CliRunner

    from site_builder.cli import main

    site = root / "seeds"
    (site / "content").mkdir(parents=True)
    import shutil
    shutil.copytree(REPO / "content" / "raw", site / "content" / "raw")
    for args in (["import", "--site", str(site)], ["build", "--site", str(site), *build_args]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    return site / "output"


class PageText(HTMLParser):
    """What a reader sees or hears of a page: text outside script/style, plus the attributes a
    browser shows or reads aloud (title, alt, placeholder, aria-label, value)."""
    SHOWN = ("title", "alt", "placeholder", "aria-label", "value")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in self.SHOWN and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = PageText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())
