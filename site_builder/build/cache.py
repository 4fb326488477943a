"""What is current: the build cache (JSON, never pickle) in SITE/.site-builder-cache/.

- articles/<xxx>.json: article digest → parsed front-matter, so unchanged files skip YAML; split
  by the digest's first three hex digits so that an edit rewrites small files, not all, and
  reads a small one for each article its pages list;
- bodies/<xx>.raw: article digest → its file's bytes (or its body), read only for an edited article's previous
  version (what the search index must take out);
- state.sqlite (build/state_store.py): output path → OutputRecord (page fingerprint, output
  digest, size) for the out dir it was written to, so a page whose inputs did not change is
  neither rendered nor written; written in the rows that changed;
- search.sqlite (build/search_store.py): what the search index of that build holds (terms,
  document frequencies, spellings, lengths, related-word vectors), in rows, so an edit updates
  the index in place reading and writing only the rows it touches;
- state.sqlite also keeps the stat of every article file as that build saw it, so a build with
  nothing changed can tell without reading a single article (see unchanged.files_unchanged), and the
  related briefings the search stage gave;
A missing, stale or corrupt cache only costs time: the output is the same without it.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.content.article import Article, article_to_json, body_of_file, body_source
from site_builder.build.file_records import racy_files
from site_builder.build.state_store import (BuildState, OutDirs, OutputRecord, StateSummary, invalidate, load_state,
                                            load_summary, save_out_dirs, write_state)
from site_builder.errors import ContentError

FORMAT = 3  # 2: articles carry draft, date_line and links; 3: front-matter shards by three hex digits


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and data.get("format") == FORMAT else {}
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    text = json.dumps({"format": FORMAT, **data}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    """Into place whole or not at all (a build killed while writing leaves the last version)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


class BuildCache:
    """The cache of one site. Loaded once; a dev server keeps the same object between builds
    (write_behind=True) so that a rebuild reads nothing back and writes the JSON when idle.

    Before outputs change, the records are marked invalid (before_commit): if the process dies between
    writing outputs and writing the cache, the next build finds no records and renders in
    full instead of trusting records that describe the old outputs."""

    def __init__(self, root: Path | None, write_behind: bool = False):
        self.root = root
        self.write_behind = write_behind
        self._articles: dict[str, dict] | None = None  # read on first use: a no-op build never needs them
        self._state: BuildState | None = None if root is not None else BuildState()  # read on first use
        self._state_on_disk = BuildState()
        self.snapshot: dict[str, tuple] = {}      # article file → (stat key, Article), in memory only
        self.published_list = None                # a dev server's published list (build/archive.Published)
        self._bodies_now: dict[str, Article] = {}  # digest → the last build's article (its body)
        self._body_shards: dict[str, dict[str, tuple[bytes, bool]]] = {}
        self._meta_shards: dict[str, dict[str, dict]] = {}  # articles/<xx>.json read one by one
        self._on_disk: dict[str, dict] = {}       # articles as last written to disk
        self._pending: dict | None = None
        self._released: list = []                 # let go by an edit, freed by the next flush (idle)
        self._invalidated = False
        self._lock = threading.Lock()
        self.warnings: list[str] = []             # what was wrong with the cache on disk

    @property
    def state(self) -> BuildState:
        """The last build's records (output records, file stats, related briefings), read on
        first use: a build with nothing to do needs only their summary."""
        if self._state is None:
            self._state = self._state_on_disk = load_state(self.root, self.warnings)
        return self._state

    def summary(self) -> StateSummary | None:
        """The records' summary, from the meta table alone (what save() wrote: a command-line
        build writes at once)."""
        return None if self.root is None or self.write_behind else load_summary(self.root)

    def record_out_dirs(self, out_dirs: OutDirs) -> None:
        """Remember the output's folder times, checked by the next build with nothing to do (a
        dev server's, by its next edit: kept with the records in memory)."""
        if self.root is not None and not self.write_behind:
            save_out_dirs(self.root, out_dirs)
        if self._state is not None:
            self._state.out_dirs = out_dirs

    pages = property(lambda self: self.state.pages)
    out_dir = property(lambda self: self.state.out_dir)
    related = property(lambda self: self.state.related)
    site_fp = property(lambda self: self.state.site_fp)
    page_count = property(lambda self: self.state.page_count)
    files = property(lambda self: self.state.files)  # {"at": ns, "stat": {article file: stat key}}
    plans_token = property(lambda self: self.state.plans_token)

    @property
    def articles(self) -> dict[str, dict]:
        """Article digest → parsed front-matter, of the last build."""
        if self._articles is None:
            self._articles = {}
            if self.root is not None:
                for shard in sorted((self.root / "articles").glob("*.json")):
                    self._articles.update(_read_json(shard).get("articles", {}))
            self._on_disk = self._articles
        return self._articles

    def article_json(self, digest: str) -> dict | None:
        """One article's cached front-matter, reading only its shard (an edit that moved
        nothing reads a few dozen articles, not the 256 shards)."""
        if self._articles is not None:
            return self._articles.get(digest)
        pending = self._pending.get("articles") if self._pending else None
        if pending is not None and digest in pending.added:  # a dev server's edit, not written yet
            return pending.added[digest]
        key = digest[:META_KEY]
        if key not in self._meta_shards:
            data = {} if self.root is None else _read_json(self.root / "articles" / f"{key}.json")
            self._meta_shards[key] = data.get("articles", {})
        return self._meta_shards[key].get(digest)

    def previous_outputs(self, out_dir: Path) -> dict[str, OutputRecord]:
        """Output path → record of the last build into this out dir."""
        return self.pages if self.out_dir == str(out_dir) else {}

    def body(self, digest: str) -> str | None:
        article = self._bodies_now.get(digest)
        if article is not None:
            try:
                return article.body
            except ContentError:  # not read yet, and its file has changed since: the copy on disk
                pass
        kept = self._bodies(digest[:BODY_KEY]).get(digest)
        if kept is None:
            return None
        data, whole = kept
        return body_of_file(data) if whole else data.decode("utf-8")

    def _bodies(self, key: str) -> dict[str, tuple[bytes, bool]]:
        if key not in self._body_shards:
            self._body_shards[key] = {} if self.root is None else _read_bodies(_body_path(self.root, key))
        return self._body_shards[key]

    def search_state(self, code: str, records: dict[str, OutputRecord]):
        """The search state (build/search_store.SearchStore, open: the caller closes it) of the
        build that wrote `records` (its search files), if the search code is the same."""
        if self.root is None or not records:
            return None
        from site_builder.build.search_store import open_store
        store = open_store(self.root, self.warnings)
        if store is None:
            return None
        if store.code != code or store.fp != self.related.get("fp"):  # the index these records are of
            store.close()
            return None
        return store

    def write_articles_now(self, articles: list[Article]):
        """A full build's article and body shards (large: the whole text of the site), made and
        written by a forked process while the build renders pages rather than after it; save()
        then finds them written. Returns the job, to be given to articles_written(); None if not
        worth it."""
        from site_builder.parallel import PARALLEL_MIN, Background
        if self.root is None or self.write_behind or len(articles) < PARALLEL_MIN:
            return None  # a dev server has threads (no fork) and writes when idle anyway
        return Background(_write_shards_job, {"root": self.root, "articles": articles, "on_disk": self.articles})

    def articles_written(self, job) -> dict[str, dict] | None:
        """Wait for write_articles_now's job: the articles' JSON it wrote, or None if there was
        no job or it failed (then save() writes the shards itself)."""
        if job is None:
            return None
        try:
            written = job.result()
        except Exception:  # noqa: BLE001 — the cache only saves time; save() tries again
            return None
        self._articles = self._on_disk = written
        return written

    def before_commit(self) -> None:
        with self._lock:  # waits for a flush in progress: it must not land after this
            if self.root is not None and not self._invalidated:
                invalidate(self.root)
                self._invalidated = True

    def save(self, *, articles: dict[str, dict] | ArticleChanges, bodies: dict[str, Article],
             pages: Mapping[str, OutputRecord], out_dir: Path, related: dict, site_fp: str, page_count: int,
             published: int, files: dict, search=None, plans_token: str | None = None,
             out_dirs: OutDirs | None = None) -> None:
        """What a build made, for the next one. articles: digest → front-matter JSON; bodies:
        digest → the Article, whose body is read only if its shard must be written; pages: the
        output records; related: the search fingerprint and the related slugs it gave; site_fp
        and page_count: of the whole site; published: the articles with a page; files: the
        article files' stat as the build saw them (see unchanged.files_unchanged); search: the search index's state (search.state.FullState) or
        its changes (StateDelta), when it changed: written at once, a dev server's too (an
        edit's rows are few, and the next build reads them back from the store); out_dirs: the
        output's folders after the commit. `articles` may instead be an edit's ArticleChanges
        (then bodies holds the edited articles): only their shards are rewritten."""
        if search is not None:
            self._write_search(search)
        with self._lock:
            last = self.state
            token = last.plans_token if plans_token is None else plans_token
            state = BuildState(pages, str(out_dir), related, site_fp, page_count, files, token,
                               published=published, out_dirs=out_dirs)
            changed = self._invalidated or not state.same_as(last)
            pending = self._pending or {}
            if isinstance(articles, ArticleChanges):  # read back from the shards when next asked for
                if isinstance(pending.get("articles"), ArticleChanges):  # a dev server's edits, not yet written
                    articles = pending["articles"].then(articles)
                    bodies = {**{d: a for d, a in self._bodies_now.items() if d in articles.added}, **bodies}
                # The whole archive's front matter (a full build's), freed when the server is
                # idle rather than in the edit: 50,000 dicts.
                self._released.append((self._articles, self._on_disk, self._meta_shards, self._body_shards))
                self._articles, self._on_disk, self._meta_shards, self._body_shards = None, {}, {}, {}
                self._bodies_now, self._state = bodies, state
                self._pending = {"pages": changed or pending.get("pages", False), "articles": articles}
            else:
                _ = self.articles  # what is on disk, to compare with
                self._articles, self._bodies_now, self._state = articles, bodies, state
                self._pending = {"pages": changed or pending.get("pages", False)}
        if not self.write_behind:
            self.flush()

    def flush(self) -> None:
        """Write what save() was given (at once, or when a dev server is idle)."""
        with self._lock:
            released, self._released = self._released, []
            if self.root is not None and self._pending is not None:
                pending, self._pending = self._pending, None
                self._write(pending)
                self._invalidated = False
        del released  # freed here, outside the lock

    def _write_search(self, search) -> None:
        if self.root is None:
            return
        from site_builder.build import search_store
        from site_builder.search.state import FullState
        (self.root / "search.json").unlink(missing_ok=True)  # the state's form before search.sqlite
        if isinstance(search, FullState):
            search_store.write_full(self.root, search)
        elif not search_store.apply_delta(self.root, search):
            self.warnings.append("search state not written: the next build indexes in full")

    def _write(self, pending: dict) -> None:
        if pending.get("articles") is not None:
            write_article_changes(self.root, pending["articles"], self._bodies_now)
            self._meta_shards, self._body_shards = {}, {}  # read before these changes were written
        elif self._articles is not None and self._articles is not self._on_disk and self._articles != self._on_disk:
            write_article_shards(self.root, self._articles, self._bodies_now, self._on_disk)
            self._on_disk = self._articles
        if pending["pages"]:
            write_state(self.root, self.state, self._state_on_disk)
            self._state_on_disk = self.state
        gitignore = self.root / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", encoding="utf-8")


def trusted_files(previous: dict, now: dict[str, tuple]) -> dict[str, str]:
    """file → digest of the last build, for each file whose stat is as that build saw it and
    that had not changed just before it looked (file_records.racy_files)."""
    stat, at, digests = previous.get("stat"), previous.get("at"), previous.get("digests")
    if not isinstance(stat, dict) or not isinstance(at, int) or not isinstance(digests, dict):
        return {}
    racy = racy_files(now, at)
    return {name: digests[name] for name, key in now.items()
            if stat.get(name) == key and name in digests and name not in racy}


META_KEY, BODY_KEY = 3, 2  # digest prefix of a front-matter shard (an edit's pages read ~100 of them), of a body shard


BODIES_FORMAT = 1


def _body_path(root: Path, key: str) -> Path:
    return root / "bodies" / f"{key}.raw"


def _write_bodies(path: Path, bodies: dict[str, tuple[bytes, bool]]) -> None:
    """A body shard: one line of JSON saying where each article's bytes are (offset, length, and
    whether they are its whole file), then the bytes. Not escaped into JSON: the bodies are most
    of the cache, and a full build copies them all."""
    index, offset = {}, 0
    for digest, (data, whole) in sorted(bodies.items()):
        index[digest] = [offset, len(data), whole]
        offset += len(data)
    header = json.dumps({"format": BODIES_FORMAT, "bodies": index}, separators=(",", ":")).encode("ascii")
    _write_bytes(path, b"".join([header, b"\n", *(bodies[d][0] for d in index)]))


def _read_bodies(path: Path) -> dict[str, tuple[bytes, bool]]:
    """What _write_bodies wrote; {} for a missing or damaged shard (its articles' old versions
    are then unknown: an edit of one indexes in full)."""
    try:
        data = path.read_bytes()
        end = data.index(b"\n")
        header = json.loads(data[:end])
        if header.get("format") != BODIES_FORMAT:
            return {}
        start, out = end + 1, {}
        for digest, (offset, length, whole) in header["bodies"].items():
            if start + offset + length > len(data):
                return {}
            out[digest] = (data[start + offset:start + offset + length], bool(whole))
        return out
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}


def _by_prefix(digests, n: int) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for digest in digests:
        found.setdefault(digest[:n], []).append(digest)
    return found


def _write_shards(root: Path, articles: dict[str, dict], bodies: dict[str, Article],
                  meta_keys: set[str], body_keys: set[str]) -> None:
    """Write these front-matter and body shards of `articles` (removing those left empty); a
    body that cannot be read (its file changed during the build) leaves its shards as they
    were: the next build writes them."""
    body_of = _by_prefix(articles, BODY_KEY)
    failed: set[str] = set()
    for key in sorted(body_keys):
        path = _body_path(root, key)
        if key not in body_of:
            path.unlink(missing_ok=True)
            continue
        try:
            shard_bodies = {d: body_source(bodies[d]) for d in body_of[key]}  # not kept on the article: all would be
        except ContentError:
            failed.add(key)
            continue
        _write_bodies(path, shard_bodies)
    meta_of = _by_prefix(articles, META_KEY)
    for key in sorted(k for k in meta_keys if k[:BODY_KEY] not in failed):
        path = root / "articles" / f"{key}.json"
        if key in meta_of:
            _write_json(path, {"articles": {d: articles[d] for d in meta_of[key]}})
        else:
            path.unlink(missing_ok=True)


def write_article_shards(root: Path, articles: dict[str, dict], bodies: dict[str, Article],
                         on_disk: dict[str, dict]) -> None:
    """The shards (by digest prefix) whose articles differ from what is on disk."""
    new, old = _by_prefix(articles, META_KEY), _by_prefix(on_disk, META_KEY)
    moved = {key for key in new.keys() | old.keys()
             if sorted(new.get(key, ())) != sorted(old.get(key, ()))
             or any(articles[d] != on_disk.get(d) for d in new.get(key, ()))}
    _write_shards(root, articles, bodies, moved, {key[:BODY_KEY] for key in moved})
    for stale in (root / "articles").glob("*.json"):  # another shard size's (an earlier release)
        if len(stale.stem) != META_KEY:
            stale.unlink(missing_ok=True)
    for stale in (root / "bodies").glob("*.json"):  # body shards of an earlier release
        stale.unlink(missing_ok=True)


@dataclass(frozen=True)
class ArticleChanges:
    """An edit's articles for the cache: the edited ones' JSON (digest → front-matter) in, their
    previous versions' digests out."""
    added: dict[str, dict]
    removed: frozenset[str]

    def then(self, later: "ArticleChanges") -> "ArticleChanges":
        """These changes and a later edit's, as one (what is added is written after what is removed)."""
        added = {d: data for d, data in self.added.items() if d not in later.removed}
        return ArticleChanges({**added, **later.added}, self.removed | later.removed)


def write_article_changes(root: Path, changes: ArticleChanges, bodies: dict[str, Article]) -> None:
    """Rewrite only the shards an edit touched (a damaged one loses its other articles: they are
    parsed again). A body that cannot be read leaves its shards as they were."""
    touched = set(changes.added) | changes.removed
    failed: set[str] = set()
    for key in sorted({d[:BODY_KEY] for d in touched}):
        path = _body_path(root, key)
        shard = _read_bodies(path)
        for digest in changes.removed:
            shard.pop(digest, None)
        try:
            shard.update({d: body_source(bodies[d]) for d in changes.added if d[:BODY_KEY] == key})
        except ContentError:  # a file changed during the build: the next build writes it
            failed.add(key)
            continue
        _write_bodies(path, shard)
    for key in sorted({d[:META_KEY] for d in touched if d[:BODY_KEY] not in failed}):
        path = root / "articles" / f"{key}.json"
        shard = _read_json(path).get("articles", {})
        for digest in changes.removed:
            shard.pop(digest, None)
        shard.update({d: data for d, data in changes.added.items() if d[:META_KEY] == key})
        _write_json(path, {"articles": shard})


def known_json(articles: list[Article], known: dict[str, dict]) -> dict[str, dict]:
    """digest → front-matter JSON of each article (the cached form if there is one); an article
    whose extra keys do not survive JSON is left out (it is parsed again each build)."""
    return {a.digest: d for a in articles if (d := known.get(a.digest) or article_to_json(a)) is not None}


def _write_shards_job(payload: dict) -> dict[str, dict]:
    articles, on_disk = payload["articles"], payload["on_disk"]
    known = known_json(articles, on_disk)
    write_article_shards(payload["root"], known, {a.digest: a for a in articles}, on_disk)
    return known
