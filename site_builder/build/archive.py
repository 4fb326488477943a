"""An edit found without reading the archive: from the article files' stat, the records of the
last build and its plan store.

A command-line build of a large archive after an edit used to load every article (from the
cache), check them all and compare them all with the plan store, to find that a few files
changed and that none of them moved in any list. Here the stat says which files changed (by
the chunks of the file records whose signature differs: file_records.py); only
those are parsed; the plan store says whether each kept its structural key (plans.structure_key)
and gives the published list as it was (slug, digest, file, in order). The build then goes on
with that list as LazyArticles (content/archive.py): an article of it is made from the cache
only when a page, the search update or the related briefings read it.

Anything else (a file added, removed or linked, a changed structural key, records or plans that
do not describe the live output, more than MAX_EDITED files changed) returns None: the build
loads everything as before.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from site_builder.build.cache import BuildCache
from site_builder.build.file_records import StoredFiles
from site_builder.build.incremental import MAX_EDITED, Edit
from site_builder.build.plans import PlanStore, structure_key
from site_builder.config import SiteConfig
from site_builder.content.archive import ArchiveRow, LazyArticles
from site_builder.content.article import Article, FileBody, article_from_json
from site_builder.content.files import name_under, stat_key
from site_builder.content.loader import parse_file
from site_builder.errors import ContentError, Problem
from site_builder.site_warnings import WARNINGS_FILE


@dataclass(frozen=True)
class QuickEdit:
    """The published list with the edited articles in it, and what the build records of them."""
    articles: LazyArticles
    edited: tuple[Article, ...]
    replaced: frozenset[str]   # the edited files' previous digests
    digests: dict[str, str]    # article file → digest, of every file in the chunks of the edited ones
    edit: Edit
    chunks: frozenset[int] = frozenset()  # those chunks (file_records: the rows to write; a command-line build's)


@dataclass(frozen=True)
class Published:
    """The published list of the build whose plans have this token (same order as the store's)."""
    token: str
    rows: list[ArchiveRow]
    index: dict[str, int]  # slug → position


def quick_edit(config: SiteConfig, cache: BuildCache, store: PlanStore, expected: dict[str, str],
               files: dict) -> QuickEdit | None:
    """The edit, if the stat shows files changed in place and the plan store describes the last
    build; else None. Raises ContentError for an edited file that does not parse."""
    last, now = cache.files, files.get("stat")
    if not isinstance(last, StoredFiles) or not now or any(key[4] for key in now.values()):
        return None  # no records of the files, or one is linked: the full load sorts it out
    found = last.changed_since(now)  # None: a file added, removed or renamed
    if found is None or not found.changed or len(found.changed) > MAX_EDITED:
        return None
    parsed = _parse(config.articles_dir, found.changed)
    quick = _edit_of(config, store, expected, parsed, found.digests, _maker(config.articles_dir, cache))
    if quick is None:
        return None
    return replace(quick, digests={**found.digests, **{rel: a.digest for rel, a in parsed.items()}},
                   chunks=found.chunks)


def watched_edit(config: SiteConfig, cache: BuildCache, store: PlanStore, expected: dict[str, str],
                 changed: set[Path]) -> QuickEdit | None:
    """A dev server's edit: its watcher names the changed files, and the articles of its last
    build are in memory (cache.snapshot: file → (stat key, Article)), so nothing else is looked
    at. None (the full load) unless every changed path is an article file that build loaded and
    that is still there, not a link. Raises ContentError for an edited file that does not parse."""
    snapshot = cache.snapshot
    if not snapshot or not changed or len(changed) > MAX_EDITED:
        return None
    prefix = os.path.join(str(config.articles_dir), "")
    keys: dict[str, list] = {}
    for path in changed:
        rel = name_under(os.path.abspath(path), prefix)
        if rel is None or rel not in snapshot:
            return None  # added, renamed, a folder, or not an article: the full load sorts it out
        try:
            keys[rel] = stat_key(prefix + rel)  # before it is read: a later change is seen again
        except OSError:
            return None  # removed
        if keys[rel][4]:
            return None
    old_digests = {rel: snapshot[rel][1].digest for rel in keys}
    parsed = _parse(config.articles_dir, list(keys))
    for rel, article in parsed.items():  # what the next full load takes as read
        snapshot[rel] = (keys[rel], article)
    make = _from_memory(snapshot, _maker(config.articles_dir, cache))
    return _edit_of(config, store, expected, parsed, old_digests, make, cache.published_list)


def remember_published(cache: BuildCache, quick: QuickEdit, token: str) -> None:
    """A dev server keeps the published list its edit made, with the plans' new token: the
    next edit starts from it instead of reading 50,000 rows back from the plan store."""
    if cache.write_behind and token:
        cache.published_list = Published(token, quick.articles.rows(), quick.articles.index())


def remember_full_list(cache: BuildCache, articles: list[Article], articles_dir: Path, token: str) -> None:
    """A dev server's full build: the published list as its new plans keep it (PlanStore.archive),
    remembered as an edit's is, so that its first edit does not read it back from the store
    either."""
    known = cache.published_list
    if not (cache.write_behind and token) or (known is not None and known.token == token):
        return  # a build with nothing to do after an edit or a full build: already this list
    prefix = os.path.join(str(articles_dir), "")
    rows = [ArchiveRow(a.slug, a.digest, name_under(a.source_path, prefix)) for a in articles]
    if all(row.file for row in rows):  # else the store keeps no list (archive() is []): neither do we
        cache.published_list = Published(token, rows, {row.slug: i for i, row in enumerate(rows)})


def _edit_of(config: SiteConfig, store: PlanStore, expected: dict[str, str], parsed: dict[str, Article],
             old_digests: dict[str, str], make, remembered: Published | None = None) -> QuickEdit | None:
    """The edit of these parsed files (file → Article; old_digests: file → the last build's
    digest), if each kept its structural key and the store describes the last build.
    `remembered`: the published list as a dev server's last edit left it (else read from the store)."""
    if not (config.cache_dir / WARNINGS_FILE).exists():
        return None
    edited = {rel: a for rel, a in parsed.items() if a.digest != old_digests.get(rel)}
    if not edited:
        return None  # only touched: the full path records their stat
    meta = store.describes(expected)
    if meta is None:
        return None
    listed = store.listed(a.slug for a in edited.values())
    for rel, a in edited.items():
        row = listed.get(a.slug)
        if row is None or row[0] != old_digests.get(rel) or row[1] != structure_key(a):
            return None
    new_digest = {a.slug: a.digest for a in edited.values()}
    since_last: dict[int, str] = {}  # position → the last build's digest (LazyArticles.since_last)
    if remembered is not None and remembered.token == meta.get("token"):
        rows, index = list(remembered.rows), remembered.index
        for slug, digest in new_digest.items():
            i = index[slug]
            since_last[i] = rows[i].digest
            rows[i] = ArchiveRow(slug, digest, rows[i].file)
    else:
        stored, index = store.archive(), None
        if not stored:
            return None
        since_last = {i: d for i, (s, d, _) in enumerate(stored) if s in new_digest}
        rows = [ArchiveRow(s, new_digest.get(s, d), f) for s, d, f in stored]
    made = {a.digest: a for a in edited.values()}
    articles = LazyArticles(rows, made, make, since_last, index)
    edit = Edit(store, tuple(sorted(new_digest)), tuple(json.loads(meta.get("notes", "[]"))))
    return QuickEdit(articles, tuple(edited.values()), frozenset(old_digests[rel] for rel in edited), {}, edit)


def _parse(articles_dir: Path, rels: list[str]) -> dict[str, Article]:
    """The changed files, parsed; every problem raised together, as a full load would."""
    parsed: dict[str, Article] = {}
    problems: list[Problem] = []
    for rel in sorted(rels):
        try:
            parsed[rel] = parse_file(articles_dir / rel, rel)
        except ContentError as err:
            problems.extend(err.problems)
    if problems:
        raise ContentError(sorted(problems, key=lambda p: (str(p.path), p.line or 0)))
    return parsed


def _maker(articles_dir: Path, cache: BuildCache):
    """ArchiveRow → its Article: from the cache (its body read from the file when used), or
    parsed again when the cache lacks it; the file must still be the version listed."""
    base = str(articles_dir)

    def make(row: ArchiveRow) -> Article:
        path = Path(os.path.join(base, row.file))
        data = cache.article_json(row.digest)
        if data is not None:
            try:
                return article_from_json(data, path, row.digest, FileBody(path, row.file, row.digest))
            except (ValueError, TypeError, KeyError, AttributeError):
                pass
        return parse_file(path, row.file, expect=row.digest)
    return make


def _from_memory(snapshot: dict[str, tuple], otherwise):
    """ArchiveRow → its Article: the dev server's own, if it still has that version."""
    def make(row: ArchiveRow) -> Article:
        entry = snapshot.get(row.file)
        return entry[1] if entry is not None and entry[1].digest == row.digest else otherwise(row)
    return make
