"""The search step of a build: the search index files and the related briefings, updated in place
when a few articles changed and nothing else moved, built in full otherwise. Both ways give the
same bytes. I/O only through the callables it is given.
"""
from __future__ import annotations

import os
import pickle
import shutil
from array import array
from dataclasses import dataclass, field
from itertools import accumulate, compress, count
from operator import ne
from pathlib import Path
from typing import Callable, Mapping, Protocol, Sequence

from site_builder.search import related as rel
from site_builder.search import files as sfiles
from site_builder.search import index as si
from site_builder.search import codec
from site_builder.search import partial as spart
from site_builder.search import tokens as stok
from site_builder.search.bodies import RenderedBodies, keep_chunk
from site_builder.site import urls
from site_builder import files
from site_builder.content.archive import digests_of, slugs_of
from site_builder.content.article import Article, body_text
from site_builder.markdown import render_markdown
from site_builder.parallel import PARALLEL_MIN, Background, chunked_map, ordered_map
from site_builder.search.layout import FRAGMENT_GROUP
from site_builder.search.state import FullState, StateDelta
from site_builder.search.terms import IndexView
from site_builder.search.update import NeedsFullBuild, update_index
from site_builder.text.locale import language_name

MAX_CHANGED = 64          # more edited articles than this: build in full
MAX_REANALYSED = 6000     # articles whose related words must be recomputed, at most


@dataclass
class SearchOutcome:
    files: dict[str, bytes | None]     # full: every file; update: changed ones (None = remove)
    full: bool
    related: dict[str, tuple[str, ...]]
    state: FullState | StateDelta      # for the build cache
    html: dict[str, str] = field(default_factory=dict)  # slug → body HTML rendered on the way
    reason: str = ""                   # why a full build was needed
    pending: Background | None = None  # a full build's index, still being built
    staged: dict[str, tuple[str, int]] = field(default_factory=dict)  # written into staging already
    fragment_files: dict[str, bytes] = field(default_factory=dict)  # f/ files the Markdown workers made …
    fragment_staged: dict[str, tuple[str, int]] = field(default_factory=dict)  # … or wrote into staging
    bodies: RenderedBodies | None = None  # a full build's body HTML, for the page workers

    def finish(self) -> None:
        """Once the pages are rendered: drop the body HTML kept for them, wait for the index
        of a full build (built in the background) and take its files."""
        if self.bodies is not None:
            self.bodies.release()
            self.bodies = None
        if self.pending is not None:
            self.files, self.state.index, self.staged = self.pending.result()
            self.pending = None
            self.files = dict(sorted({**self.files, **self.fragment_files}.items()))
            self.staged = dict(sorted({**self.staged, **self.fragment_staged}.items()))
            self.fragment_files, self.fragment_staged = {}, {}


def _render_job(payload: dict, lo: int, hi: int) -> tuple[list[tuple], spart.PackedPartial, dict, str | list]:
    """Articles lo:hi (ids lo…, lo a multiple of FRAGMENT_GROUP) → their (terms, tf2 values),
    what they add to the index, their fragment files (f/<g>.js, written into staging when
    there is one: their text never crosses a pipe) and their body HTML and Markdown for the
    page workers (search/bodies.py). Each text is tokenised once, here, in parallel; the terms
    come back as one string, not as 200 small ones an article."""
    rendered, analyses, fragments, html, markdown = [], [], [], [], []
    for a in payload["articles"][lo:hi]:
        markdown.append(body_text(a))
        r = render_markdown(markdown[-1])
        terms = stok.analyse(a.title, r.text, stok.article_lead(a))
        rendered.append((_TERM_SEP.join(terms.tf2), array("I", terms.tf2.values())))
        analyses.append(terms)
        fragments.append(sfiles.fragment(search_doc(a, r.text)))
        html.append(r.html)
    packed = spart.pack_partial(spart.partial_index(lo, analyses))
    staging = payload["staging"]
    if staging is not None:  # the index job reads it from there: the parent never holds it
        packed = _spill(staging, lo, packed)
    return (rendered, packed, _fragment_files(lo, fragments, staging, payload["made"]),
            keep_chunk(staging, lo, html, markdown))


SPILL = ".partials"  # in the search staging folder, removed by the index job before the commit


@dataclass(frozen=True)
class Spilled:
    """A packed partial written to a file, and the document frequencies the parent needs of it."""
    path: str
    terms: str
    term_counts: array

    def document_frequencies(self):
        return zip(self.terms.split(spart._KEY_SEP) if self.terms else [], self.term_counts)

    def load(self) -> spart.PackedPartial:
        with open(self.path, "rb") as fh:
            return pickle.load(fh)


def _spill(staging: Path, lo: int, packed: spart.PackedPartial) -> Spilled:
    folder = os.path.join(staging, SPILL)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{lo}.pickle")
    with open(path, "wb") as fh:
        pickle.dump(packed, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return Spilled(path, packed.terms, packed.term_counts)


_TERM_SEP = "\n"  # no term holds one (partial._KEY_SEP)


def _fragment_files(first: int, fragments: list[dict], staging: Path | None, made: set[str]) -> dict:
    """f/<g>.js of documents first… : name → bytes, or with a staging folder, written there and
    name → (digest, size)."""
    out: dict = {}
    for k in range(0, len(fragments), FRAGMENT_GROUP):
        group = (first + k) // FRAGMENT_GROUP
        data = sfiles.fragment_file(group, fragments[k:k + FRAGMENT_GROUP])
        name = f"f/{group}.js"
        if staging is None:
            out[name] = data
        else:
            files.write_file(staging, name, data, made)
            out[name] = (files.digest(data), len(data))
    return out


def _index_job(payload: dict) -> tuple[dict, dict, dict]:
    """Build the index (but the fragment files, which the Markdown workers made); with a staging
    folder, write the files there (6,000 of them, not sent back through a pipe) and return only
    their digests and sizes."""
    partials = [p.load() if isinstance(p, Spilled) else p for p in payload["partials"]]
    staging = payload["staging"]
    if staging is not None:
        shutil.rmtree(os.path.join(staging, SPILL), ignore_errors=True)
    built = si.index_documents(payload["docs"], partials, fragments=False)
    del partials
    if staging is None:
        return built.files, built.state, {}
    made: set[str] = set()
    staged = {}
    for name, data in built.files.items():
        files.write_file(staging, name, data, made)
        staged[name] = (files.digest(data), len(data))
    return {}, built.state, staged


def search_doc(a: Article, text: str) -> sfiles.SearchDoc:
    return sfiles.SearchDoc(url=urls.article_path(a.slug), title=a.title, text=text,
                        date=a.date.isoformat() if a.date else "", lang=a.lang, source=a.source or "",
                        tags=tuple(a.tags))


def _facets(a: Article) -> tuple:
    """What facets.js reads of an article."""
    doc = search_doc(a, "")
    return doc.lang, doc.source, doc.tags, doc.date


class _SearchDocs(Sequence):
    """The articles as search documents, each made when asked for: an edit's update reads only
    the edited ones (and every one only when the facets must be made again)."""

    def __init__(self, articles: list[Article], texts: dict[int, str]):
        self._articles, self._texts = articles, texts

    def __len__(self) -> int:
        return len(self._articles)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = range(len(self))[i]  # a negative index counts from the end; past the end raises
        return search_doc(self._articles[i], self._texts.get(i, ""))


class PreviousSearch(Protocol):
    """The state the last build left (build/search_store.py), asked only what an edit touches."""
    fp: str
    index: IndexView

    def docs(self) -> tuple[list[str], list[str]]: ...  # slugs, digests in id order
    def languages(self) -> dict[str, int]: ...       # language → documents
    def lang(self, doc: int) -> str | None: ...
    def vector(self, i: int) -> rel.Vector: ...
    def top(self, word: str, n: int) -> list[tuple[float, int]]: ...
    def holders(self, word: str) -> list[int]: ...


def build_search(articles: list[Article], fp: str, previous: PreviousSearch | None,
                 old_article: Callable[[str], Article | None], read: Callable[[str], bytes | None],
                 jobs: int = 1, staging: Path | None = None, old_related: dict | None = None) -> SearchOutcome:
    """articles latest first; fp identifies this build's search inputs; previous: the state of
    the last build whose files `read` returns, old_related its related briefings ({"fp", "slugs"},
    as the page cache keeps them); staging: where a full build may write the index files itself
    (the search folder of the staging output).

    Doc ids run oldest first, so a new latest article is appended and the index is updated in
    place; an article added further back, removed or re-dated shifts ids: a full build."""
    articles = articles[::-1]
    reason = "no previous index"
    if previous:
        try:
            return _update(articles, fp, previous, old_related or {}, old_article, read, jobs)
        except NeedsFullBuild as exc:
            reason = str(exc)
    chunks = chunked_map(_render_job, len(articles), {"articles": articles, "staging": staging, "made": set()},
                         jobs, align=FRAGMENT_GROUP)
    partials = [partial for _, partial, _, _ in chunks]
    fragment_files: dict = {}
    for _, _, made, _ in chunks:
        fragment_files.update(made)
    bodies = RenderedBodies(slugs_of(articles), [0, *accumulate(len(terms) for terms, _, _, _ in chunks[:-1])],
                            [html for _, _, _, html in chunks])
    fragment_staged = fragment_files if staging is not None else {}
    fragment_files = {} if staging is not None else fragment_files
    # The index builds in a forked process while the parent makes the related briefings (from
    # the term weights the Markdown workers returned) and the caller renders pages.
    docs = [search_doc(a, "") for a in articles]  # the index job reads no text: fragments are made
    index = Background(_index_job, {"docs": docs, "partials": partials, "staging": staging},
                       enabled=jobs > 1 and len(docs) >= PARALLEL_MIN)
    del docs
    n = len(articles)
    df: dict[str, int] = {}
    for partial in partials:
        for term, held in partial.document_frequencies():
            df[term] = df.get(term, 0) + held
    del partials
    idf_of = rel.idf_table(df, n)
    del df
    vectors = [rel.vector_of(terms.split(_TERM_SEP) if terms else (), values, idf_of.get)
               for chunk, _, _, _ in chunks for terms, values in chunk]
    del chunks, idf_of
    related = rel.related_all(articles, vectors, jobs=jobs)
    return SearchOutcome(files={}, full=True, related=related, state=_state(fp, articles, vectors),
                         reason=reason, pending=index, fragment_files=fragment_files,
                         fragment_staged=fragment_staged, bodies=bodies)


def _state(fp: str, articles: list[Article], vectors: list[rel.Vector]) -> FullState:
    """What the next build's update needs (the related lists themselves are in the page cache)."""
    return FullState(fp, [(a.slug, a.digest, a.lang) for a in articles], vectors)


_NOTHING = stok.DocTerms(tf2={}, length=0, pairs=frozenset(), forms={})  # an appended doc's "old" self


def _weights_job(payload: dict, i: int) -> dict:
    a = payload["articles"][i]
    return stok.term_weights(a.title, render_markdown(a.body).text, stok.article_lead(a))


def _changed(articles: list[Article], previous: PreviousSearch) -> tuple[list[int], Mapping[int, str], int]:
    """The ids of the edited and appended articles, the last build's digests (of those at
    least) and how many documents it had. A list that says what differs from the last build's
    (an edit in place: LazyArticles.since_last) is taken at its word, not compared whole."""
    since = getattr(articles, "since_last", None)
    if since is not None and len(since) <= MAX_CHANGED:
        return sorted(since), since, len(articles)
    slugs, digests = previous.docs()
    before = len(slugs)
    if slugs != slugs_of(articles[:before]):
        raise NeedsFullBuild("articles removed, re-dated or added before the latest")
    if rel.doc_count_bucket(len(articles)) != rel.doc_count_bucket(before):
        raise NeedsFullBuild("article count moved every word's idf")
    changed = list(compress(count(), map(ne, digests_of(articles[:before]), digests)))
    changed += range(before, len(articles))
    if len(changed) > MAX_CHANGED or not all(articles[i].digest for i in changed):
        raise NeedsFullBuild(f"{len(changed)} articles changed")
    return changed, dict(zip(changed, map(digests.__getitem__, (i for i in changed if i < before)))), before


def _languages(previous: PreviousSearch, articles: list[Article], changed: list[int], before: int) -> dict[str, str]:
    """The manifest's language names, from the counts the store keeps and the edit's changes."""
    counts = previous.languages()
    for i in changed:
        if i < before:
            old = previous.lang(i)
            counts[old] = counts.get(old, 0) - 1
        counts[articles[i].lang] = counts.get(articles[i].lang, 0) + 1
    return {code: language_name(code) for code in sorted(c for c, k in counts.items() if k > 0)}


def _update(articles, fp, previous: PreviousSearch, old_related, old_article, read, jobs: int = 1) -> SearchOutcome:
    if old_related.get("fp") != previous.fp:
        raise NeedsFullBuild("related briefings of the last index unknown")
    changed, digests, before = _changed(articles, previous)
    html: dict[str, str] = {}
    changes, texts = [], {}
    facets_unchanged = len(articles) == before
    for i in changed:
        new = articles[i]
        r = render_markdown(new.body)
        html[new.slug], texts[i] = r.html, r.text
        if i >= before:
            changes.append((i, _NOTHING, stok.analyse(new.title, r.text, stok.article_lead(new))))
            continue
        old = old_article(digests[i])
        if old is None:
            raise NeedsFullBuild("previous version of an article unknown")
        facets_unchanged = facets_unchanged and _facets(old) == _facets(new)
        changes.append((i, stok.analyse(old.title, render_markdown(old.body).text, stok.article_lead(old)), stok.analyse(new.title, r.text, stok.article_lead(new))))
    upd = update_index(previous.index, _SearchDocs(articles, texts), changes, read, facets_unchanged,
                       _languages(previous, articles, changed, before))
    vectors, related = _related_update(articles, previous, upd, changes, old_related, jobs)
    delta = StateDelta(previous.fp, fp, {i: (articles[i].slug, articles[i].digest, articles[i].lang) for i in changed},
                       upd.delta, vectors)
    return SearchOutcome(files=upd.files, full=False, related=related, state=delta, html=html)


def _related_update(articles, previous: PreviousSearch, upd, changes, old_related, jobs: int):
    """New vectors for the edited articles and for those holding a word whose rounded idf moved;
    the related lists they move."""
    n = len(articles)
    revector = {i for i, _, _ in changes}
    for term, (old_df, new_df) in upd.df.items():
        if rel.idf(term, old_df, n) != rel.idf(term, new_df, n) and term in upd.ids:
            revector.update(codec.decode_ids(upd.ids[term]))
    if len(revector) > MAX_REANALYSED:
        raise NeedsFullBuild(f"{len(revector)} articles' related words moved")
    tf2 = {i: new.tf2 for i, _, new in changes}
    again = sorted(revector - tf2.keys())  # a new article moves the idf of ~150 words: ~1,000 of these
    tf2.update(zip(again, ordered_map(_weights_job, len(again), {"articles": [articles[i] for i in again]}, jobs)))
    words = {w for i in revector for w in tf2[i]}
    df = {w: d for w, (_, d) in upd.df.items()}
    df.update(previous.index.dfs(words - df.keys()))
    new_vectors = {i: rel.vector(tf2[i], lambda w: df.get(w, 0), n) for i in sorted(revector)}
    return rel.update_related_from(articles, previous, new_vectors,
                                   old_related["slugs"],
                                   {i for i, _, _ in changes})
