"""Update a built search index in place for a few edited documents. Pure: old files come in
through `read`, changed files go out.

Every index file is a function of the records it holds (search_index's layout rules are local),
so an edit rewrites only the files whose records changed: the postings shards of the document's
terms, the pair and spelling sets it adds or drops, their vocabulary and typo chunks, its
fragment, the facets and the manifest. The result is byte-identical to a full build of the same
documents; when a global number would change (document count, rounded average length, set
bucket count, shard anchors) the update gives up and the caller builds in full. Documents may be
appended (ids n, n+1, …: their old DocTerms are empty); none may be removed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from site_builder.parallel import gc_paused
from site_builder.search import codec
from site_builder.search import files as sfiles
from site_builder.search import layout
from site_builder.search import scoring
from site_builder.search import tokens as stok
from site_builder.search.terms import IndexDelta, IndexView, MemoryIndex, ShardLayout


class NeedsFullBuild(Exception):
    """The update cannot be done locally (or an old file is missing or unreadable)."""


@dataclass
class IndexUpdate:
    files: dict[str, bytes | None]   # relative path → new bytes, None = delete
    delta: IndexDelta                # what changed of the view (the state of the next update)
    df: dict[str, tuple[int, int]]   # every term whose postings changed → (df before, df now)
    ids: dict[str, str]              # … and, when its documents changed, its encoded ids now


def update_index(state: IndexView | dict, docs: Sequence[sfiles.SearchDoc],
                 changes: list[tuple[int, stok.DocTerms, stok.DocTerms]],
                 read: Callable[[str], bytes | None], facets_unchanged: bool = False,
                 languages: Mapping[str, str] | None = None) -> IndexUpdate:
    """changes: (doc id, old DocTerms, new DocTerms); state: the last index's view (or a full
    build's state); docs: all documents as they are now (only the changed ones are read, but
    for facets.js when they changed and the manifest's languages when not given);
    facets_unchanged: no document was added and none changed its language, source, tags or
    date, so facets.js stays as it is (it is the one file that reads every document)."""
    view = MemoryIndex(state) if isinstance(state, dict) else state
    with gc_paused():
        try:
            return _update(view, docs, changes, read, facets_unchanged, languages)
        except (KeyError, IndexError, TypeError, ValueError) as exc:  # a state that does not fit the files
            raise NeedsFullBuild(f"inconsistent previous index: {exc!r}") from None


def _impact(doc: stok.DocTerms, term: str, avgdl: int) -> str | None:
    v = doc.tf2.get(term)
    return None if v is None else scoring.impact_char(v, doc.length, avgdl)


class _OldIndex:
    """The index before the update: its view, and its files read and decoded once each."""

    def __init__(self, view: IndexView, read: Callable[[str], bytes | None]):
        self.view, self.read = view, read
        self.names: ShardLayout
        self.vocabs: dict[str, dict] = {}
        self.decoded: dict[str, object] = {}
        self.set_bits: int = view.set_bits
        self.ids_of: dict[str, list[int]] = {}
        self.set_ids: dict[str, list[int] | None] = {}
        self.joined: dict[str, list] = {}

    def file(self, name: str):
        if name not in self.decoded:
            data = self.read(name)
            try:
                self.decoded[name] = None if data is None else codec.read_js(data)
            except ValueError as exc:
                raise NeedsFullBuild(f"{name}: {exc}") from None
        return self.decoded[name]

    def vocab(self, key: str) -> dict[str, tuple]:
        """The records of a vocabulary chunk (term → df, shard, form), read once."""
        if key not in self.vocabs:
            data = self.read(f"v/{layout.file_key(key)}.js")
            self.vocabs[key] = sfiles.vocab_records(data) if data is not None else {}
        return self.vocabs[key]

    def known_shard(self, term: str) -> str | None:
        record = self.vocab(layout.chunk_key(term)).get(term)
        return None if record is None else record[1]

    def stored(self, term: str) -> list | tuple:
        """The term's record as stored: [ids, impacts], or a split record and its tail (a tuple)."""
        name = self.names.old_name_of(term)
        shard = self.file(f"p/{name}.js")
        if shard is None or term not in shard:
            raise NeedsFullBuild(f"postings of {term!r} missing")
        record = shard[term]
        if len(record) == 2:
            return record
        tails = self.file(f"t/{name}.js")
        if tails is None or term not in tails:
            raise NeedsFullBuild(f"impacts of {term!r} missing")
        return record, tails[term]

    def posting(self, term: str) -> list:
        """[ids, impacts] (a split record joined with its tail in t/)."""
        stored = self.stored(term)
        if isinstance(stored, list):
            return stored
        if term not in self.joined:
            self.joined[term] = sfiles.join_postings(*stored)
        return self.joined[term]

    def ids(self, term: str) -> list[int]:
        if term not in self.ids_of:
            if self.view.df(term):
                stored = self.stored(term)
                self.ids_of[term] = codec.decode_ids(stored[0] if isinstance(stored, list) else stored[0][0])
            else:
                self.ids_of[term] = []
        return self.ids_of[term]

    def df_of(self, term: str) -> int:
        return self.view.df(term)

    def set_bucket(self, key: str) -> str:
        return f"s/{codec.fnv1a(key) & ((1 << self.set_bits) - 1):x}.js"

    def id_set(self, key: str) -> list[int] | None:
        if key not in self.set_ids:
            bucket = self.file(self.set_bucket(key)) or {}
            self.set_ids[key] = codec.decode_ids(bucket[key]) if key in bucket else None
        return self.set_ids[key]


@dataclass
class _Postings:
    """Step 1's outcome: the terms whose postings changed, their new records and df."""
    affected: set[str]
    new_post: dict[str, list | None]
    old_df: dict[str, int]
    new_df: dict[str, int]
    removed: set[str]
    added: list[str]


def _update(view: IndexView, docs, changes, read, facets_unchanged, languages) -> IndexUpdate:
    n = len(docs)
    lengths, total, params = _lengths_and_params(view, n, changes)
    affected, new_df = _affected(view, changes, params["avgdl"])
    old = _OldIndex(view, read)
    big = layout.BIG_DF
    moved = {t: d for t, d in new_df.items() if (view.df(t) >= big) != (d >= big) or bool(view.df(t)) != bool(d)}
    names = old.names = ShardLayout(view, moved, params["anchor"], old.known_shard)
    post = _changed_postings(old, changes, params, affected, new_df)
    files: dict[str, bytes | None] = {}
    name_changed = _shard_files(old, post, names, files)
    forms, form_changed, set_changes = _spelling_sets(old, changes)
    set_changes.update(_pair_sets(old, changes))
    set_total = _set_files(old, set_changes, files)
    manifest = read("manifest.js")
    if manifest is None:
        raise NeedsFullBuild("manifest missing")
    vocab_keys, typo_keys = sfiles.manifest_keys(manifest)
    _vocab_files(old, post, names, name_changed, forms, form_changed, vocab_keys, files)
    _typo_files(read, post, typo_keys, files)
    if not facets_unchanged:
        files["facets.js"] = sfiles.facets_file(docs)
        files["vi.js"] = sfiles.vietnamese_file(docs)
    _fragment_files(read, docs, [d for d, _, _ in changes], n, files)
    langs = sfiles.languages(docs) if languages is None else languages
    files["manifest.js"] = sfiles.manifest_file(params, old.set_bits, vocab_keys, typo_keys, langs)
    delta = IndexDelta(params, old.set_bits, set_total, total, lengths,
                       {t: post.new_df[t] for t in sorted(affected)}, forms)
    return IndexUpdate(files=files, delta=delta, df={t: (post.old_df[t], post.new_df[t]) for t in sorted(affected)},
                       ids={t: r[0] for t, r in post.new_post.items() if r is not None and post.old_df[t] != post.new_df[t]})


def _lengths_and_params(view: IndexView, n: int, changes) -> tuple[dict[int, int], int, dict]:
    """Lengths of the changed documents, the total length after the edit and the global
    numbers, which must not have moved."""
    old_params = view.params
    before = old_params["docs"]
    if n < before or set(range(before, n)) - {d for d, _, _ in changes}:
        raise NeedsFullBuild("documents removed, or appended without their terms")
    total = view.total_length
    lengths = {}
    for d, _, new in changes:
        total += new.length - (view.length(d) if d < before else 0)
        lengths[d] = new.length
    params = layout.index_params(n, total)
    if {k: v for k, v in params.items() if k != "docs"} != {k: v for k, v in old_params.items() if k != "docs"}:
        raise NeedsFullBuild("average length or shard anchors changed")
    return lengths, total, params


def _affected(view: IndexView, changes, avgdl: int) -> tuple[set[str], dict[str, int]]:
    """Terms whose entry for an edited document changed (most of a document's terms keep their
    impact when a few words change), and their df after the edit."""
    affected = set()
    for _, before, after in changes:
        for term in before.tf2.keys() | after.tf2.keys():
            if term not in affected and _impact(before, term, avgdl) != _impact(after, term, avgdl):
                affected.add(term)
    new_df = {}
    for term in affected:
        new_df[term] = view.df(term) + sum((term in after.tf2) - (term in before.tf2) for _, before, after in changes)
    return affected, new_df


def _changed_postings(old: _OldIndex, changes, params: dict, affected: set[str], new_df: dict) -> _Postings:
    """1. Postings of the affected terms. When the edited documents keep the term (a title
    edit's length moves most impacts a level), only their impact characters change: found by
    rank in the id set, not by decoding it."""
    avgdl = params["avgdl"]
    new_post: dict[str, list | None] = {}
    old_df: dict[str, int] = {}
    for term in sorted(affected):
        old_df[term] = old.view.df(term)
        now = {d: scoring.impact_char(after.tf2[term], after.length, avgdl)
               for d, _, after in changes if term in after.tf2}
        if old_df[term] and all((term in b.tf2) == (term in a.tf2) for _, b, a in changes):
            new_post[term] = _impacts_replaced(old.stored(term), term, now)
            continue
        record = old.posting(term) if old_df[term] else None
        imp = dict(zip(old.ids(term), record[1])) if record is not None else {}
        for d, _, _ in changes:
            imp.pop(d, None)
        imp.update(now)
        ids = sorted(imp)
        if len(ids) != new_df[term]:
            raise NeedsFullBuild(f"postings of {term!r} do not hold the documents the state says")
        new_post[term] = [codec.encode_ids(ids), "".join(imp[i] for i in ids)] if ids else None
    removed = {t for t in affected if new_post[t] is None and old_df[t]}
    added = sorted(t for t in affected if new_post[t] is not None and not old_df[t])
    return _Postings(affected, new_post, old_df, new_df, removed, added)


def _impacts_replaced(stored: list | tuple, term: str, now: dict[int, str]) -> list | tuple:
    """A stored record with the impacts of documents that keep the term replaced, found by rank."""
    ids = stored[0] if isinstance(stored, list) else stored[0][0]
    for d, impact in sorted(now.items()):
        at, present = codec.rank(ids, d)
        if not present:
            raise NeedsFullBuild(f"postings of {term!r} lack document {d}")
        if isinstance(stored, list):
            stored = [ids, stored[1][:at] + impact + stored[1][at + 1:]]
        else:
            stored = sfiles.set_impact(*stored, at, impact)
    return stored


def _shard_files(old: _OldIndex, post: _Postings, names: ShardLayout, files: dict) -> set[str]:
    """Shards to rewrite: any holding an affected term, gaining or losing a term, or renamed.
    Returns the terms whose shard was renamed."""
    touched_new: set[str] = set()
    touched_old: set[str] = set()
    name_changed: set[str] = set()
    for t, name in names.new_name.items():
        was = names.old_name.get(t) if old.view.df(t) else None
        if was != name:
            name_changed.add(t)
            touched_new.add(name)
            if was is not None:
                touched_old.add(was)
        elif t in post.affected:
            touched_new.add(name)
    for t in post.removed:
        touched_old.add(names.old_name_of(t))
    for t in post.affected - names.new_name.keys():  # far from a term that came, went or grew big
        if post.new_post[t] is not None:
            touched_new.add(names.old_name_of(t))
    touched_new |= touched_old & names.members.keys()
    for name in sorted(touched_new):
        shard = {}
        members = names.members[name] if name in names.members else (old.file(f"p/{name}.js") or {}).keys()
        for t in sorted(members):
            shard[t] = post.new_post[t] if t in post.affected else old.stored(t)
        files.update(sfiles.postings_files(name, shard))
    for name in touched_old - names.members.keys():
        files[f"p/{name}.js"] = files[f"t/{name}.js"] = None
    return name_changed


def _spelling_counts(term: str, before: dict[str, int], changes) -> dict[str, int]:
    after = dict(before)
    for _, old_doc, new_doc in changes:
        for exact, t in old_doc.forms.items():
            if t == term:
                after[exact] -= 1
        for exact, t in new_doc.forms.items():
            if t == term:
                after[exact] = after.get(exact, 0) + 1
    return {e: c for e, c in after.items() if c > 0}


def _spelling_sets(old: _OldIndex, changes) -> tuple[dict, dict, dict]:
    """2. Spellings: counts of the terms whose spellings changed (None: written one way now),
    form info and the '=spelling' sets."""
    forms: dict[str, dict | None] = {}
    form_terms = set()
    for _, before_doc, after_doc in changes:
        for exact in before_doc.forms.keys() ^ after_doc.forms.keys():
            form_terms.add(before_doc.forms.get(exact) or after_doc.forms[exact])
    changed_docs = [d for d, _, _ in changes]
    form_changed: dict[str, object] = {}
    set_changes: dict[str, list[int] | None] = {}      # key → new ids (None: no such set now)
    for term in sorted(form_terms):
        before = old.view.forms(term) or ({term: old.df_of(term)} if old.df_of(term) else {})
        after = _spelling_counts(term, before, changes)
        forms[term] = dict(sorted(after.items())) if any(e != term for e in after) else None
        if sfiles.form_info(before, term) != sfiles.form_info(after, term):
            form_changed[term] = sfiles.form_info(after, term)
        for exact in sorted(before.keys() | after.keys()):
            if exact == term:
                continue
            key = "=" + exact
            if len(before) > 1 and exact in before:
                was = old.id_set(key)
                if was is None:
                    raise NeedsFullBuild(f"set {key!r} missing")
            elif exact in before:               # the only spelling: every document with the term
                was = old.ids(term)
                old.set_ids[key] = None
            else:
                was = []
                old.set_ids[key] = None
            ids = set(was).difference(changed_docs)
            ids.update(d for d, _, new in changes if exact in new.forms)
            set_changes[key] = sorted(ids) if len(after) > 1 and exact in after else None
    return forms, form_changed, set_changes


def _pair_sets(old: _OldIndex, changes) -> dict[str, list[int] | None]:
    """3. Word pairs."""
    changed_docs = [d for d, _, _ in changes]
    pair_keys = set()
    for _, before, after in changes:
        pair_keys.update(before.pairs ^ after.pairs)
    set_changes = {}
    for key in sorted(pair_keys):
        ids = set(old.id_set(key) or ()).difference(changed_docs)
        ids.update(d for d, _, new in changes if key in new.pairs)
        set_changes[key] = sorted(ids) or None
    return set_changes


def _set_files(old: _OldIndex, set_changes: dict, files: dict) -> int:
    """The set buckets that hold a changed set; returns the new total size of the sets."""
    set_total = old.view.set_total
    encoded: dict[str, str | None] = {}
    for key, ids in set_changes.items():
        was = old.id_set(key)
        if was is not None:
            set_total -= layout.set_record_size(key, codec.encode_ids(was))
        encoded[key] = codec.encode_ids(ids) if ids else None
        if encoded[key] is not None:
            set_total += layout.set_record_size(key, encoded[key])
    if layout.set_bits_for(set_total) != old.set_bits:
        raise NeedsFullBuild("set bucket count changed")
    buckets: dict[str, dict[str, str | None]] = defaultdict(dict)
    for key, value in encoded.items():
        buckets[old.set_bucket(key)][key] = value
    for name, updates in sorted(buckets.items()):
        bucket = dict(old.file(name) or {})
        for key, value in updates.items():
            if value is None:
                bucket.pop(key, None)
            else:
                bucket[key] = value
        files[name] = codec._js(name[:-3], bucket) if bucket else None
    return set_total


def _vocab_files(old: _OldIndex, post: _Postings, names: ShardLayout, name_changed: set[str], forms: dict,
                 form_changed: dict, vocab_keys: set[str], files: dict) -> None:
    """4. Vocabulary chunks of every term whose df, shard or form info changed."""
    view = names.view
    by_chunk: dict[str, list[str]] = defaultdict(list)
    moved = {t for t in post.affected if post.old_df[t] != post.new_df[t]}
    for t in moved | name_changed | form_changed.keys():
        by_chunk[layout.chunk_key(t)].append(t)
    for key, chunk_terms in sorted(by_chunk.items()):
        fkey = layout.file_key(key)
        name = f"v/{fkey}.js"
        records = dict(old.vocab(key))
        for t in chunk_terms:
            df = post.new_df[t] if t in post.new_df else view.df(t)
            if not df:
                records.pop(t, None)
                continue
            shard = names.new_name[t] if t in names.new_name else records[t][1]
            form = form_changed[t] if t in form_changed else (
                records[t][2] if t in records else sfiles.form_info((forms[t] if t in forms else view.forms(t)) or {t: 1}, t))
            records[t] = (df, shard, form)
        keep = sfiles.has_vocab_file(key, records)
        files[name] = sfiles.vocab_file(key, records) if keep else None
        (vocab_keys.add if keep else vocab_keys.discard)(fkey)


def _typo_files(read, post: _Postings, typo_keys: set[str], files: dict) -> None:
    """5. Typo chunks of terms that came or went."""
    typo_changes: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for terms, present in ((post.added, True), (sorted(post.removed), False)):
        for t in terms:
            if layout.is_typo_term(t):
                for key in layout.typo_keys(t):
                    typo_changes[key].append((t, present))
    for key, updates in sorted(typo_changes.items()):
        fkey = layout.file_key(key)
        name = f"x/{fkey}.js"
        data = read(name)
        cands = set(codec.read_js(data).split(" ")) if data is not None else set()
        for t, present in updates:
            (cands.add if present else cands.discard)(t)
        files[name] = sfiles.typo_file(key, cands) if cands else None
        (typo_keys.add if cands else typo_keys.discard)(fkey)


def _fragment_files(read, docs, changed_docs: list[int], n: int, files: dict) -> None:
    """6. The edited documents' fragments."""
    changed_set = set(changed_docs)
    group_size = layout.FRAGMENT_GROUP
    for group in sorted({d // group_size for d in changed_docs}):
        data = read(f"f/{group}.js")
        fragments = sfiles.read_fragments(data) if data is not None else []
        for d in range(group * group_size, min(n, (group + 1) * group_size)):
            k = d - group * group_size
            if d in changed_set:
                fragments[k:k + 1] = [sfiles.fragment(docs[d])]
            elif k >= len(fragments):
                raise NeedsFullBuild(f"f/{group}.js lacks document {d}")
        files[f"f/{group}.js"] = sfiles.fragment_file(group, fragments)
