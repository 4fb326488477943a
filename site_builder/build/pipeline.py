"""build_site(config) → BuildReport: lock, recover, then either "nothing to do" (decided from
the records' summary, without reading an article or an output record) or build_changed
(build/rebuild.py, imported only then: a build with nothing to do never pays for it).

Raises ContentError or BuildError and never exits; output/ is only touched by the final commit.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from site_builder.build import writer
from site_builder.build.cache import BuildCache
from site_builder.build.design import Design
from site_builder.build.file_records import FileStat
from site_builder.build.fingerprint import fingerprint
from site_builder.build.guard import check_articles_dir, check_output_dir
from site_builder.build.lock import build_lock
from site_builder.build.publish import replay_warnings
from site_builder.build.report import BuildReport, Progress
from site_builder.build.unchanged import files_unchanged, outputs_unchanged
from site_builder.config import SiteConfig
from site_builder.errors import BuildError
from site_builder.content.files import article_files, stat_key
from site_builder.parallel import gc_paused
from site_builder.render.themes import TemplateMemo

__all__ = ["BuildReport", "Progress", "build_site"]


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
            if cache is not None:
                return _build_site(config, progress, previous, cache, changed, templates or TemplateMemo())
            cache = BuildCache(config.cache_dir if use_cache else None)
            report = _build_site(config, progress, previous, cache, changed, templates or TemplateMemo())
            del cache  # freed while the collector is paused: resumed, it finds next to nothing new to scan
            return report
    except OSError as exc:  # disk full, a folder we may not write: the last output stays as it was
        raise BuildError(f"cannot write: {exc.strerror or exc}", exc.filename or config.out_dir) from None


def _article_stats(articles_dir: Path) -> dict:
    """{"at": when, "stat": {article file: stat key}}; the time is taken before the first stat."""
    at = time.time_ns()
    prefix = os.path.join(str(articles_dir), "")  # joined by hand: os.path.join per file cost a third of this
    try:
        return {"at": at, "stat": FileStat((rel, stat_key(prefix + rel)) for rel in article_files(articles_dir))}
    except OSError:  # a file went away while we looked: no snapshot this time
        return {}


def _nothing_changed(config: SiteConfig, cache: BuildCache, design: Design, files: dict,
                     started: float) -> BuildReport | None:
    """The report of a build with nothing to do, if the records' summary shows it: every article
    file as the last build saw it, the same site fingerprint, the output as it was written."""
    summary = cache.summary()
    if not (summary is not None and summary.outputs and summary.out_dir == str(config.out_dir)
            and files_unchanged(summary, files["stat"])
            and summary.site_fp == fingerprint((*design.parts, summary.related_fp))
            and outputs_unchanged(cache, config.out_dir, summary)):
        return None
    return BuildReport(articles=summary.published, pages=summary.page_count, files=summary.outputs,
                       bytes_written=0, seconds=time.perf_counter() - started, digests={}, rendered=0,
                       warnings=tuple(cache.warnings) + replay_warnings(config, cache.root))


def _build_site(config: SiteConfig, progress: Progress | None, previous: dict[str, str] | None,
                cache: BuildCache, changed: set[Path] | None, templates: TemplateMemo) -> BuildReport:
    started = time.perf_counter()
    design = Design.of(config)
    # A command-line build first looks at the article files' stat: all as the last build saw
    # them, and nothing else changed, and every output still what was written → done, without
    # reading an article or an output record. (A dev server knows what changed from its watcher.)
    files = (_article_stats(config.articles_dir)
             if cache.root is not None and changed is None and not cache.write_behind else {})
    quick = _nothing_changed(config, cache, design, files, started) if files and previous is None else None
    if quick is not None:
        return quick
    from site_builder.build.rebuild import build_changed
    return build_changed(config, cache, design, files, started, progress, previous, changed, templates)
