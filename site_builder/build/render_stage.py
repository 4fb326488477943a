"""The render stage of a build: the search index, the pages planned (all, or an edit's readers)
and rendered into staging by the workers, every other output claimed as kept.

Jinja, markdown-it, Pygments and the process pool are imported where they are used: a build
that finds nothing changed needs none of them (docs/internals.md has the figures).
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from site_builder import files
from site_builder.build import writer
from site_builder.build.cache import BuildCache, OutputRecord
from site_builder.build.design import Design
from site_builder.build.fingerprint import fingerprint
from site_builder.build.guard import MARKER, MARKER_TEXT
from site_builder.build.incremental import Edit, related_moved, replan
from site_builder.build.plans import FullPlans, NotPlannable, PlanStore
from site_builder.config import SiteConfig
from site_builder.content.archive import by_slug
from site_builder.content.article import Article, article_from_json, body_text
from site_builder.parallel import PARALLEL_MIN
from site_builder.render import feeds
from site_builder.render.themes import TemplateMemo, static_bytes, static_files
from site_builder.search.update import NeedsFullBuild
from site_builder.site import urls
from site_builder.site.graph import Page, SiteGraph, plan_pages, site_graph
from site_builder.site.graph import warnings as graph_warnings
from site_builder.site.links import LinkTargets, attach_links, rewrite_links

if TYPE_CHECKING:
    from site_builder.markdown import Rendered
    from site_builder.search.bodies import RenderedBodies
    from site_builder.search.stage import SearchOutcome

Progress = Callable[[str, int, int], None]
SEARCH_DIR = "search/"


def summary_of(article: Article, rendered: Rendered) -> str:
    if article.summary:
        return article.summary
    text = " ".join(rendered.text.split())
    return text[:200].rsplit(" ", 1)[0] + "…" if len(text) > 200 else text


class RenderedArticles(dict):
    """slug → body HTML, rendered when asked for (in whichever worker renders the page), so a
    rebuild renders Markdown only for the pages it re-renders. What a worker renders is not
    kept but the last one: each body is shown on one page, and a worker renders half the site
    (at 50,000 articles, keeping them cost each worker 150 MB)."""

    def __init__(self, by_slug: dict[str, Article], links: dict[str, tuple] | None = None,
                 bodies: RenderedBodies | None = None):
        super().__init__()
        self._by_slug = by_slug
        self._links = links or {}  # slug → its .md links resolved (site.links.attach_links)
        self._last: tuple[str, str] = ("", "")  # a page that shows its body twice renders it once
        self._bodies = bodies  # what a full build's search stage rendered already

    def __missing__(self, slug: str) -> str:
        if self._last[0] == slug:
            return self._last[1]
        html = self._bodies.html(slug) if self._bodies is not None else None
        if html is None:
            from site_builder.markdown import render_markdown
            html = render_markdown(body_text(self._by_slug[slug])).html
        html = rewrite_links(html, self._links.get(slug, ()))
        self._last = (slug, html)
        return html

    def markdown(self, slug: str) -> str | None:
        """The article's Markdown if the search stage kept it (no need to read its file)."""
        return self._bodies.markdown(slug) if self._bodies is not None else None

    def add_rendered(self, html_by_slug: dict[str, str]) -> None:
        """Bodies rendered elsewhere (by the search stage), their .md links rewritten here."""
        self.update(html_by_slug)
        for slug in self._links.keys() & html_by_slug.keys():
            self[slug] = rewrite_links(html_by_slug[slug], self._links[slug])


def _render_page_job(payload: dict, i: int) -> tuple[str, int, str]:
    """Render one page; the worker writes it into staging itself and returns only (digest, size,
    and with payload["chain"] the page's fingerprint), so the pages' bytes never cross a pipe."""
    from site_builder.render.pages import render_page
    page = payload["pages"][i]
    chain = payload["chain"]
    fp = "" if chain is None else page_fingerprint(chain, page, payload["memo"])  # before rendering: as the parent would
    article = page.context.get("article")
    lazy = vars(article).get("_body") if isinstance(article, Article) else None
    if lazy is not None and not isinstance(lazy, str):  # for a template that reads `article.body`
        article.__dict__["_body"] = payload["html_of"].markdown(article.slug) or lazy
    data = render_page(payload["env"], page, payload["site"], payload["html_of"])
    if lazy is not None and not isinstance(lazy, str):
        article.__dict__["_body"] = lazy  # a template that read `article.body` does not keep it
    files.write_file(payload["staging"], page.path, data, payload["made"])  # per worker: fork copies it
    return files.digest(data), len(data), fp


def _is_current(previous: OutputRecord | None, fp: str, target: Path | str) -> bool:
    """Trust the record only if the file is still there with the size we wrote (never mtimes;
    os.stat on a string, as pathlib costs more than the call here)."""
    if previous is None or previous.fp != fp:
        return False
    try:
        return os.stat(target).st_size == previous.size
    except OSError:
        return False


def outputs_intact(records: dict[str, OutputRecord], out_dir: Path) -> bool:
    """Every recorded output file is there with the size written."""
    base = str(out_dir)
    return all(_is_current(rec, rec.fp, os.path.join(base, p)) for p, rec in records.items())


def files_present(records: dict[str, OutputRecord], out_dir: Path) -> bool:
    """Every recorded output file is there, by listing its folder (a stat of each of the 40,000
    search files of a 50,000-article archive took 0.6 s here). What an in-place update reads is
    checked by digest as it reads it (_search_reader); what it keeps stays as the last build
    linked it."""
    by_folder: dict[str, list[str]] = {}
    for path in records:
        folder, _, name = path.rpartition("/")
        by_folder.setdefault(folder, []).append(name)
    for folder, names in by_folder.items():
        try:
            with os.scandir(os.path.join(out_dir, folder)) as entries:
                present = {e.name for e in entries}
        except OSError:
            return False
        if not present.issuperset(names):
            return False
    return True


def _old_article(cache: BuildCache) -> Callable[[str], Article | None]:
    """digest → the article as the cache knows it (an edited file's previous version)."""
    def old(digest: str) -> Article | None:
        data, body = cache.article_json(digest), cache.body(digest)
        if data is None or body is None:
            return None
        return article_from_json(data, Path(data.get("slug", "")), digest, body)
    return old


def _search_reader(out_dir: Path, records: dict[str, OutputRecord]) -> Callable[[str], bytes | None]:
    """name under search/ → bytes of the file the last build wrote (None if it wrote none);
    a file that is not what was written stops the in-place update."""
    def read(name: str) -> bytes | None:
        rec = records.get(SEARCH_DIR + name)
        if rec is None:
            return None
        try:
            data = (out_dir / SEARCH_DIR / name).read_bytes()
        except OSError:
            data = None
        if data is None or len(data) != rec.size or files.digest(data) != rec.digest:
            raise NeedsFullBuild(f"{SEARCH_DIR}{name} is not what the last build wrote")
        return data
    return read


def add_site_files(out: writer.OutputSet, config: SiteConfig, theme, site: dict,
                   graph: SiteGraph, pages: list[Page]) -> None:
    """Everything besides the pages: theme static files, code styles, feed, sitemap."""
    from site_builder.markdown import pygments_css, render_markdown
    for name, path in static_files(theme).items():
        out.add(urls.static_path(name), static_bytes(path), f"theme file {path}")
    out.add(urls.static_path("pygments.css"), pygments_css().encode("utf-8"), "pygments")
    out.add(MARKER, MARKER_TEXT, "output marker")
    summary = lambda a: a.summary or summary_of(a, render_markdown(a.body))  # noqa: E731
    for path, data in feeds.atom_feeds(graph, site, summary).items():
        out.add(path, data, "feed")
    if config.base_url:
        html_paths = [p.path for p in pages if p.path != urls.NOT_FOUND]
        out.add(urls.SITEMAP, feeds.sitemap(html_paths, config.base_url), "sitemap")


@dataclass
class Rendition:
    """What the render stage made: every output claimed, and what the cache must remember."""
    out: writer.OutputSet
    planned: Planned
    fp_of: dict[str, str]  # page path → fingerprint, of every page
    page_count: int
    rendered: int
    related: dict[str, tuple[str, ...]]
    search: SearchOutcome | None
    notes: tuple[str, ...]  # what the site graph tells the editor (tags left out)
    plans: FullPlans | None = None  # a full plan being kept for the next build


@dataclass(frozen=True)
class KeepPlans:
    """Where and under what meta a build keeps its plans (build/plans.py)."""
    store: PlanStore
    meta: dict[str, str]  # out dir and design; the token is the new store's own
    background: bool      # written by a forked process (not in a dev server, which has threads)


def _search_stage(config: SiteConfig, cache: BuildCache, design: Design, articles: list[Article],
                  search_prior: dict[str, OutputRecord], staging: Path, search_fp: str,
                  intact: bool = False) -> SearchOutcome | None:
    """The search index updated in place or rebuilt (None: the last one is current)."""
    from site_builder.search.stage import build_search

    out_base = str(config.out_dir)
    if (cache.related.get("fp") == search_fp and bool(search_prior)
            and all(_is_current(rec, rec.fp, os.path.join(out_base, p)) for p, rec in search_prior.items())):
        return None
    # An update rewrites only the index files an edit changes and keeps the others as
    # recorded: only if they are all still there.
    search_state = (cache.search_state(design.code, search_prior)
                    if intact or files_present(search_prior, config.out_dir) else None)
    build = partial(build_search, articles, search_fp, old_article=_old_article(cache),
                    read=_search_reader(config.out_dir, search_prior), jobs=config.jobs,
                    staging=staging / SEARCH_DIR, old_related=cache.related)
    if search_state is None:
        return build(None)
    try:
        return build(search_state)
    except sqlite3.Error as exc:  # a store damaged under us: index in full
        cache.warnings.append(f"search state ignored: {exc}")
        return build(None)
    finally:
        search_state.close()


@dataclass
class Planned:
    """The pages a build looks at, their fingerprints, and what the rest of the site needs."""
    pages: list[Page]
    fps: list[str] | None    # None: not made yet (a cold build's page workers make them)
    graph: SiteGraph | None  # the whole site's graph (None: an edit planned only its readers)
    feeds: dict[str, feeds.FeedPlan]  # an edit's feeds to remake (a full plan remakes them all)


def page_fingerprint(chain: str, page: Page, memo: dict) -> str:
    """What a page's rendering reads: the template chain, its template, path, language and
    context. One rule for the parent, the cold build's workers and an edit's re-plan."""
    return fingerprint((chain, page.template, page.path, page.lang, page.context), memo)


def _plan_all(config: SiteConfig, design: Design, articles: list[Article], targets: LinkTargets,
              related: dict[str, tuple[str, ...]], prior: dict[str, OutputRecord]) -> Planned:
    graph = site_graph(articles, design.aliases, config.language)
    pages = plan_pages(articles, config.per_page, config.language, related, graph)
    attach_links(pages, targets, config.articles_dir)
    if not prior:  # nothing to keep: every page is rendered, and the workers make the fingerprints
        return Planned(pages, None, graph, {})
    memo: dict = {}
    fps = [page_fingerprint(design.chain, page, memo) for page in pages]
    return Planned(pages, fps, graph, {})


def _plan_edit(config: SiteConfig, design: Design, articles: list[Article], targets: LinkTargets,
               related: dict[str, tuple[str, ...]], edit: Edit, old_related: dict) -> Planned:
    moved = related_moved(related, old_related)
    pages, feed_paths = replan(edit, articles, related, moved, targets, config.articles_dir)
    memo: dict = {}
    fps = [page_fingerprint(design.chain, page, memo) for page in pages]
    feed_plans = edit.store.feeds(feed_paths)
    if len(feed_plans) != len(feed_paths):
        raise NotPlannable("a feed the reverse map names has no plan")
    return Planned(pages, fps, None, feed_plans)


def render(config: SiteConfig, cache: BuildCache, design: Design, articles: list[Article], targets: LinkTargets,
            prior: dict[str, OutputRecord], staging: Path, search_fp: str, progress: Progress | None,
            templates: TemplateMemo, edit: Edit | None, keep_plans: KeepPlans | None,
            intact: bool = False) -> Rendition:
    """Search index, related briefings, then the pages whose fingerprint changed, written into
    staging by the workers; every other output is claimed as kept. A full plan is kept for the
    next build's edits (`keep_plans`) by a background job while pages render. `intact`: every
    recorded output is known to be there as written (no need to look again)."""
    search = plans = None
    search_prior = (Under(prior, SEARCH_DIR) if edit is not None else
                    {p: rec for p, rec in prior.items() if p.startswith(SEARCH_DIR)})
    try:
        search = _search_stage(config, cache, design, articles, search_prior, staging, search_fp, intact)
        related = cache.related["slugs"] if search is None else search.related
        planned = (_plan_all(config, design, articles, targets, related, prior) if edit is None else
                   _plan_edit(config, design, articles, targets, related, edit, cache.related.get("slugs", {})))
        notes = tuple(graph_warnings(planned.graph)) if edit is None else edit.notes
        if edit is None and keep_plans is not None:
            plans = FullPlans(keep_plans.store, planned.pages, feeds.feed_plans(planned.graph), articles,
                              {**keep_plans.meta, "notes": json.dumps(list(notes))},
                              background=keep_plans.background and len(planned.pages) >= PARALLEL_MIN,
                              articles_dir=config.articles_dir)
        out, rendered = _render_pages(config, design, articles, planned, prior, staging, search, progress, templates)
        if edit is None:
            add_site_files(out, config, design.theme, design.site, planned.graph, planned.pages)
        else:
            _claim_unplanned(out, config, design, planned, prior, articles)
        if search is not None:
            search.finish()
        _claim_search_files(out, search, search_prior)
    except BaseException:
        if search is not None and search.pending is not None:
            search.pending.discard()  # waits for it: it may be writing into staging
        if plans is not None:
            plans.discard()
        raise
    fp_of = {page.path: fp for page, fp in zip(planned.pages, planned.fps)}  # an edit's others: as recorded
    return Rendition(out, planned, fp_of, len(planned.pages) if edit is None else cache.page_count,
                     rendered, related, search, notes, plans)


def _render_pages(config: SiteConfig, design: Design, articles: list[Article], planned: Planned,
                  prior: dict[str, OutputRecord], staging: Path, search: SearchOutcome | None,
                  progress: Progress | None, templates: TemplateMemo) -> tuple[writer.OutputSet, int]:
    """Render the planned pages whose fingerprint changed (workers write them into staging);
    the others are kept."""
    from site_builder.parallel import ordered_map

    out_base = str(config.out_dir)
    pages, fps = planned.pages, planned.fps
    if fps is None:
        todo = list(range(len(pages)))
    else:
        todo = [i for i, page in enumerate(pages)
                if not _is_current(prior.get(page.path), fps[i], os.path.join(out_base, page.path))]
    env = templates.environment(design.chain, design.theme)
    # Markdown is rendered where it is needed: inside the page workers, for the pages to render.
    html_of = RenderedArticles(by_slug(articles),
                               {p.context["article"].slug: p.context["links"] for p in pages if "links" in p.context},
                               search.bodies if search is not None else None)
    if search is not None:
        html_of.add_rendered(search.html)
    bar = (lambda done, total: progress("pages", done, total)) if progress else None
    results = ordered_map(_render_page_job, len(todo),
                          {"env": env, "pages": [pages[i] for i in todo], "site": design.site,
                           "html_of": html_of, "staging": staging, "made": set(),
                           "chain": design.chain if fps is None else None, "memo": {}}, config.jobs, bar)
    if fps is None:
        planned.fps = [fp for _, _, fp in results]
    out = writer.OutputSet()
    rendered_at = dict(zip(todo, results))
    for i, page in enumerate(pages):
        if i in rendered_at:
            digest, size, _ = rendered_at[i]
            out.stage(page.path, digest, page.source, size)
        else:
            out.keep(page.path, prior[page.path].digest, page.source, prior[page.path].size)
    return out, len(todo)


def _claim_unplanned(out: writer.OutputSet, config: SiteConfig, design: Design, planned: Planned,
                     prior: Mapping[str, OutputRecord], articles) -> None:
    """An edit's other outputs: its feeds made again, everything else kept as recorded (the
    search files' fate is _claim_search_files')."""
    if planned.feeds:
        from site_builder.markdown import render_markdown
        summary = lambda a: a.summary or summary_of(a, render_markdown(a.body))  # noqa: E731
        listed = by_slug(articles)
        for path, plan in sorted(planned.feeds.items()):
            out.add(path, feeds.feed_of(plan, listed, design.site, summary), "feed")
    out.keep_rest(prior)


def _claim_search_files(out: writer.OutputSet, search: SearchOutcome | None,
                        search_prior: Mapping[str, OutputRecord]) -> None:
    """The index files: rebuilt (some written into staging by the index job), updated in place
    (the rest kept), or all kept. Over an edit's kept base, what is not made again is dropped."""
    if search is not None and search.full:
        for name, data in search.files.items():
            out.add(SEARCH_DIR + name, data, "search index")
        for name, (digest, size) in search.staged.items():
            out.stage(SEARCH_DIR + name, digest, "search index", size)
        if out.base is not None:
            for path in search_prior:
                if path not in out.sources:
                    out.drop(path)
        return
    updated = {} if search is None else search.files
    if out.base is None:
        out.keep_records(search_prior, "search index", leave=[SEARCH_DIR + name for name in updated])
    for name, data in updated.items():
        if data is not None:
            out.add(SEARCH_DIR + name, data, "search index")
        elif out.base is not None:
            out.drop(SEARCH_DIR + name)


class Under(Mapping):
    """The records under a folder, over all of them (an edit's: read by key, not listed)."""

    def __init__(self, records: Mapping[str, OutputRecord], prefix: str):
        self.records, self.prefix = records, prefix

    def __getitem__(self, path: str) -> OutputRecord:
        if not path.startswith(self.prefix):
            raise KeyError(path)
        return self.records[path]

    def __iter__(self):
        return (p for p in self.records if p.startswith(self.prefix))

    def __len__(self) -> int:
        count = getattr(self.records, "count_under", None)
        return count(self.prefix) if count is not None else sum(1 for _ in self)
