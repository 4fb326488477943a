"""What runs of documents add to the index (PartialIndex), packed for the Markdown workers and
merged back in order."""
from __future__ import annotations

from array import array
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from itertools import repeat
from typing import Iterable, Iterator

from site_builder.search.tokens import DocTerms


IdList = array  # array('I'): 4 bytes an id where a list of ints takes 36 (10,000 articles: 5M ids)


def _ids() -> IdList:
    return array("I")


@dataclass
class PartialIndex:
    """What a run of consecutive documents adds to the index. Markdown workers build one each for
    their share of the archive; partials of consecutive runs merge by concatenation, so the index
    does not depend on how the archive was cut."""
    first: int                                          # id of the run's first document
    lengths: list[int]                                  # BM25F length of each document, in order
    postings: dict[str, tuple[IdList, IdList]]          # term → (doc ids, 2·tf + in title)
    pairs: dict[str, IdList]                            # "w1 w2" → doc ids
    accented: dict[str, tuple[str, IdList]]             # exact spelling ≠ term → (term, doc ids)
    form_count: Counter                                 # exact spelling → documents using it


def _append_each(arrays: defaultdict, keys: Iterable, values: Iterable) -> None:
    """arrays[k].append(v) for k, v in zip(keys, values), looped in C: the index makes millions."""
    deque(map(array.append, map(arrays.__getitem__, keys), values), maxlen=0)


def partial_index(first_id: int, analyses: Iterable[DocTerms]) -> PartialIndex:
    post_ids: defaultdict = defaultdict(_ids)
    post_v: defaultdict = defaultdict(_ids)
    pairs: defaultdict = defaultdict(_ids)
    accented: dict[str, tuple[str, IdList]] = {}
    form_count: Counter = Counter()
    lengths = []
    for doc_id, a in enumerate(analyses, first_id):
        lengths.append(a.length)
        _append_each(post_ids, a.tf2, repeat(doc_id))
        _append_each(post_v, a.tf2, a.tf2.values())
        _append_each(pairs, a.pairs, repeat(doc_id))
        form_count.update(a.forms.keys())
        for exact, term in a.forms.items():
            if exact != term:
                entry = accented.get(exact)
                if entry is None:
                    accented[exact] = (term, array("I", (doc_id,)))
                else:
                    entry[1].append(doc_id)
    postings = {t: (ids, post_v[t]) for t, ids in post_ids.items()}
    return PartialIndex(first_id, lengths, postings, dict(pairs), accented, form_count)


_KEY_SEP = "\n"  # between the keys of a packed partial: no term, pair or spelling holds one


@dataclass(frozen=True)
class PackedPartial:
    """A PartialIndex as a few flat arrays and strings: what a Markdown worker sends back.
    Pickling thousands of small arrays cost the workers more than building them did, and the
    parent as much again to unpickle; these are copied whole. Keys are joined by _KEY_SEP, each
    key's ids follow one another in key order, `*_counts` says how many each has."""
    first: int
    lengths: list[int]
    form_count: dict[str, int]
    terms: str
    term_counts: IdList
    term_ids: IdList
    term_values: IdList
    pairs: str
    pair_counts: IdList
    pair_ids: IdList
    accented: str            # exact spellings …
    accented_terms: str      # … and the term of each
    accented_counts: IdList
    accented_ids: IdList

    def document_frequencies(self) -> Iterable[tuple[str, int]]:
        """(term, documents of this run that hold it)."""
        return zip(_keys(self.terms), self.term_counts)


def _keys(joined: str) -> list[str]:
    return joined.split(_KEY_SEP) if joined else []


def _concatenated(arrays: Iterable[IdList]) -> IdList:
    out = array("I")
    deque(map(out.extend, arrays), maxlen=0)
    return out


def pack_partial(part: PartialIndex) -> PackedPartial:
    post_ids = [ids for ids, _ in part.postings.values()]
    accented_ids = [ids for _, ids in part.accented.values()]
    return PackedPartial(
        first=part.first, lengths=part.lengths, form_count=dict(part.form_count),
        terms=_KEY_SEP.join(part.postings), term_counts=array("I", map(len, post_ids)),
        term_ids=_concatenated(post_ids), term_values=_concatenated(v for _, v in part.postings.values()),
        pairs=_KEY_SEP.join(part.pairs), pair_counts=array("I", map(len, part.pairs.values())),
        pair_ids=_concatenated(part.pairs.values()),
        accented=_KEY_SEP.join(part.accented), accented_terms=_KEY_SEP.join(t for t, _ in part.accented.values()),
        accented_counts=array("I", map(len, accented_ids)), accented_ids=_concatenated(accented_ids))


def _runs(counts: IdList, flat: IdList) -> Iterator[IdList]:
    """The consecutive runs of `flat` that `counts` measures, each an array of its own."""
    at = 0
    for n in counts:
        yield flat[at:at + n]
        at += n


def merge_partials(partials: list[PackedPartial]) -> PartialIndex:
    """Packed partials of consecutive runs, in order → one PartialIndex (arrays of its own)."""
    merged = PartialIndex(partials[0].first if partials else 0, [], {}, {}, {}, Counter())
    postings, pairs, accented = merged.postings, merged.pairs, merged.accented
    for part in partials:
        if part.first != merged.first + len(merged.lengths):
            raise ValueError(f"partial index of documents {part.first}… does not follow on")
        merged.lengths.extend(part.lengths)
        for term, ids, values in zip(_keys(part.terms), _runs(part.term_counts, part.term_ids),
                                     _runs(part.term_counts, part.term_values)):
            have = postings.get(term)
            if have is None:
                postings[term] = (ids, values)
            else:
                have[0].extend(ids)
                have[1].extend(values)
        for key, ids in zip(_keys(part.pairs), _runs(part.pair_counts, part.pair_ids)):
            have_ids = pairs.get(key)
            if have_ids is None:
                pairs[key] = ids
            else:
                have_ids.extend(ids)
        for exact, term, ids in zip(_keys(part.accented), _keys(part.accented_terms),
                                    _runs(part.accented_counts, part.accented_ids)):
            have = accented.get(exact)
            if have is None:
                accented[exact] = (term, ids)
            else:
                have[1].extend(ids)
        merged.form_count.update(part.form_count)
    return merged
