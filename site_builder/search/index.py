"""Text → folded tokens → a sharded, script-loaded search index. Pure: no I/O, no clock.

The browser side is themes/default/static/search-core.js (and search-ui.js, the page); the format is documented in
docs/search.md. In short, under search/:

  manifest.js       sizes, the list of vocabulary/typo chunk keys, year ranges
  facets.js         per facet value (language, source, tag) the set of doc ids
  vi.js             the ids of the Vietnamese documents (a query's language rule)
  v/<key>.js        vocabulary: folded terms starting with <key> (first 2 letters),
                    with document frequency, postings shard and surface forms
  p/<n>.js          postings: for each folded term its doc ids and one impact char per doc
                    (a term in 3,000+ docs: its 1,000 highest impacts and a bound on the rest)
  t/<n>.js          the rest of those impacts, loaded only when the head cannot rank a page
  s/<hash>.js       id sets keyed by hash: word pairs "w1 w2" (phrases) and exact
                    accented forms "=tội" (for terms written several ways)
  x/<key>.js        typo candidates: every term t of 4+ letters is listed under the keys
                    t[:2], t[1:3] and t[0]+t[2], so a word one edit away from t always
                    finds it in one of three chunks
  f/<g>.js          documents g·2, g·2+1 (FRAGMENT_GROUP): title, url, date, language,
                    source, tags, text, deflated; two to a file, so 10,000 documents are 5,000 files

Every file is a tiny script, `window.__sbSearch.register("<name>", {...});`, so it loads
with a <script> tag from file:// as well as over http(s).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from site_builder.search.codec import _js, encode_ids, fnv1a
from site_builder.search.files import (
    SearchDoc, facets_file, form_info, fragment, fragment_file, languages, manifest_file, postings_files, typo_file,
    vietnamese_file, vocab_file,
)
from site_builder.search.glossary import glossary
from site_builder.search.layout import (
    FRAGMENT_GROUP, chunk_key, file_key, index_params, is_typo_term, set_bits_for, set_record_size,
    shard_names, typo_keys,
)
from site_builder.parallel import gc_paused
from site_builder.search.partial import PackedPartial, PartialIndex, merge_partials, partial_index
from site_builder.search.scoring import _Impacts
from site_builder.search.tokens import analyse


@dataclass
class IndexBuild:
    files: dict[str, bytes]   # relative path → bytes
    state: dict               # JSON: what an incremental update needs (see search_update)


def build_index(docs: list[SearchDoc]) -> dict[str, bytes]:
    """SearchDocs (id = position; the build puts the oldest first) → {relative path: file bytes}."""
    return index_documents(docs).files


def index_documents(docs: list[SearchDoc], partials: list[PackedPartial] | None = None,
                    fragments: bool = True) -> IndexBuild:
    """partials: what the documents add, if already worked out (by the Markdown workers);
    fragments=False: without the f/ files (the Markdown workers made them, from the text)."""
    with gc_paused():
        if partials is None:
            return _index_documents(docs, partial_index(0, (analyse(d.title, d.text) for d in docs)), fragments)
        return _index_documents(docs, merge_partials(partials), fragments)


def _index_documents(docs: list[SearchDoc], part: PartialIndex, fragments: bool = True) -> IndexBuild:
    n = len(docs)
    lengths, form_count = part.lengths, part.form_count
    if len(lengths) != n:
        raise ValueError(f"index of {n} documents given the terms of {len(lengths)}")
    params = index_params(n, sum(lengths))
    avgdl = params["avgdl"]
    terms = sorted(part.postings)
    df = [len(part.postings[t][0]) for t in terms]

    # Spellings per term, only for terms written with accents somewhere ('forms' in the state).
    forms: dict[str, dict[str, int]] = defaultdict(dict)
    for exact, (term, _) in part.accented.items():
        forms[term][exact] = form_count[exact]
    for term, counts in forms.items():
        if form_count[term]:
            counts[term] = form_count[term]

    files: dict[str, bytes] = {}
    names = shard_names(terms, df, params["anchor"])
    shard: dict[str, list] = {}
    impacts = _Impacts(avgdl)
    length_of = lengths.__getitem__
    for i, term in enumerate(terms):
        ids, values = part.postings[term]
        chars = "".join(map(impacts.__getitem__, zip(values, map(length_of, ids))))
        shard[term] = [encode_ids(ids), chars]
        if i + 1 == len(terms) or names[i + 1] != names[i]:
            files.update((k, v) for k, v in postings_files(names[i], shard).items() if v is not None)
            shard = {}

    sets: dict[str, str] = {key: encode_ids(ids) for key, ids in part.pairs.items()}
    for exact, (term, ids) in part.accented.items():
        if len(forms[term]) > 1:
            sets["=" + exact] = encode_ids(ids)
    set_total = sum(set_record_size(k, v) for k, v in sets.items())
    set_bits = set_bits_for(set_total)
    buckets: dict[int, dict[str, str]] = defaultdict(dict)
    for key, value in sets.items():
        buckets[fnv1a(key) & ((1 << set_bits) - 1)][key] = value
    for h, bucket in buckets.items():
        files[f"s/{h:x}.js"] = _js(f"s/{h:x}", bucket)

    chunks: dict[str, dict[str, tuple]] = defaultdict(dict)
    for i, term in enumerate(terms):
        chunks[chunk_key(term)][term] = (df[i], names[i], form_info(forms[term], term) if term in forms else None)
    for key in glossary().chunks:
        chunks[key]    # a chunk of glossary expressions only (their words are in no document)
    for key, records in chunks.items():
        files[f"v/{file_key(key)}.js"] = vocab_file(key, records)

    typo: dict[str, set[str]] = defaultdict(set)
    for term in terms:
        if is_typo_term(term):
            for key in typo_keys(term):
                typo[key].add(term)
    for key, cands in typo.items():
        files[f"x/{file_key(key)}.js"] = typo_file(key, cands)

    files["facets.js"] = facets_file(docs)
    files["vi.js"] = vietnamese_file(docs)
    for g in range(0, n if fragments else 0, FRAGMENT_GROUP):
        files[f"f/{g // FRAGMENT_GROUP}.js"] = fragment_file(g // FRAGMENT_GROUP, list(map(fragment, docs[g:g + FRAGMENT_GROUP])))
    files["manifest.js"] = manifest_file(params, set_bits, map(file_key, chunks), map(file_key, typo), languages(docs))
    state = {"params": params, "setBits": set_bits, "setTotal": set_total, "lengths": lengths,
             "terms": terms, "df": df, "forms": {t: dict(sorted(c.items())) for t, c in sorted(forms.items())}}
    return IndexBuild(files=dict(sorted(files.items())), state=state)
