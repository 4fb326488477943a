"""build_site(config) → BuildReport: the whole build as a short list of stage calls.

Raises ContentError or BuildError and never exits; output/ is only touched by the final commit.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from site_builder import feeds, urls, writer
from site_builder.config import SiteConfig
from site_builder.content import Article, load_articles
from site_builder.markdown import Rendered, pygments_css, render_markdown
from site_builder.render import render_page
from site_builder.site_graph import plan_pages
from site_builder.themes import make_environment, resolve_theme, static_files

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    articles: int
    pages: int
    files: int
    bytes_written: int
    seconds: float
    changed: tuple[str, ...] = ()  # output paths written or removed by this build
    digests: dict = field(default_factory=dict, compare=False, repr=False)  # output path → digest

    def summary(self) -> str:
        return (f"built {self.articles} articles into {self.pages} pages "
                f"({self.files} files, {self.bytes_written / 1e6:.1f} MB) in {self.seconds:.2f} s")


def site_globals(config: SiteConfig) -> dict:
    return {"title": config.title, "description": config.description, "language": config.language,
            "base_url": config.base_url, "extra": dict(config.extra)}


def summary_of(article: Article, rendered: Rendered) -> str:
    if article.summary:
        return article.summary
    text = " ".join(rendered.text.split())
    return text[:200].rsplit(" ", 1)[0] + "…" if len(text) > 200 else text


def build_site(config: SiteConfig, progress: Progress | None = None,
               previous: dict[str, str] | None = None) -> BuildReport:
    """Build the whole site. With `previous` (the digests of the last build, as a dev server keeps
    them) only changed files are rewritten in place; without, output/ is swapped in whole."""
    started = time.perf_counter()
    articles = load_articles(config.articles_dir)
    rendered = {a.slug: render_markdown(a.body) for a in articles}
    theme = resolve_theme(config.theme, config.site_dir)
    env = make_environment(theme)
    site = site_globals(config)
    pages = plan_pages(articles, config.per_page, config.language)
    html_of = {slug: r.html for slug, r in rendered.items()}
    out = writer.OutputSet()
    for i, page in enumerate(pages):
        out.add(page.path, render_page(env, page, site, html_of), page.source)
        if progress:
            progress("pages", i + 1, len(pages))
    for name, path in static_files(theme).items():
        out.add(urls.static_path(name), path.read_bytes(), f"theme file {path}")
    out.add(urls.static_path("pygments.css"), pygments_css().encode("utf-8"), "pygments")
    summaries = {a.slug: summary_of(a, rendered[a.slug]) for a in articles}
    out.add(urls.FEED, feeds.atom_feed(articles, site, summaries), "feed")
    if config.base_url:
        html_paths = [p.path for p in pages if p.path != urls.NOT_FOUND]
        out.add(urls.SITEMAP, feeds.sitemap(html_paths, config.base_url), "sitemap")
    digests = {path: writer.digest(data) for path, data in out.files.items()}
    if previous is not None and config.out_dir.is_dir():
        changed, written = writer.commit_changes(out, config.out_dir, previous)
    else:
        written = writer.commit(out, config.out_dir)
        changed = sorted(out.files)
    return BuildReport(articles=len(articles), pages=len(pages), files=len(out.files),
                       bytes_written=written, seconds=time.perf_counter() - started,
                       changed=tuple(changed), digests=digests)
