"""build_site(config) → BuildReport: the whole build as a short list of stage calls.

Raises ContentError or BuildError and never exits; output/ is only touched by the final commit.
With a build cache, a page whose fingerprint (template chain + everything its context reads)
is unchanged is neither rendered nor written.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from site_builder.render import feeds
from site_builder.site import urls
from site_builder import files
from site_builder.build import writer
from site_builder.build.cache import BuildCache, OutputRecord, known_json, trusted_files, unchanged_files
from site_builder.build.fingerprint import code_fingerprint, fingerprint, hash_files
from site_builder.config import SiteConfig
from site_builder.errors import BuildError
from site_builder.build.guard import MARKER, MARKER_TEXT, check_articles_dir, check_output_dir
from site_builder.build.lock import build_lock
from site_builder.content.article import Article, article_from_json, body_text
from site_builder.content.loader import article_files, load_articles, stat_key
from site_builder.search.partial import gc_paused
from site_builder.search.update import NeedsFullBuild
from site_builder.site.graph import Page, SiteGraph, plan_pages, site_graph
from site_builder.site.graph import warnings as graph_warnings
from site_builder.site.tags import load_aliases
from site_builder.render.themes import Theme, TemplateMemo, resolve_theme, static_files, template_files
from site_builder.site.links import LinkTargets, attach_links, rewrite_links
from site_builder.build.publish import check_articles, replay_warnings
from site_builder.build.incremental import Edit, find_edit, related_moved, replan
from site_builder.build.plans import FullPlans, NotPlannable, PlanStore, encode_pages, new_token
from site_builder.parallel import PARALLEL_MIN
from site_builder.site_warnings import SiteWarning, save_warnings

if TYPE_CHECKING:
    from site_builder.markdown import Rendered
    from site_builder.search.stage import SearchOutcome

# Jinja, markdown-it, Pygments and the process pool are imported where they are used: a build
# that finds nothing changed needs none of them (docs/internals.md has the figures).

Progress = Callable[[str, int, int], None]
SEARCH_DIR = "search/"


@dataclass(frozen=True)
class BuildReport:
    articles: int
    pages: int
    files: int
    bytes_written: int
    seconds: float
    changed: tuple[str, ...] = ()  # output paths written or removed by this build
    digests: dict = field(default_factory=dict, compare=False, repr=False)  # output path → digest
    rendered: int = 0  # pages actually rendered (the rest were current)
    planned: int = 0   # pages planned and fingerprinted: all, or an edit's readers (build/incremental.py)
    search: str = "reused"  # search index: reused, updated (in place) or rebuilt
    warnings: tuple[SiteWarning | str, ...] = ()  # the content's (SiteWarning) and the cache's own notes

    def summary(self) -> str:
        return (f"built {self.articles} articles into {self.pages} pages "
                f"({self.rendered} rendered, {len(self.changed)} files written or removed) "
                f"in {self.seconds:.2f} s")


def site_globals(config: SiteConfig) -> dict:
    return {"title": config.title, "description": config.description, "language": config.language,
            "base_url": config.base_url, "extra": dict(config.extra)}


def summary_of(article: Article, rendered: Rendered) -> str:
    if article.summary:
        return article.summary
    text = " ".join(rendered.text.split())
    return text[:200].rsplit(" ", 1)[0] + "…" if len(text) > 200 else text


class RenderedArticles(dict):
    """slug → body HTML, rendered on first use (in whichever worker renders the page), so a
    rebuild renders Markdown only for the pages it re-renders."""

    def __init__(self, by_slug: dict[str, Article], links: dict[str, tuple] | None = None):
        super().__init__()
        self._by_slug = by_slug
        self._links = links or {}  # slug → its .md links resolved (site.links.attach_links)

    def __missing__(self, slug: str) -> str:
        from site_builder.markdown import render_markdown
        html = render_markdown(body_text(self._by_slug[slug])).html
        self[slug] = html = rewrite_links(html, self._links.get(slug, ()))
        return html

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
    fp = "" if chain is None else fingerprint((chain, page.template, page.path, page.lang, page.context),
                                              payload["memo"])  # before rendering: as the parent would
    data = render_page(payload["env"], page, payload["site"], payload["html_of"])
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


def _outputs_intact(records: dict[str, OutputRecord], out_dir: Path) -> bool:
    """Every recorded output file is there with the size written."""
    base = str(out_dir)
    return all(_is_current(rec, rec.fp, os.path.join(base, p)) for p, rec in records.items())


def _old_article(cache: BuildCache) -> Callable[[str], Article | None]:
    """digest → the article as the cache knows it (an edited file's previous version)."""
    def old(digest: str) -> Article | None:
        data, body = cache.articles.get(digest), cache.body(digest)
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
        out.add(urls.static_path(name), path.read_bytes(), f"theme file {path}")
    out.add(urls.static_path("pygments.css"), pygments_css().encode("utf-8"), "pygments")
    out.add(MARKER, MARKER_TEXT, "output marker")
    summary = lambda a: a.summary or summary_of(a, render_markdown(a.body))  # noqa: E731
    for path, data in feeds.atom_feeds(graph, site, summary).items():
        out.add(path, data, "feed")
    if config.base_url:
        html_paths = [p.path for p in pages if p.path != urls.NOT_FOUND]
        out.add(urls.SITEMAP, feeds.sitemap(html_paths, config.base_url), "sitemap")


def build_site(config: SiteConfig, progress: Progress | None = None,
               previous: dict[str, str] | None = None, use_cache: bool = True,
               cache: BuildCache | None = None, changed: set[Path] | None = None,
               templates: TemplateMemo | None = None) -> BuildReport:
    """Build the site into a staging tree and swap it in whole. A dev server passes the digests
    of its last build (`previous`), its long-lived `cache` and compiled `templates`, and the
    paths its watcher saw `changed` since the last build."""
    check_output_dir(config.out_dir, config.site_dir)
    check_articles_dir(config.articles_dir, config.site_dir)
    try:
        with build_lock(config.cache_dir), gc_paused():  # no cycles worth collecting in a build
            writer.recover(config.out_dir)
            if cache is None:
                cache = BuildCache(config.cache_dir if use_cache else None)
            return _build_site(config, progress, previous, cache, changed, templates or TemplateMemo())
    except OSError as exc:  # disk full, a folder we may not write: the last output stays as it was
        raise BuildError(f"cannot write: {exc.strerror or exc}", exc.filename or config.out_dir) from None


@dataclass(frozen=True)
class Design:
    """Everything an output depends on besides the articles."""
    theme: Theme
    site: dict
    code: str    # code_fingerprint(): also what the search index depends on
    chain: str   # templates + code + site settings: part of every page's fingerprint
    parts: tuple
    aliases: dict  # the site's tag aliases (content/tags.toml)

    @staticmethod
    def of(config: SiteConfig) -> Design:
        theme = resolve_theme(config.theme, config.site_dir)
        site = site_globals(config)
        code = code_fingerprint()
        chain = hash_files(template_files(theme), code + json.dumps(site, sort_keys=True, default=str))
        aliases = load_aliases(config.content_dir)
        parts = (chain, code, hash_files(list(static_files(theme).values()), config.theme),
                 config.per_page, config.language, config.drafts, json.dumps(aliases, sort_keys=True))
        return Design(theme, site, code, chain, parts, aliases)


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


def _article_stats(articles_dir: Path) -> dict:
    """{"at": when, "stat": {article file: stat key}}; the time is taken before the first stat."""
    at = time.time_ns()
    base = str(articles_dir)
    try:
        return {"at": at, "stat": {rel: stat_key(os.path.join(base, rel)) for rel in article_files(articles_dir)}}
    except OSError:  # a file went away while we looked: no snapshot this time
        return {}


def _digests_by_file(articles_dir: Path, articles: list[Article], trusted: dict[str, str]) -> dict[str, str]:
    """Article file → digest. The trusted files' digests are known already: only the others'
    paths are looked at (turning every path into a name would cost an edit more than the rest)."""
    digests = dict(trusted)
    known = set(trusted.values())
    base = os.path.join(str(articles_dir), "")
    for a in articles:
        if a.digest not in known:
            digests[str(a.source_path)[len(base):].replace(os.sep, "/")] = a.digest
    return digests


def _nothing_to_do(articles: int, cache: BuildCache, prior: dict[str, OutputRecord], started: float,
                   warnings: tuple[SiteWarning, ...]) -> BuildReport:
    return BuildReport(articles=articles, pages=cache.page_count, files=len(prior), bytes_written=0,
                       seconds=time.perf_counter() - started, warnings=tuple(cache.warnings) + warnings,
                       digests={p: rec.digest for p, rec in prior.items()}, rendered=0)


def _changed_articles(config: SiteConfig, changed: set[Path] | None) -> set[str] | None:
    if changed is None:
        return None
    root = config.articles_dir.resolve()
    return {Path(p).resolve().relative_to(root).as_posix() for p in changed
            if Path(p).resolve().is_relative_to(root)}


def _build_site(config: SiteConfig, progress: Progress | None, previous: dict[str, str] | None,
                cache: BuildCache, changed: set[Path] | None, templates: TemplateMemo) -> BuildReport:
    started = time.perf_counter()
    design = Design.of(config)
    prior = cache.previous_outputs(config.out_dir) if config.out_dir.is_dir() else {}
    # A command-line build first looks at the article files' stat: all as the last build saw
    # them, and nothing else changed, and every output still what was written → done, without
    # reading an article. (A dev server knows what changed from its watcher instead.)
    files = (_article_stats(config.articles_dir)
             if cache.root is not None and changed is None and not cache.write_behind else {})
    if (prior and files and unchanged_files(cache.files, files["stat"])
            and cache.site_fp == fingerprint((*design.parts, cache.related.get("fp", "")))
            and _outputs_intact(prior, config.out_dir)):
        warnings = replay_warnings(config, cache.root)
        published = sum(1 for p in prior if p.startswith("articles/"))  # drafts have no page
        return _nothing_to_do(published, cache, prior, started, warnings)
    trusted = trusted_files(cache.files, files["stat"]) if files else None
    articles = load_articles(config.articles_dir, cache.articles, config.jobs,
                             snapshot=cache.snapshot if cache.write_behind else None,
                             changed=_changed_articles(config, changed), unchanged=trusted)
    if files:  # what each file held when looked at: the next build trusts it while its stat holds
        files["digests"] = _digests_by_file(config.articles_dir, articles, trusted)
    checked = check_articles(articles, config)  # drafts left out; warnings (--strict stops here)
    articles = checked.articles
    # Search index and related briefings depend on every article's text.
    search_fp = fingerprint((design.code, [a.digest for a in articles]))
    site_fp = fingerprint((*design.parts, search_fp))
    if prior and cache.site_fp == site_fp and _outputs_intact(prior, config.out_dir):
        if files:  # the stat check could not vouch for them (touched, just changed, no record):
            # record what they are now, so that the next build can
            cache.save(articles=cache.articles, bodies={a.digest: a for a in articles}, pages=cache.pages,
                       out_dir=config.out_dir, related=cache.related, site_fp=site_fp,
                       page_count=cache.page_count, files=files)
        save_warnings(cache.root, list(checked.warnings))
        return _nothing_to_do(len(articles), cache, prior, started, checked.warnings)
    store = PlanStore(config.cache_dir) if cache.root is not None else None
    expected = {"token": cache.plans_token, "out_dir": str(config.out_dir), "design": fingerprint(design.parts)}
    edit = find_edit(store, expected, articles) if store is not None and prior and cache.plans_token else None
    keep = KeepPlans(store, {k: v for k, v in expected.items() if k != "token"},
                     background=not cache.write_behind) if store is not None else None
    try:
        made, digests, known, written, shards = _stage_and_commit(
            config, cache, design, articles, checked, prior, previous, search_fp, progress, templates, edit, keep)
    except NotPlannable:  # the store lacked a plan it should have had: plan everything
        made, digests, known, written, shards = _stage_and_commit(
            config, cache, design, articles, checked, prior, previous, search_fp, progress, templates, None, keep)
    fp_of = dict(made.fp_of)
    fp_of.update({p: search_fp for p in digests if p.startswith(SEARCH_DIR)})
    records = {p: OutputRecord(fp_of.get(p, ""), d, made.out.size(p)) for p, d in digests.items()}
    save_warnings(cache.root, list(checked.warnings))
    known_articles = cache.articles_written(shards)
    if known_articles is None:
        known_articles = known_json(articles, cache.articles)
    token = _save_plans(store, made, articles, edit, expected) if store is not None else ""
    search = made.search
    cache.save(articles=known_articles, bodies={a.digest: a for a in articles}, pages=records,
               out_dir=config.out_dir, site_fp=site_fp, page_count=made.page_count, files=files,
               related={"fp": search_fp, "slugs": {k: list(v) for k, v in sorted(made.related.items())}},
               search={**search.state, "code": design.code} if search is not None else None, plans_token=token)
    written_paths = sorted(p for p in digests.keys() | known.keys() if digests.get(p) != known.get(p))
    return BuildReport(articles=len(articles), pages=made.page_count, files=len(digests),
                       bytes_written=written, seconds=time.perf_counter() - started,
                       changed=tuple(written_paths), digests=digests, rendered=made.rendered,
                       planned=len(made.planned.pages),
                       search="reused" if search is None else "rebuilt" if search.full else "updated",
                       warnings=tuple(cache.warnings) + made.notes + checked.warnings)


def _stage_and_commit(config: SiteConfig, cache: BuildCache, design: Design, articles: list[Article],
                      checked, prior: dict[str, OutputRecord], previous: dict[str, str] | None, search_fp: str,
                      progress: Progress | None, templates: TemplateMemo, edit: Edit | None,
                      keep_plans: KeepPlans | None):
    """Render into a staging tree and swap it in if any output changed. Returns what was made,
    the new and the known output digests, the bytes written and the cache-shard job."""
    cold = not prior and previous is None
    made = None
    with writer.StagedOutput(config.out_dir) as staged:
        shards = cache.write_articles_now(articles) if cold else None  # the cache, beside the pages
        try:
            made = _render(config, cache, design, articles, checked.targets, prior, staged.root, search_fp, progress,
                           templates, edit, keep_plans)
            made.out.reuse(prior, config.out_dir)
            digests = made.out.digests()
            known = previous if previous is not None else {p: rec.digest for p, rec in prior.items()}
            if digests != known or not config.out_dir.is_dir():
                cache.before_commit()
                written = staged.commit(made.out, known)  # known: the live tree's paths
            else:
                staged.release(made.out)
                written = 0
        except BaseException:
            if shards is not None:
                shards.discard()  # its process must not outlive the build
            if made is not None and made.plans is not None:
                made.plans.discard()
            raise
    return made, digests, known, written, shards


def _save_plans(store: PlanStore, made: Rendition, articles: list[Article], edit: Edit | None,
                expected: dict[str, str]) -> str:
    """Keep the plans of what was built, for the next build's edits: the token they are known
    by ("" if they could not be kept, and then the next build plans everything)."""
    if made.plans is not None:
        return made.plans.commit()
    if edit is None:
        store.forget()
        return ""
    token = new_token()
    try:
        planned, shared = encode_pages(made.planned.pages)
        edited = set(edit.edited)
        store.update(planned, shared, [a for a in articles if a.slug in edited],
                     {**expected, "token": token, "notes": json.dumps(list(made.notes))})
    except NotPlannable:
        store.forget()
        return ""
    finally:
        store.close()
    return token


def _search_stage(config: SiteConfig, cache: BuildCache, design: Design, articles: list[Article],
                  prior: dict[str, OutputRecord], staging: Path, search_fp: str) -> SearchOutcome | None:
    """The search index updated in place or rebuilt (None: the last one is current)."""
    from site_builder.search.stage import build_search

    out_base = str(config.out_dir)
    search_prior = {p: rec for p, rec in prior.items() if p.startswith(SEARCH_DIR)}
    if (cache.related.get("fp") == search_fp and bool(search_prior)
            and all(_is_current(rec, search_fp, os.path.join(out_base, p)) for p, rec in search_prior.items())):
        return None
    # An update rewrites only the index files an edit changes and keeps the others as
    # recorded: only if they are all still there.
    search_state = (cache.search_state(design.code, search_prior)
                    if _outputs_intact(search_prior, config.out_dir) else None)
    return build_search(articles, search_fp, search_state, _old_article(cache),
                        _search_reader(config.out_dir, search_prior), config.jobs,
                        staging=staging / SEARCH_DIR, old_related=cache.related)


@dataclass
class Planned:
    """The pages a build looks at, their fingerprints, and what the rest of the site needs."""
    pages: list[Page]
    fps: list[str] | None    # None: not made yet (a cold build's page workers make them)
    graph: SiteGraph | None  # the whole site's graph (None: an edit planned only its readers)
    feeds: set[str]          # an edit's feeds to remake (a full plan remakes them all)


def _plan_all(config: SiteConfig, design: Design, articles: list[Article], targets: LinkTargets,
              related: dict[str, tuple[str, ...]], prior: dict[str, OutputRecord]) -> Planned:
    graph = site_graph(articles, design.aliases, config.language)
    pages = plan_pages(articles, config.per_page, config.language, related, graph)
    attach_links(pages, targets, config.articles_dir)
    if not prior:  # nothing to keep: every page is rendered, and the workers make the fingerprints
        return Planned(pages, None, graph, set())
    memo: dict = {}
    fps = [fingerprint((design.chain, page.template, page.path, page.lang, page.context), memo) for page in pages]
    return Planned(pages, fps, graph, set())


def _plan_edit(config: SiteConfig, design: Design, articles: list[Article], targets: LinkTargets,
               related: dict[str, tuple[str, ...]], edit: Edit, old_related: dict) -> Planned:
    moved = related_moved(related, old_related)
    pages, feeds = replan(edit, articles, related, moved, targets, config.articles_dir)
    memo: dict = {}
    fps = [fingerprint((design.chain, page.template, page.path, page.lang, page.context), memo) for page in pages]
    graph = site_graph(articles, design.aliases, config.language) if feeds else None
    return Planned(pages, fps, graph, feeds)


def _render(config: SiteConfig, cache: BuildCache, design: Design, articles: list[Article], targets: LinkTargets,
            prior: dict[str, OutputRecord], staging: Path, search_fp: str, progress: Progress | None,
            templates: TemplateMemo, edit: Edit | None, keep_plans: KeepPlans | None) -> Rendition:
    """Search index, related briefings, then the pages whose fingerprint changed, written into
    staging by the workers; every other output is claimed as kept. A full plan is kept for the
    next build's edits (`keep_plans`) by a background job while pages render."""
    search = plans = None
    try:
        search = _search_stage(config, cache, design, articles, prior, staging, search_fp)
        related = ({k: tuple(v) for k, v in cache.related["slugs"].items()} if search is None else search.related)
        planned = (_plan_all(config, design, articles, targets, related, prior) if edit is None else
                   _plan_edit(config, design, articles, targets, related, edit, cache.related.get("slugs", {})))
        notes = tuple(graph_warnings(planned.graph)) if edit is None else edit.notes
        if edit is None and keep_plans is not None:
            plans = FullPlans(keep_plans.store, planned.pages, feeds.feed_reads(planned.graph), articles,
                              {**keep_plans.meta, "notes": json.dumps(list(notes))},
                              background=keep_plans.background and len(planned.pages) >= PARALLEL_MIN)
        out, rendered = _render_pages(config, design, articles, planned, prior, staging, search, progress, templates)
        if edit is None:
            add_site_files(out, config, design.theme, design.site, planned.graph, planned.pages)
        else:
            _claim_unplanned(out, config, design, planned, prior)
        if search is not None:
            search.finish()
        _claim_search_files(out, search, {p: rec for p, rec in prior.items() if p.startswith(SEARCH_DIR)})
    except BaseException:
        if search is not None and search.pending is not None:
            search.pending.discard()  # waits for it: it may be writing into staging
        if plans is not None:
            plans.discard()
        raise
    fp_of = {} if edit is None else {p: rec.fp for p, rec in prior.items()}
    fp_of.update({page.path: fp for page, fp in zip(planned.pages, planned.fps)})
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
    html_of = RenderedArticles({a.slug: a for a in articles},
                               {p.context["article"].slug: p.context["links"] for p in pages if "links" in p.context})
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
                     prior: dict[str, OutputRecord]) -> None:
    """An edit's other outputs: its feeds made again, everything else (search files aside) kept."""
    if planned.graph is not None:
        from site_builder.markdown import render_markdown
        summary = lambda a: a.summary or summary_of(a, render_markdown(a.body))  # noqa: E731
        for path, data in feeds.atom_feeds(planned.graph, design.site, summary).items():
            out.add(path, data, "feed")
    for path, rec in prior.items():
        if path not in out.sources and not path.startswith(SEARCH_DIR):
            out.keep(path, rec.digest, "kept output", rec.size)


def _claim_search_files(out: writer.OutputSet, search: SearchOutcome | None,
                        search_prior: dict[str, OutputRecord]) -> None:
    """The index files: rebuilt (some written into staging by the index job), updated in place
    (the rest kept), or all kept."""
    if search is not None and search.full:
        for name, data in search.files.items():
            out.add(SEARCH_DIR + name, data, "search index")
        for name, (digest, size) in search.staged.items():
            out.stage(SEARCH_DIR + name, digest, "search index", size)
        return
    updated = {} if search is None else search.files
    for path, rec in search_prior.items():
        if path[len(SEARCH_DIR):] not in updated:
            out.keep(path, rec.digest, "search index", rec.size)
    for name, data in updated.items():
        if data is not None:
            out.add(SEARCH_DIR + name, data, "search index")
