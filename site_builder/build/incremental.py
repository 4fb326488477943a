"""An edit that moves no page: only the pages that read an edited article are planned again.

When every article keeps its structural key (plans.structure_key: slug, file, date, language,
source, tags, translations, draft) and none is added or removed, every list holds the same
articles in the same order and every page exists as before. What can change is what a page
shows of an edited article (title, summary, body, links) and the related briefings the search
stage finds. So the pages to look at are the edited articles' readers (the store's reverse
map), the article pages whose related briefings moved, and the feeds that show an edited
article; everything else is kept as the last build wrote it, without planning or
fingerprinting it. Anything else (a new article, a re-dated or re-tagged one, a changed theme
or setting, a store that does not match the cache) plans the whole site.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.build.plans import NotPlannable, PlanStore, structure_key
from site_builder.overlay import Overlay
from site_builder.content.archive import by_slug as articles_by_slug
from site_builder.content.article import Article
from site_builder.site import urls
from site_builder.site.graph import Page, see_also
from site_builder.site.links import LinkTargets, attach_links

MAX_EDITED = 200  # more edited articles than this: plan everything (as fast, and simpler)


@dataclass(frozen=True)
class Edit:
    """Edited articles (slugs) whose structural keys all held, and the store that knows the rest."""
    store: PlanStore
    edited: tuple[str, ...]
    notes: tuple[str, ...]  # what the last full plan told the editor (tags left out): still true


def find_edit(store: PlanStore, expected: dict[str, str], articles: list[Article]) -> Edit | None:
    """The edit, if the store describes the last build (`expected`: its token, out dir and
    design) and nothing structural changed; else None."""
    meta = store.describes(expected)
    if meta is None:
        return None
    known = store.articles()
    if len(known) != len(articles):
        return None
    edited = []
    for a in articles:
        before = known.get(a.slug)
        if before is None:
            return None
        if before[0] != a.digest:
            if before[1] != structure_key(a) or len(edited) >= MAX_EDITED:
                return None
            edited.append(a.slug)
    return Edit(store, tuple(edited), tuple(json.loads(meta.get("notes", "[]"))))


def related_moved(new: Mapping[str, tuple[str, ...]], old: Mapping) -> set[str]:
    """Slugs whose related briefings differ from the last build's (an update's Overlay over
    them: looked for in its changes only)."""
    old = old or {}
    if new is old:
        return set()
    if isinstance(new, Overlay) and new.base is old:
        return set(new.moved())
    if isinstance(new, Overlay) and isinstance(old, Overlay) and new.base is old.base:  # a dev server's edits
        keys = new.changes.keys() | old.changes.keys() | new.removed | old.removed
        return {slug for slug in keys if tuple(new.get(slug, ())) != tuple(old.get(slug, ()))}
    return {slug for slug in new.keys() | old.keys() if tuple(new.get(slug, ())) != tuple(old.get(slug, ()))}


def replan(edit: Edit, articles: list[Article], related: dict[str, tuple[str, ...]], moved: set[str],
           targets: LinkTargets, articles_dir: Path) -> tuple[list[Page], set[str]]:
    """The pages to look at again, planned with the new articles, and the feeds to remake.
    Raises NotPlannable if the store lacks a plan it should have."""
    by_slug = articles_by_slug(articles)  # over an edit's lazy list: only those asked for are made
    readers = edit.store.readers(edit.edited)
    feeds = {p for p in readers if p == urls.FEED or p.endswith("/" + urls.FEED)}
    wanted = (readers - feeds) | {urls.article_path(s) for s in moved if s in by_slug}
    pages = edit.store.pages(wanted, lambda slug: _article(by_slug, slug))
    if len(pages) != len(wanted):
        raise NotPlannable("a page the reverse map names has no plan")
    edited = set(edit.edited)
    for page in pages:
        article = page.context.get("article") if page.template == "article.html" else None
        if article is None:
            continue
        if article.slug in moved:
            page.context["related"] = see_also(article, page.context["translations"],
                                               related.get(article.slug, ()), by_slug)
        if article.slug in edited:  # its .md links may have changed
            page.context.pop("links", None)
            attach_links([page], targets, articles_dir)
    return pages, feeds


def _article(by_slug: dict[str, Article], slug: str) -> Article:
    try:
        return by_slug[slug]
    except KeyError:
        raise NotPlannable(f"a plan names {slug!r}, which is gone") from None
