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

import bisect
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence

from site_builder.search import index as si


class NeedsFullBuild(Exception):
    """The update cannot be done locally (or an old file is missing or unreadable)."""


@dataclass
class IndexUpdate:
    files: dict[str, bytes | None]   # relative path → new bytes, None = delete
    state: dict
    postings: dict[str, list[int]]   # every term whose postings changed → its doc ids now
    old_df: dict[str, int]           # … and its document frequency before (0 if new)


def update_index(state: dict, docs: Sequence[si.SearchDoc], changes: list[tuple[int, si.DocTerms, si.DocTerms]],
                 read: Callable[[str], bytes | None], facets_unchanged: bool = False) -> IndexUpdate:
    """changes: (doc id, old DocTerms, new DocTerms); docs: all documents as they are now (only
    the changed ones need their text); facets_unchanged: no document was added and none changed
    its language, source, tags or date, so facets.js stays as it is (it is the one file that
    reads every document)."""
    with si.gc_paused():
        try:
            return _update(state, docs, changes, read, facets_unchanged)
        except (KeyError, IndexError, TypeError, ValueError) as exc:  # a state that does not fit the files
            raise NeedsFullBuild(f"inconsistent previous index: {exc!r}") from None


def _impact(doc: si.DocTerms, term: str, avgdl: int) -> str | None:
    v = doc.tf2.get(term)
    return None if v is None else si.impact_char(v, doc.length, avgdl)


def _update(state, docs, changes, read, facets_unchanged) -> IndexUpdate:
    n = len(docs)
    old_params = state["params"]
    appended = n - old_params["docs"]
    if appended < 0 or set(range(old_params["docs"], n)) - {d for d, _, _ in changes}:
        raise NeedsFullBuild("documents removed, or appended without their terms")
    lengths = list(state["lengths"]) + [0] * appended
    for d, old, new in changes:
        lengths[d] = new.length
    params = si.index_params(n, sum(lengths))
    if {k: v for k, v in params.items() if k != "docs"} != {k: v for k, v in old_params.items() if k != "docs"}:
        raise NeedsFullBuild("average length or shard anchors changed")
    avgdl = params["avgdl"]
    anchor = params["anchor"]

    decoded: dict[str, object] = {}

    def old_file(name: str):
        if name not in decoded:
            data = read(name)
            try:
                decoded[name] = None if data is None else si.read_js(data)
            except ValueError as exc:
                raise NeedsFullBuild(f"{name}: {exc}") from None
        return decoded[name]

    terms_old: list[str] = state["terms"]
    df_old: list[int] = state["df"]
    pos_old = {t: i for i, t in enumerate(terms_old)}
    names_old = si.shard_names(terms_old, df_old, anchor)

    def old_posting(term: str) -> list:
        shard = old_file(f"p/{names_old[pos_old[term]]}.js")
        if shard is None or term not in shard:
            raise NeedsFullBuild(f"postings of {term!r} missing")
        return shard[term]

    # 1. Postings of the terms whose entry for an edited document changed (most of a document's
    # terms keep their impact when a few words change).
    affected = set()
    for _, old, new in changes:
        for term in old.tf2.keys() | new.tf2.keys():
            if term not in affected and _impact(old, term, avgdl) != _impact(new, term, avgdl):
                affected.add(term)
    changed_docs = [d for d, _, _ in changes]
    new_post: dict[str, list | None] = {}
    ids_now: dict[str, list[int]] = {}
    old_ids_of: dict[str, list[int]] = {}

    def old_ids(term: str) -> list[int]:
        if term not in old_ids_of:
            old_ids_of[term] = si.decode_ids(old_posting(term)[0]) if term in pos_old else []
        return old_ids_of[term]

    old_df: dict[str, int] = {}
    for term in sorted(affected):
        ids = old_ids(term)
        imp = dict(zip(ids, old_posting(term)[1])) if ids else {}
        old_df[term] = len(ids)
        for d in changed_docs:
            imp.pop(d, None)
        for d, _, new in changes:
            if term in new.tf2:
                imp[d] = si.impact_char(new.tf2[term], new.length, avgdl)
        now = sorted(imp)
        ids_now[term] = now
        new_post[term] = [si.encode_ids(now), "".join(imp[i] for i in now)] if now else None

    removed = {t for t in affected if new_post[t] is None and t in pos_old}
    added = sorted(t for t in affected if new_post[t] is not None and t not in pos_old)
    terms_new = [t for t in terms_old if t not in removed] if removed else list(terms_old)
    for t in added:
        bisect.insort(terms_new, t)
    df_new = [len(ids_now[t]) if t in affected else df_old[pos_old[t]] for t in terms_new]
    names_new = si.shard_names(terms_new, df_new, anchor)

    files: dict[str, bytes | None] = {}
    # Shards to rewrite: any holding an affected term, gaining or losing a term, or renamed.
    new_span: dict[str, list[int]] = {}
    touched_new: set[str] = set()
    touched_old: set[str] = set()
    name_changed: set[str] = set()
    for i, t in enumerate(terms_new):
        name = names_new[i]
        span = new_span.get(name)
        if span is None:
            new_span[name] = [i, i + 1]
        else:
            span[1] = i + 1
        was = names_old[pos_old[t]] if t in pos_old else None
        if was != name:
            name_changed.add(t)
            touched_new.add(name)
            if was is not None:
                touched_old.add(was)
        elif t in affected:
            touched_new.add(name)
    for t in removed:
        touched_old.add(names_old[pos_old[t]])
    touched_new |= touched_old & new_span.keys()
    for name in sorted(touched_new):
        lo, hi = new_span[name]
        shard = {}
        for t in terms_new[lo:hi]:
            shard[t] = new_post[t] if t in affected else old_posting(t)
        files[f"p/{name}.js"] = si._js(f"p/{name}", shard)
    for name in touched_old - new_span.keys():
        files[f"p/{name}.js"] = None

    # 2. Spellings: counts per term, form info and the '=spelling' sets.
    forms = {t: dict(c) for t, c in state["forms"].items()}
    form_terms = set()
    for _, old, new in changes:
        for exact in old.forms.keys() ^ new.forms.keys():
            form_terms.add(old.forms.get(exact) or new.forms[exact])
    df_old_of = lambda t: df_old[pos_old[t]] if t in pos_old else 0  # noqa: E731
    form_changed: dict[str, object] = {}
    set_changes: dict[str, list[int] | None] = {}      # key → new ids (None: no such set now)
    old_set_ids: dict[str, list[int] | None] = {}
    set_bits = state["setBits"]

    def old_set(key: str) -> list[int] | None:
        if key not in old_set_ids:
            bucket = old_file(f"s/{si.fnv1a(key) & ((1 << set_bits) - 1):x}.js") or {}
            old_set_ids[key] = si.decode_ids(bucket[key]) if key in bucket else None
        return old_set_ids[key]

    for term in sorted(form_terms):
        before = forms.get(term) or ({term: df_old_of(term)} if df_old_of(term) else {})
        after = dict(before)
        for _, old, new in changes:
            for exact, t in old.forms.items():
                if t == term:
                    after[exact] -= 1
            for exact, t in new.forms.items():
                if t == term:
                    after[exact] = after.get(exact, 0) + 1
        after = {e: c for e, c in after.items() if c > 0}
        if any(e != term for e in after):
            forms[term] = dict(sorted(after.items()))
        else:
            forms.pop(term, None)
        if si.form_info(before, term) != si.form_info(after, term):
            form_changed[term] = si.form_info(after, term)
        for exact in sorted(before.keys() | after.keys()):
            if exact == term:
                continue
            key = "=" + exact
            if len(before) > 1 and exact in before:
                was = old_set(key)
                if was is None:
                    raise NeedsFullBuild(f"set {key!r} missing")
            elif exact in before:               # the only spelling: every document with the term
                was = old_ids(term)
                old_set_ids[key] = None
            else:
                was = []
                old_set_ids[key] = None
            ids = set(was).difference(changed_docs)
            ids.update(d for d, _, new in changes if exact in new.forms)
            set_changes[key] = sorted(ids) if len(after) > 1 and exact in after else None

    # 3. Word pairs.
    pair_keys = set()
    for _, old, new in changes:
        pair_keys.update(old.pairs ^ new.pairs)
    for key in sorted(pair_keys):
        ids = set(old_set(key) or ()).difference(changed_docs)
        ids.update(d for d, _, new in changes if key in new.pairs)
        set_changes[key] = sorted(ids) or None

    set_total = state["setTotal"]
    encoded: dict[str, str | None] = {}
    for key, ids in set_changes.items():
        was = old_set(key)
        if was is not None:
            set_total -= si.set_record_size(key, si.encode_ids(was))
        encoded[key] = si.encode_ids(ids) if ids else None
        if encoded[key] is not None:
            set_total += si.set_record_size(key, encoded[key])
    if si.set_bits_for(set_total) != set_bits:
        raise NeedsFullBuild("set bucket count changed")
    buckets: dict[int, dict[str, str | None]] = defaultdict(dict)
    for key, value in encoded.items():
        buckets[si.fnv1a(key) & ((1 << set_bits) - 1)][key] = value
    for h, updates in sorted(buckets.items()):
        name = f"s/{h:x}.js"
        bucket = dict(old_file(name) or {})
        for key, value in updates.items():
            if value is None:
                bucket.pop(key, None)
            else:
                bucket[key] = value
        files[name] = si._js(f"s/{h:x}", bucket) if bucket else None

    # 4. Vocabulary chunks of every term whose df, shard or form info changed.
    pos_new = None
    vocab_terms = affected | name_changed | form_changed.keys()
    by_chunk: dict[str, list[str]] = defaultdict(list)
    for t in vocab_terms:
        by_chunk[si.chunk_key(t)].append(t)
    manifest = read("manifest.js")
    if manifest is None:
        raise NeedsFullBuild("manifest missing")
    vocab_keys, typo_keys = si.manifest_keys(manifest)
    for key, chunk_terms in sorted(by_chunk.items()):
        fkey = si.file_key(key)
        name = f"v/{fkey}.js"
        data = read(name)
        records = si.vocab_records(data) if data is not None else {}
        for t in chunk_terms:
            if t in removed:
                records.pop(t, None)
                continue
            if pos_new is None:
                pos_new = {t: i for i, t in enumerate(terms_new)}
            i = pos_new[t]
            form = form_changed[t] if t in form_changed else (
                records[t][2] if t in records else si.form_info(forms.get(t, {t: 1}), t))
            records[t] = (df_new[i], names_new[i], form)
        files[name] = si.vocab_file(key, records) if records else None
        (vocab_keys.add if records else vocab_keys.discard)(fkey)

    # 5. Typo chunks of terms that came or went.
    typo_changes: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for t in added:
        if si.is_typo_term(t):
            for key in si.typo_keys(t):
                typo_changes[key].append((t, True))
    for t in removed:
        if si.is_typo_term(t):
            for key in si.typo_keys(t):
                typo_changes[key].append((t, False))
    for key, updates in sorted(typo_changes.items()):
        fkey = si.file_key(key)
        name = f"x/{fkey}.js"
        data = read(name)
        cands = set(si.read_js(data).split(" ")) if data is not None else set()
        for t, present in updates:
            (cands.add if present else cands.discard)(t)
        files[name] = si.typo_file(key, cands) if cands else None
        (typo_keys.add if cands else typo_keys.discard)(fkey)

    # 6. Small files: facets, the edited documents' fragments, the manifest.
    if not facets_unchanged:
        files["facets.js"] = si.facets_file(docs)
    changed_set = set(changed_docs)
    for group in sorted({d // si.FRAGMENT_GROUP for d in changed_docs}):
        data = read(f"f/{group}.js")
        fragments = si.read_js(data) if data is not None else []
        for d in range(group * si.FRAGMENT_GROUP, min(n, (group + 1) * si.FRAGMENT_GROUP)):
            k = d - group * si.FRAGMENT_GROUP
            if d in changed_set:
                fragments[k:k + 1] = [si.fragment(docs[d])]
            elif k >= len(fragments):
                raise NeedsFullBuild(f"f/{group}.js lacks document {d}")
        files[f"f/{group}.js"] = si.fragment_file(group, fragments)
    files["manifest.js"] = si.manifest_file(params, set_bits, vocab_keys, typo_keys)

    new_state = {"params": params, "setBits": set_bits, "setTotal": set_total, "lengths": lengths,
                 "terms": terms_new, "df": df_new, "forms": dict(sorted(forms.items()))}
    return IndexUpdate(files=files, state=new_state, postings={t: ids_now[t] for t in sorted(affected)},
                       old_df=old_df)
