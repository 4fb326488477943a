"""A build with something to do: load the articles (cached ones unread), check them, plan and
render what changed (all of it, or an edit's readers), commit all-or-nothing, save the cache
and the plans. With a build cache, a page whose fingerprint (template chain + everything its
context reads) is unchanged is neither rendered nor written.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from site_builder.build import writer
from site_builder.build.archive import QuickEdit, quick_edit, remember_full_list, remember_published, watched_edit
from site_builder.build.cache import ArticleChanges, BuildCache, OutputRecord, known_json, trusted_files
from site_builder.build.state_store import MadeRecords, OutDirs
from site_builder.build.design import Design
from site_builder.build.fingerprint import fingerprint
from site_builder.overlay import Overlay
from site_builder.build.incremental import Edit, find_edit
from site_builder.build.plans import NotPlannable, PlanStore, encode_pages, new_token
from site_builder.build.publish import Checked, check_articles, check_edit
from site_builder.build.render_stage import SEARCH_DIR, KeepPlans, Rendition, outputs_intact, render
from site_builder.build.report import BuildReport, Progress
from site_builder.build.unchanged import out_dirs_settled, out_dirs_unchanged, outputs_as_recorded
from site_builder.config import SiteConfig
from site_builder.content.archive import by_slug, digests_of
from site_builder.content.article import Article, article_to_json
from site_builder.content.files import name_under
from site_builder.content.loader import load_articles
from site_builder.render.themes import TemplateMemo
from site_builder.site.links import LinkTargets
from site_builder.site_warnings import save_warnings


def build_changed(config: SiteConfig, cache: BuildCache, design: Design, files: dict, started: float,
                  progress: Progress | None, previous: dict[str, str] | None, changed: set[Path] | None,
                  templates: TemplateMemo) -> BuildReport:
    """The build after the quick look found something to do (or could not tell). `files`: the
    article files' stat as a command-line build took it ({} for a dev server)."""
    prior = cache.previous_outputs(config.out_dir) if config.out_dir.is_dir() else {}
    # Outputs removed or cut short by hand since the last build: no edit path (it keeps outputs by
    # name), the full plan finds and remakes them. A dev server's records are its own.
    intact, out_dirs = None, None
    if previous is None:
        intact, out_dirs = outputs_as_recorded(cache, config.out_dir, prior) if prior else (False, None)
    elif prior and out_dirs_unchanged(config.out_dir, cache.state.out_dirs):  # a dev server's, settled (settle)
        intact, out_dirs = True, cache.state.out_dirs
    store = PlanStore(config.cache_dir) if cache.root is not None else None
    expected = {"token": cache.plans_token, "out_dir": str(config.out_dir), "design": fingerprint(design.parts)}
    quick = (quick_edit(config, cache, store, expected, files)
             if files and store is not None and intact and cache.plans_token else None)
    if quick is None and changed is not None and cache.write_behind and previous is not None and prior \
            and store is not None and cache.plans_token:  # a dev server's watcher names the changed files
        quick = watched_edit(config, cache, store, expected, changed)
    articles, checked = _load_and_check(config, cache, files, changed, quick)
    # Search index and related briefings depend on every article's text.
    search_fp = fingerprint((design.code, digests_of(articles)))
    site_fp = fingerprint((*design.parts, search_fp))
    if quick is None and prior and cache.site_fp == site_fp and (
            outputs_intact(prior, config.out_dir) if intact is None else intact):
        # Nothing changed since the build whose plans the store keeps: its list is this one.
        remember_full_list(cache, articles, config.articles_dir, cache.plans_token)
        return _nothing_to_do(config, cache, articles, checked, prior, files, site_fp, started, out_dirs)
    edit = quick.edit if quick is not None else (
        find_edit(store, expected, articles)
        if store is not None and prior and intact is not False and cache.plans_token else None)
    keep = KeepPlans(store, {k: v for k, v in expected.items() if k != "token"},
                     background=not cache.write_behind) if store is not None else None
    try:
        made, commit = _stage_and_commit(
            config, cache, design, articles, checked, prior, previous, search_fp, progress, templates, edit, keep,
            intact=bool(intact), vouched=out_dirs if out_dirs is cache.state.out_dirs else None)
    except NotPlannable:  # the store lacked a plan it should have had: plan everything
        if quick is not None:  # the whole list, then
            articles, checked = _load_and_check(config, cache, files, changed, None)
        made, commit = _stage_and_commit(
            config, cache, design, articles, checked, prior, previous, search_fp, progress, templates, None, keep)
    records = _records(commit.digests, made.fp_of, made.out, prior, commit.gone)
    # After a full build the next edit would link every output into a new staging tree: linked
    # now, beside the cache write, the tree is ready for it.
    renewal = (writer.renew_spare(config.out_dir, records, background=config.jobs > 1)
               if not commit.edit and not commit.spare_ready else None)
    before_dirs = cache.state.out_dirs
    save_warnings(cache.root, list(checked.warnings))
    known_articles = cache.articles_written(commit.shards)
    if known_articles is None:
        known_articles = (known_json(articles, cache.articles) if quick is None else
                          ArticleChanges({a.digest: d for a in quick.edited if (d := article_to_json(a)) is not None},
                                         quick.replaced))
    token = _save_plans(store, made, articles, edit, expected) if store is not None else ""
    if quick is not None and articles is quick.articles:  # no fall back to the full load
        remember_published(cache, quick, token)
    elif edit is None:
        remember_full_list(cache, articles, config.articles_dir, token)
    search = made.search
    bodies = {a.digest: a for a in (articles if quick is None else quick.edited)}
    cache.save(articles=known_articles, bodies=bodies, pages=records,
               out_dir=config.out_dir, site_fp=site_fp, page_count=made.page_count, published=len(articles),
               files=files,
               related={"fp": search_fp, "slugs": made.related},
               search=replace(search.state, code=design.code) if search is not None else None, plans_token=token)
    if files or renewal is not None:  # after the cache is written: the folders' times have had longer to settle
        settled = out_dirs_settled(config.out_dir, records, before_dirs)
        if files:
            cache.record_out_dirs(settled)
        if renewal is not None:
            renewal.finish(settled)
    return BuildReport(articles=len(articles), pages=made.page_count, files=len(records),
                       bytes_written=commit.written, seconds=time.perf_counter() - started,
                       changed=commit.changed_paths(), digests=commit.all_digests(records), rendered=made.rendered,
                       planned=len(made.planned.pages),
                       search="reused" if search is None else "rebuilt" if search.full else "updated",
                       warnings=tuple(cache.warnings) + made.notes + checked.warnings)


def _load_and_check(config: SiteConfig, cache: BuildCache, files: dict, changed: set[Path] | None,
                    quick: QuickEdit | None) -> tuple[Sequence[Article], Checked]:
    """The published articles and their warnings: an edit's lazy list, or every article loaded
    (cached ones unread) and checked (drafts left out; --strict stops here)."""
    if quick is not None:
        if files:  # a command-line build's: the rows of the file records an edit rewrites
            files["digests"], files["chunks"] = quick.digests, quick.chunks
        return quick.articles, check_edit(quick.articles, list(quick.edited), _link_targets(quick), config)
    trusted = trusted_files(cache.files, files["stat"]) if files else None
    articles = load_articles(config.articles_dir, cache.articles, config.jobs,
                             snapshot=cache.snapshot if cache.write_behind else None,
                             changed=_changed_articles(config, changed), unchanged=trusted)
    if files:  # what each file held when looked at: the next build trusts it while its stat holds
        files["digests"] = _digests_by_file(config.articles_dir, articles, trusted)
    checked = check_articles(articles, config)
    return checked.articles, checked


def _link_targets(quick: QuickEdit) -> LinkTargets:
    """What a .md link can name, from the list's columns (its files are not links: quick_edit)."""
    rows = quick.articles.rows()
    return LinkTargets(lambda: ({row.file: row.slug for row in rows}, frozenset(row.slug for row in rows)))


def _nothing_to_do(config: SiteConfig, cache: BuildCache, articles: Sequence[Article], checked: Checked,
                   prior: Mapping[str, OutputRecord], files: dict, site_fp: str, started: float,
                   out_dirs: OutDirs | None) -> BuildReport:
    if files:  # the stat check could not vouch for them (touched, just changed, no record):
        # record what they are now (and the output's folders that vouch for it), so that the next build can
        cache.save(articles=cache.articles, bodies={a.digest: a for a in articles}, pages=cache.pages,
                   out_dir=config.out_dir, related=cache.related, site_fp=site_fp,
                   page_count=cache.page_count, published=len(articles), files=files, out_dirs=out_dirs)
    save_warnings(cache.root, list(checked.warnings))
    return BuildReport(articles=len(articles), pages=cache.page_count, files=len(prior), bytes_written=0,
                       seconds=time.perf_counter() - started, warnings=tuple(cache.warnings) + checked.warnings,
                       digests={p: rec.digest for p, rec in prior.items()}, rendered=0)


def _records(digests: dict[str, str], fp_of: dict[str, str], out: writer.OutputSet,
             prior: Mapping[str, OutputRecord], gone: set[str]) -> Mapping[str, OutputRecord]:
    """Each output's record: the last build's where the output was kept as recorded, a new one
    for the rest. An edit's (its outputs over the kept base) is an Overlay of the records it
    changed over the last build's. A search file's record has no fingerprint: the records'
    related_fp says which index they belong to; a page not planned keeps its fingerprint."""
    records = {} if out.base is not None else MadeRecords(zip(out.as_recorded, map(prior.__getitem__, out.as_recorded)))
    for path in digests.keys() - out.as_recorded:
        digest, rec = digests[path], prior.get(path)
        fp = "" if path.startswith(SEARCH_DIR) else fp_of.get(path, rec.fp if rec is not None else "")
        if rec is None or rec.digest != digest or rec.fp != fp:
            records[path] = OutputRecord(fp, digest, out.size(path))
        elif out.base is None:
            records[path] = rec
    return Overlay(prior, records, gone) if out.base is not None else records


class DigestsOf(Mapping):
    """Output path → digest, read from the records (an edit's report, without a copy of 100,000)."""

    def __init__(self, records: Mapping[str, OutputRecord]):
        self.records = records

    def __getitem__(self, path: str) -> str:
        return self.records[path].digest

    def __contains__(self, path: object) -> bool:
        return path in self.records

    def __iter__(self):
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


@dataclass
class Committed:
    """What the commit made of the outputs: their digests (an edit's: the claimed ones only), the
    live tree's as known before, the paths an edit dropped, bytes written, the cache-shard job."""
    digests: dict[str, str]
    known: Mapping[str, str]
    gone: set[str]
    written: int
    shards: object
    edit: bool  # digests and known are an edit's claims over the kept records
    spare_ready: bool = False  # it left a spare worth bringing up to date (writer.StagedOutput)

    def changed_paths(self) -> tuple[str, ...]:
        if self.edit:
            return tuple(sorted({p for p, d in self.digests.items() if self.known.get(p) != d} | self.gone))
        return tuple(sorted({p for p, _ in self.digests.items() ^ self.known.items()}))

    def all_digests(self, records: Mapping[str, OutputRecord]) -> Mapping[str, str]:
        return DigestsOf(records) if self.edit else self.digests


def _digests_by_file(articles_dir: Path, articles: list[Article], trusted: dict[str, str]) -> dict[str, str]:
    """Article file → digest. The trusted files' digests are known already: only the others'
    paths are looked at (turning every path into a name would cost an edit more than the rest)."""
    digests = dict(trusted)
    known = set(trusted.values())
    prefix = os.path.join(str(articles_dir), "")
    for a in articles:
        if a.digest not in known and (name := name_under(a.source_path, prefix)) is not None:
            digests[name] = a.digest
    return digests


def _changed_articles(config: SiteConfig, changed: set[Path] | None) -> set[str] | None:
    if changed is None:
        return None
    root = config.articles_dir.resolve()
    return {Path(p).resolve().relative_to(root).as_posix() for p in changed
            if Path(p).resolve().is_relative_to(root)}


def _stage_and_commit(config: SiteConfig, cache: BuildCache, design: Design, articles: list[Article],
                      checked, prior: Mapping[str, OutputRecord], previous: dict[str, str] | None, search_fp: str,
                      progress: Progress | None, templates: TemplateMemo, edit: Edit | None,
                      keep_plans: KeepPlans | None, intact: bool = False,
                      vouched: OutDirs | None = None) -> tuple[Rendition, Committed]:
    """Render into a staging tree and swap it in if any output changed. Returns what was made and
    what the commit did. `vouched`: the live tree's folders, seen as recorded at the start."""
    cold = not prior and previous is None
    made = None
    with writer.StagedOutput(config.out_dir) as staged:
        shards = cache.write_articles_now(articles) if cold else None  # the cache, beside the pages
        try:
            made = render(config, cache, design, articles, checked.targets, prior, staged.root, search_fp, progress,
                          templates, edit, keep_plans, intact)
            made.out.reuse(prior, config.out_dir)
            commit = _commit(config, cache, staged, made.out, prior, previous, vouched)
            commit.shards = shards
        except BaseException:
            if shards is not None:
                shards.discard()  # its process must not outlive the build
            if made is not None and made.plans is not None:
                made.plans.discard()
            raise
    return made, commit


def _commit(config: SiteConfig, cache: BuildCache, staged: writer.StagedOutput, out: writer.OutputSet,
            prior: Mapping[str, OutputRecord], previous: dict[str, str] | None,
            vouched: OutDirs | None = None) -> Committed:
    """Swap the staged tree in if any output differs from the live one's (`previous`: a dev
    server's digests of it; else the records'). An edit's outputs over the kept records are
    compared in the paths it claimed or dropped only."""
    digests = out.digests()
    live: Mapping[str, str] = previous if previous is not None else DigestsOf(prior)
    edit = out.base is not None
    if edit:
        known: Mapping[str, str] = {p: live[p] for p in digests if p in live}
        gone = {p for p in out.dropped if p not in out.sources and p in live}
    else:
        known = previous if previous is not None else {p: rec.digest for p, rec in prior.items()}
        gone = set()
    missing = out.missing_from(config.out_dir, known, digests)
    if missing:  # removed by hand: what the live tree lacks is written (and reported) again
        vouched = None
        known = {p: d for p, d in known.items() if p not in missing}
        if edit:  # the live tree's paths, listed: not all of them are there
            live = {p: d for p, d in live.items() if p not in missing}
    written = 0
    if digests != known or gone or not config.out_dir.is_dir():
        cache.before_commit()
        written = staged.commit(out, live if edit else known, vouched)  # the live tree's paths
    else:
        staged.release(out)
    return Committed(digests, known, gone, written, None, edit, staged.spare_ready)


def _save_plans(store: PlanStore, made: Rendition, articles: list[Article], edit: Edit | None,
                expected: dict[str, str]) -> str:
    """Keep the plans of what was built, for the next build's edits: the token they are known
    by ("" if they could not be kept, and then the next build plans everything)."""
    if edit is None:  # a full plan: written by FullPlans while the pages rendered
        return made.plans.commit() if made.plans is not None else ""
    token = new_token()
    try:
        planned, shared = encode_pages(made.planned.pages)
        listed = by_slug(articles)
        store.update(planned, shared, [listed[slug] for slug in edit.edited],
                     {**expected, "token": token, "notes": json.dumps(list(made.notes))})
    except NotPlannable:
        store.forget()
        return ""
    finally:
        store.close()
    return token
