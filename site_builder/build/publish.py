"""Which loaded articles a build publishes (drafts only with --drafts), and its warnings."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from site_builder.config import SiteConfig
from site_builder.content.archive import ListedArticles
from site_builder.site.links import LinkTargets, link_warnings
from site_builder.site_warnings import (UNDATED, SiteWarning, WarningsAreErrors, date_warnings, future_warnings,
                                       load_warnings, sort_warnings)


@dataclass(frozen=True)
class Checked:
    articles: list          # what the build publishes, in the order loaded
    warnings: tuple[SiteWarning, ...]
    targets: LinkTargets    # what a .md link can name


def check_articles(articles: list, config: SiteConfig, today: dt.date | None = None) -> Checked:
    """Leave drafts out (unless config.drafts) and find what to warn about; with config.strict,
    a warning stops the build here, before anything is written."""
    published = ListedArticles(a for a in articles if config.drafts or not a.draft)
    targets = LinkTargets.of(published, config.articles_dir)
    warnings = sort_warnings(date_warnings(published, today or dt.date.today())
                             + link_warnings(published, targets, config.articles_dir))
    if config.strict and warnings:
        raise WarningsAreErrors(warnings)
    return Checked(published, tuple(warnings), targets)


def check_edit(articles, edited: list, targets: LinkTargets, config: SiteConfig,
               today: dt.date | None = None) -> Checked:
    """check_articles for an edit that moved no article (build/archive.py): the last build's
    warnings, but the edited files' own found again. An undated one stays undated: its date
    and translations held, and so did its partners'."""
    today = today or dt.date.today()
    paths = {str(a.source_path) for a in edited}
    held = [w for w in load_warnings(config.cache_dir, today) if w.path not in paths or w.message == UNDATED]
    warnings = sort_warnings(held + future_warnings(edited, today) + link_warnings(edited, targets, config.articles_dir))
    if config.strict and warnings:
        raise WarningsAreErrors(warnings)
    return Checked(articles, tuple(warnings), targets)


def replay_warnings(config: SiteConfig, cache_dir, today: dt.date | None = None) -> tuple[SiteWarning, ...]:
    """The last build's warnings, for a build that found nothing changed."""
    warnings = load_warnings(cache_dir, today or dt.date.today())
    if config.strict and warnings:
        raise WarningsAreErrors(warnings)
    return tuple(warnings)

