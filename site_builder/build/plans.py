"""What each page was made from, kept between builds so that an edit re-plans only the pages it
touches (SQLite from the standard library, in SITE/.site-builder-cache/plans.sqlite).

- pages: output path → its template, language and context, with every article replaced by its
  slug (`encode`), and the slugs it reads;
- readers: article slug → the pages (and feeds) that read it: the reverse map an edit follows;
- articles: slug → digest and structural key (what decides which pages exist and what lists
  hold, `structure_key`), its place in the published list (latest first) and its file under
  content/articles/: an edit that changes no structural key leaves every page's plan as it
  was but for the articles it shows, and the list as it was (build/archive.py reads it);
- shared: long tuples many pages share (a pager's paths), stored once.

The store is trusted only when its token is the one the build cache recorded with the output
records it describes (see BuildCache.plans_token): a build that died between the two writes
leaves them disagreeing, and then the next build plans everything.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterable

from site_builder.build.state_store import remove_database
from site_builder.content.article import Article
from site_builder.content.files import name_under
from site_builder.render.feeds import FeedPlan
from site_builder.site.graph import PLAIN_RECORDS, LangLink, Page, Pager, ShownDate, TermRef
from site_builder.site.tags import TagRef

FORMAT = "2"  # 2: articles keep their place in the list and their file
STORE_NAME = "plans.sqlite"
SHARED_MIN = 9  # tuples at least this long are stored once and referenced (a pager's paths)
_TYPES = {cls.__name__: cls for cls in (TermRef, ShownDate, LangLink, Pager, TagRef)}
_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in _TYPES.values()}  # fields() per value cost a fifth
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # json.dumps makes one a call
_quote = json.encoder.encode_basestring  # a str as JSON, as _compact writes it (C)


def _text_list(items: Iterable[str]) -> str:
    """json.dumps of a list of str, the same text, without the encoder's Python calls for each list."""
    return "[" + ", ".join(map(json.encoder.encode_basestring_ascii, items)) + "]"


class NotPlannable(Exception):
    """A context holds a value the store cannot keep: the next build plans everything."""


def structure_key(a: Article) -> str:
    """What of an article decides which pages exist, what each list holds and in which order,
    and what other articles' pages say of it besides its own digest."""
    return json.dumps([a.slug, str(a.source_path), a.date.isoformat() if a.date else None, a.lang,
                       a.source, list(a.tags), list(a.translations), a.draft], ensure_ascii=False)


@dataclass
class _Encoder:
    """Context → the JSON text of its encoded value, written directly (a tree of lists built for
    json to walk again cost twice as much); collects the slugs it read and the long tuples it
    shared. Records whose fields are all plain (tags, language links, shown dates: the same few
    on thousands of pages) are encoded once each."""
    shared: dict[str, str]                 # key → JSON of a long tuple
    ids: dict[int, str]                    # id() of a tuple seen → its key
    shared_reads: dict[str, set[str]]      # key → the slugs that tuple reads
    records: dict = field(default_factory=dict)  # a plain record → its JSON

    def encode(self, value, slugs: set[str]) -> str:
        kind = type(value)
        if kind is str:
            return _quote(value)
        if kind is Article:
            slugs.add(value.slug)
            return f'["A",{_quote(value.slug)}]'
        if value is None:
            return "null"
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return int.__repr__(value)
        encode = self.encode
        if kind is tuple:
            if len(value) >= SHARED_MIN:
                return f'["S",{_quote(self._share(value, slugs))}]'
            return '["t",[' + self._items(value, slugs) + "]]"
        names = _FIELDS.get(kind)
        if names is not None:
            if kind in PLAIN_RECORDS:
                text = self.records.get(value)
                if text is None:
                    text = self.records[value] = self._record(value, names, slugs)
                return text
            return self._record(value, names, slugs)
        if kind is dict:
            if not all(type(k) is str for k in value):
                raise NotPlannable("a context key that is not text")
            return '["d",{' + ",".join([f"{_quote(k)}:{encode(v, slugs)}" for k, v in value.items()]) + "}]"
        if kind is list:
            return '["l",[' + self._items(value, slugs) + "]]"
        if kind is dt.date:
            return f'["date","{value.isoformat()}"]'
        if kind is float:
            return _compact(value)
        raise NotPlannable(f"a {kind.__name__} in a page context")

    def _items(self, values, slugs: set[str]) -> str:
        """The items of a list or tuple, articles (the common item) without a call each."""
        out = []
        for v in values:
            if type(v) is Article:
                slugs.add(v.slug)
                out.append(f'["A",{_quote(v.slug)}]')
            else:
                out.append(self.encode(v, slugs))
        return ",".join(out)

    def _record(self, value, names: tuple[str, ...], slugs: set[str]) -> str:
        encode = self.encode
        return (f'["D",{_quote(type(value).__name__)},{{'
                + ",".join([f"{_quote(name)}:{encode(getattr(value, name), slugs)}" for name in names]) + "}]")

    def _share(self, value: tuple, slugs: set[str]) -> str:
        key = self.ids.get(id(value))
        if key is None:
            inner: set[str] = set()
            text = "[" + self._items(value, inner) + "]"
            key = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
            self.shared[key] = text
            self.ids[id(value)] = key
            self.shared_reads[key] = inner
        slugs.update(self.shared_reads[key])
        return key


def _decode(value, article_of: Callable[[str], Article], shared: Callable[[str], list]):
    if not isinstance(value, list):
        return value
    tag = value[0]
    if tag == "A":
        return article_of(value[1])
    if tag == "t":
        return tuple(_decode(v, article_of, shared) for v in value[1])
    if tag == "S":
        return tuple(_decode(v, article_of, shared) for v in shared(value[1]))
    if tag == "l":
        return [_decode(v, article_of, shared) for v in value[1]]
    if tag == "d":
        return {k: _decode(v, article_of, shared) for k, v in value[1].items()}
    if tag == "date":
        return dt.date.fromisoformat(value[1])
    if tag == "D":
        return _TYPES[value[1]](**{k: _decode(v, article_of, shared) for k, v in value[2].items()})
    raise NotPlannable(f"unknown plan value {tag!r}")


@dataclass(frozen=True)
class PlannedPage:
    """A page as the store keeps it: its plan with the slugs it reads."""
    path: str
    template: str
    lang: str
    source: str
    context: str  # JSON of the encoded context
    reads: tuple[str, ...]


def encode_pages(pages: Iterable[Page]) -> tuple[list[PlannedPage], dict[str, str]]:
    """Pages → their plans and the long tuples they share. Raises NotPlannable."""
    encoder = _Encoder({}, {}, {})
    planned = []
    for page in pages:
        slugs: set[str] = set()
        context = encoder.encode(page.context, slugs)
        planned.append(PlannedPage(page.path, page.template, page.lang, page.source, context,
                                   tuple(sorted(slugs))))
    return planned, encoder.shared


class PlanStore:
    """The plans of the last build into one output folder."""

    def __init__(self, cache_dir: Path, name: str = STORE_NAME, fresh: bool = False):
        self.path = cache_dir / name
        self._fresh = fresh  # a new file, used only once written whole: no journal (half the time)
        self._db: sqlite3.Connection | None = None
        self._shared: dict[str, list] = {}

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=OFF" if self._fresh else "PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
                "CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, template TEXT, lang TEXT,"
                " source TEXT, context TEXT, reads TEXT);"
                "CREATE TABLE IF NOT EXISTS readers (slug TEXT PRIMARY KEY, paths TEXT);"
                "CREATE TABLE IF NOT EXISTS articles (slug TEXT PRIMARY KEY, digest TEXT, skey TEXT, pos INTEGER,"
                " file TEXT);"
                "CREATE TABLE IF NOT EXISTS shared (key TEXT PRIMARY KEY, value TEXT);"
                "CREATE TABLE IF NOT EXISTS feeds (path TEXT PRIMARY KEY, plan TEXT);")
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def meta(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            if self.get_format() != FORMAT:
                return {}
            return dict(self._connect().execute("SELECT key, value FROM meta"))
        except sqlite3.Error:
            return {}

    def describes(self, expected: dict[str, str]) -> dict[str, str] | None:
        """The store's meta if it describes the build `expected` names (token, out dir, design)."""
        meta = self.meta()
        return meta if meta and all(meta.get(k) == v for k, v in expected.items()) else None

    def get_format(self) -> str | None:
        row = self._connect().execute("SELECT value FROM meta WHERE key='format'").fetchone()
        return row[0] if row else None

    def articles(self) -> dict[str, tuple[str, str]]:
        """slug → (digest, structural key) of the last build."""
        return {slug: (digest, skey) for slug, digest, skey in
                self._connect().execute("SELECT slug, digest, skey FROM articles")}

    def listed(self, slugs: Iterable[str]) -> dict[str, tuple[str, str]]:
        """slug → (digest, structural key) of these articles, those the last build published."""
        db = self._connect()
        found = {}
        for slug in slugs:
            row = db.execute("SELECT digest, skey FROM articles WHERE slug=?", (slug,)).fetchone()
            if row:
                found[slug] = row
        return found

    def archive(self) -> list[tuple[str, str, str]]:
        """(slug, digest, file) of every published article, latest first, as the last build
        listed them; [] if a file is unknown."""
        rows = self._connect().execute("SELECT slug, digest, file FROM articles ORDER BY pos").fetchall()
        return rows if all(row[2] for row in rows) else []

    def feeds(self, paths: Iterable[str]) -> dict[str, FeedPlan]:
        """The plans of these feeds (those the store has)."""
        db = self._connect()
        found = {}
        for path in sorted(paths):
            row = db.execute("SELECT plan FROM feeds WHERE path=?", (path,)).fetchone()
            if row:
                raw = json.loads(row[0])
                found[path] = FeedPlan(raw["lang"], tuple(raw["slugs"]), tuple(raw["languages"]),
                                       tuple((t, TagRef(name, slug)) for t, name, slug in raw["tags"]))
        return found

    def readers(self, slugs: Iterable[str]) -> set[str]:
        """The paths of every page and feed that reads one of these articles."""
        found: set[str] = set()
        db = self._connect()
        for slug in slugs:
            row = db.execute("SELECT paths FROM readers WHERE slug=?", (slug,)).fetchone()
            if row:
                found.update(json.loads(row[0]))
        return found

    def pages(self, paths: Iterable[str], article_of: Callable[[str], Article]) -> list[Page]:
        """The stored pages at these paths (feeds and other outputs have none), contexts with
        the articles article_of gives."""
        db = self._connect()
        out = []
        for path in sorted(paths):
            row = db.execute("SELECT template, lang, source, context FROM pages WHERE path=?", (path,)).fetchone()
            if row:
                context = _decode(json.loads(row[3]), article_of, self._shared_value)
                out.append(Page(path, row[0], context, lang=row[1], source=row[2]))
        return out

    def _shared_value(self, key: str) -> list:
        if key not in self._shared:
            row = self._connect().execute("SELECT value FROM shared WHERE key=?", (key,)).fetchone()
            if row is None:
                raise NotPlannable(f"shared plan value {key} missing")
            self._shared[key] = json.loads(row[0])
        return self._shared[key]

    def replace_all(self, planned: list[PlannedPage], shared: dict[str, str], feeds: dict[str, FeedPlan],
                    articles: list[Article], meta: dict[str, str], articles_dir: str = "") -> None:
        """Every plan of a full build, into an empty store (FullPlans writes a new file)."""
        readers: dict[str, list[str]] = defaultdict(list)
        for page in planned:
            for slug in page.reads:
                readers[slug].append(page.path)
        for path, feed in sorted(feeds.items()):
            for slug in feed.slugs:
                readers[slug].append(path)
        db = self._connect()
        db.execute("BEGIN")
        try:
            db.executemany("INSERT INTO pages VALUES (?,?,?,?,?,?)",
                           ((p.path, p.template, p.lang, p.source, p.context, _text_list(p.reads)) for p in planned))
            db.executemany("INSERT INTO readers VALUES (?,?)",
                           ((s, _text_list(sorted(paths))) for s, paths in readers.items()))
            prefix = os.path.join(articles_dir, "")
            db.executemany("INSERT INTO articles VALUES (?,?,?,?,?)",
                           ((a.slug, a.digest, structure_key(a), pos, name_under(a.source_path, prefix))
                            for pos, a in enumerate(articles)))
            db.executemany("INSERT INTO shared VALUES (?,?)", shared.items())
            db.executemany("INSERT INTO feeds VALUES (?,?)", ((path, _feed_json(feed)) for path, feed in feeds.items()))
            db.executemany("INSERT INTO meta VALUES (?,?)", {**meta, "format": FORMAT}.items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._shared = {}

    def update(self, planned: list[PlannedPage], shared: dict[str, str], articles: list[Article],
               meta: dict[str, str]) -> None:
        """An edit's plans: the pages it re-planned, the reverse map for the slugs they gained or
        lost, the edited articles' digests, the new token."""
        db = self._connect()
        db.execute("BEGIN")
        try:
            for page in planned:
                row = db.execute("SELECT reads FROM pages WHERE path=?", (page.path,)).fetchone()
                before = set(json.loads(row[0])) if row else set()
                db.execute("INSERT OR REPLACE INTO pages VALUES (?,?,?,?,?,?)",
                           (page.path, page.template, page.lang, page.source, page.context, _text_list(page.reads)))
                for slug in before ^ set(page.reads):
                    self._move_reader(db, slug, page.path, slug in page.reads)
            db.executemany("INSERT OR IGNORE INTO shared VALUES (?,?)", shared.items())
            db.executemany("UPDATE articles SET digest=?, skey=? WHERE slug=?",
                           ((a.digest, structure_key(a), a.slug) for a in articles))
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", meta.items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @staticmethod
    def _move_reader(db: sqlite3.Connection, slug: str, path: str, reads: bool) -> None:
        row = db.execute("SELECT paths FROM readers WHERE slug=?", (slug,)).fetchone()
        paths = set(json.loads(row[0])) if row else set()
        paths = paths | {path} if reads else paths - {path}
        db.execute("INSERT OR REPLACE INTO readers VALUES (?,?)", (slug, _text_list(sorted(paths))))

    def forget(self) -> None:
        """Make the store untrusted (before outputs change without it being rewritten)."""
        try:
            if self.path.exists():
                self._connect().execute("DELETE FROM meta WHERE key='token'")
        except sqlite3.Error:
            self.close()
            remove_database(self.path)


def _feed_json(feed: FeedPlan) -> str:
    return json.dumps({"lang": feed.lang, "slugs": feed.slugs, "languages": feed.languages,
                       "tags": [[t, ref.name, ref.slug] for t, ref in feed.tags]}, ensure_ascii=False)


def new_token() -> str:
    return os.urandom(12).hex()


def _replace_all_job(payload: dict) -> str:
    """Write a full build's plans into a new store file (in a forked process, while pages
    render); the caller moves it into place once the output is committed."""
    new = Path(payload["path"])
    remove_database(new)
    store = PlanStore(new.parent, new.name, fresh=True)
    try:
        planned, shared = encode_pages(payload["pages"])
        store.replace_all(planned, shared, payload["feeds"], payload["articles"], payload["meta"],
                          payload["articles_dir"])
    except NotPlannable:
        return ""
    finally:
        store.close()
    return payload["meta"]["token"]


class FullPlans:
    """A full build's plans, written beside the store while the build goes on; `commit()` after
    the output is swapped in puts them in the store's place and returns their token ("" if
    they could not be kept: the next build plans everything)."""

    def __init__(self, store: PlanStore, pages: list[Page], feeds: dict[str, FeedPlan],
                 articles: list[Article], meta: dict[str, str], background: bool, articles_dir: Path | None = None):
        from site_builder.parallel import Background
        self.store = store
        self.new = store.path.with_name(store.path.name + ".new")
        payload = {"path": str(self.new), "pages": pages, "feeds": feeds, "articles": articles,
                   "meta": {**meta, "token": new_token()}, "articles_dir": str(articles_dir or "")}
        self.job = Background(_replace_all_job, payload, enabled=background)

    def commit(self) -> str:
        token = self.job.result()
        self.store.close()
        if not token:
            self.store.forget()
            return ""
        remove_database(self.store.path, main_file=False)
        os.replace(self.new, self.store.path)
        return token

    def discard(self) -> None:
        self.job.discard()
        self.new.unlink(missing_ok=True)
