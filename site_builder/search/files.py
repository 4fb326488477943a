"""Index files from records, shared by the full build and the incremental update."""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import Iterable, Mapping

from site_builder.search import codec, layout
from site_builder.search.codec import _js, encode_ids, pack_text, read_js, unpack_text
from site_builder.search.glossary import chunk_entries, chunk_names, concept_spellings
from site_builder.search.layout import CHUNK_KEY_LEN, FRAGMENT_GROUP, file_key
from site_builder.search.scoring import IMPACT_CURVE, IMPACT_LEVELS, K1, QUERY_RANKING, TITLE_FLOOR
from site_builder.text.locale import language_name

FORMAT_VERSION = 5
TEXT_LIMIT = 4000         # characters of plain text kept per document for snippets


@dataclass(frozen=True)
class SearchDoc:
    url: str             # relative to the site root
    title: str
    text: str            # plain text of the body
    date: str = ""       # YYYY-MM-DD or ""
    lang: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()


def snippet_text(text: str, limit: int = TEXT_LIMIT) -> str:
    if "  " in text or "\t" in text:
        text = re.sub(r"[ \t]+", " ", text)
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


def form_info(counts: Mapping[str, int], term: str):
    """Vocabulary 'f' of a term from its spellings: 1 if several, the spelling if it is the only
    one and differs from the term, else None."""
    if len(counts) > 1:
        return 1
    if len(counts) == 1:
        (only,) = counts
        return only if only != term else None
    return None


def split_postings(ids: str, chars: str, head: int) -> tuple[list, str]:
    """A long postings record [ids, impacts] → ([ids, head positions, head impacts, cut], tail).
    The head is the `head` highest impacts (ties: the newer document), by position in ids; the
    tail the other impacts in id order; cut two impact characters: the tail's highest (title bit
    first), and one no tail impact exceeds in level or title bit. search-core.js ranks
    with the head alone when the bound proves the first page, so a common word costs its ids
    and a thousand impacts, not an impact per document. (Counted and cut in C: a Python step per
    head impact, none per document, as an edit splits records of 30,000 impacts.)"""
    counts = Counter(chars)
    top: list[int] = []
    highest, cut_title, cut_level = -1, 0, 0
    for v in range(len(codec.ALPHABET) - 1, -1, -1):
        c = codec.ALPHABET[v]
        have = counts.get(c, 0)
        take = min(have, head - len(top))
        if take == have:
            if take:
                top.extend(m.start() for m in re.finditer(re.escape(c), chars))
        else:
            at = len(chars)
            for _ in range(take):  # the newest `take` of this impact
                at = chars.rindex(c, 0, at)
                top.append(at)
            highest = max(highest, v)
            cut_title |= v & 32
            cut_level = max(cut_level, v & 31)
    top.sort()
    tail = "".join(chars[a + 1:b] for a, b in zip([-1] + top, top + [len(chars)]))
    cut = codec.ALPHABET[highest] + codec.ALPHABET[cut_title | cut_level]
    return [ids, encode_ids(top), "".join(chars[i] for i in top), cut], tail


def join_postings(record: list, tail: str) -> list:
    """Inverse of split_postings: [ids, impacts] (the tail sliced between the head positions)."""
    ids, positions, head_chars, _ = record
    pos = codec.decode_ids(positions)
    n = len(pos) + len(tail)
    if len(pos) != len(head_chars) or (pos and pos[-1] >= n):
        raise ValueError("postings head and tail do not add up")
    pieces, t, prev = [], 0, 0
    for k, p in enumerate(pos):
        pieces.append(tail[t:t + p - prev])
        t += p - prev
        pieces.append(head_chars[k])
        prev = p + 1
    pieces.append(tail[t:])
    return [ids, "".join(pieces)]


def set_impact(record: list, tail: str, at: int, impact: str) -> tuple[list, str]:
    """A split record (and its tail) with the impact at position `at` replaced: what splitting
    the joined impacts again gives, with a Python step per head impact at most. The head is the
    top impacts by (impact, position): one changed impact moves at most one entry across."""
    ids, positions, head_chars, _ = record
    pos, hc = codec.decode_ids(positions), list(head_chars)
    k = bisect.bisect_left(pos, at)
    if k < len(pos) and pos[k] == at:
        hc[k] = impact
    else:
        tail = tail[:at - k] + impact + tail[at - k + 1:]
    if not tail:
        return split_postings(*join_postings([ids, positions, "".join(hc), ""], tail), len(pos))
    value = _VALUE.__getitem__
    low = min(hc, key=value)
    kh = hc.index(low)                      # the head's lowest (oldest on ties)
    best = max(set(tail), key=value)
    ti = tail.rindex(best)                  # the tail's highest (newest on ties)
    pt = ti + bisect.bisect_right([p - j for j, p in enumerate(pos)], ti)
    if (value(best), pt) > (value(low), pos[kh]):
        ph, ch = pos.pop(kh), hc.pop(kh)
        tail = tail[:ti] + tail[ti + 1:]
        j = bisect.bisect_left(pos, pt)
        pos.insert(j, pt)
        hc.insert(j, best)
        at_tail = ph - bisect.bisect_left(pos, ph)
        tail = tail[:at_tail] + ch + tail[at_tail:]
    values = [value(c) for c in set(tail)]
    cut_title = 32 if any(v & 32 for v in values) else 0
    cut = codec.ALPHABET[max(values)] + codec.ALPHABET[cut_title | max(v & 31 for v in values)]
    return [ids, encode_ids(pos), "".join(hc), cut], tail


_VALUE = {c: i for i, c in enumerate(codec.ALPHABET)}


def postings_files(name: str, shard: Mapping[str, list | tuple]) -> dict[str, bytes | None]:
    """p/<name>.js (terms → [ids, impacts], long ones split) and t/<name>.js (their tails), or
    None for a t/ file the shard does not need. A term's value is [ids, impacts], or a split
    record and its tail as a tuple (kept as they are)."""
    records: dict[str, list] = {}
    tails: dict[str, str] = {}
    for term, value in shard.items():
        if isinstance(value, tuple):
            records[term], tails[term] = value
            continue
        ids, chars = value
        if len(chars) >= layout.HEAD_MIN_DF:
            records[term], tails[term] = split_postings(ids, chars, layout.HEAD_POSTINGS)
        else:
            records[term] = [ids, chars]
    return {f"p/{name}.js": _js(f"p/{name}", records), f"t/{name}.js": _js(f"t/{name}", tails) if tails else None}


def vocab_file(key: str, records: Mapping[str, tuple]) -> bytes:
    """records: term → (df, postings shard, form info). `c`: the glossary expressions whose
    first word is in this chunk (search/glossary.py), when there are any, and `n` their concepts
    that are names; `e`: for the concept terms of this chunk, the exact words of their
    expressions (the page marks them)."""
    terms = sorted(records)
    shards = list(dict.fromkeys(records[t][1] for t in terms))
    index = {s: i for i, s in enumerate(shards)}
    name = f"v/{file_key(key)}"
    data = {"t": " ".join(terms), "d": [records[t][0] for t in terms], "P": shards,
            "p": [index[records[t][1]] for t in terms],
            "f": {t: records[t][2] for t in terms if records[t][2] is not None}}
    expressions = chunk_entries(key)
    if expressions:
        data["c"] = expressions
        names = chunk_names(key)
        if names:
            data["n"] = names
    spelled = {c: v for c, v in (concept_spellings(key) or {}).items() if c in records}
    if spelled:
        data["e"] = spelled
    return _js(name, data)


def has_vocab_file(key: str, records: Mapping[str, tuple]) -> bool:
    """A chunk is written when it has terms or glossary expressions (a query word that is in no
    document may still be an expression of a concept that is)."""
    return bool(records) or bool(chunk_entries(key))


def vocab_records(data: bytes) -> dict[str, tuple]:
    v = read_js(data)
    terms = v["t"].split(" ") if v["t"] else []
    return {t: (v["d"][i], v["P"][v["p"][i]], v["f"].get(t)) for i, t in enumerate(terms)}


def typo_file(key: str, terms: Iterable[str]) -> bytes:
    name = f"x/{file_key(key)}"
    return _js(name, " ".join(sorted(terms)))


def vietnamese_file(docs: list[SearchDoc]) -> bytes:
    """vi.js: the ids of the Vietnamese documents. A query needs them before its results (its
    language rule, search-core.js); facets.js has them too, but is many times the size."""
    return _js("vi", encode_ids([i for i, d in enumerate(docs) if d.lang == "vi"]))


def facets_file(docs: list[SearchDoc]) -> bytes:
    """Language, source, tag → doc ids; years as ranges of ids (ids are by date)."""
    facet_ids: dict[str, dict[str, list[int]]] = {"lang": defaultdict(list), "source": defaultdict(list),
                                                  "tag": defaultdict(list)}
    years: list[list] = []
    for doc_id, d in enumerate(docs):
        facet_ids["lang"][d.lang].append(doc_id)
        if d.source:
            facet_ids["source"][d.source].append(doc_id)
        for tag in dict.fromkeys(d.tags):
            facet_ids["tag"][tag].append(doc_id)
        year = d.date[:4]
        if not year:
            continue
        if years and years[-1][0] == year and years[-1][2] == doc_id:
            years[-1][2] = doc_id + 1
        else:
            years.append([year, doc_id, doc_id + 1])
    facets = {field: [[value, encode_ids(ids)] + ([language_name(value)] if field == "lang" else [])
                      for value, ids in sorted(values.items())]
              for field, values in facet_ids.items()}
    return _js("facets", {"fields": facets, "years": years})


def fragment(d: SearchDoc) -> dict:
    return {"t": d.title, "u": d.url, "d": d.date, "l": d.lang, "s": d.source, "g": list(d.tags),
            "x": snippet_text(d.text)}


def fragment_file(group: int, fragments: list[dict]) -> bytes:
    """Fragments of documents group·FRAGMENT_GROUP … in id order, deflated (codec.pack_text)."""
    return _js(f"f/{group}", pack_text(fragments))


def read_fragments(data: bytes) -> list[dict]:
    """Inverse of fragment_file."""
    return unpack_text(read_js(data))


def languages(docs: Iterable[SearchDoc]) -> dict[str, str]:
    """Language code → name, for the manifest: a result shows its language before facets.js
    (which grows with the archive) is loaded."""
    return {code: language_name(code) for code in sorted({d.lang for d in docs})}


def manifest_file(params: dict, set_bits: int, vocab_keys: Iterable[str], typo_keys_: Iterable[str],
                  langs: Mapping[str, str]) -> bytes:
    return _js("manifest", {"version": FORMAT_VERSION, "docs": params["docs"], "setBits": set_bits,
                            "languages": dict(langs),
                            "fragments": FRAGMENT_GROUP,
                            "vocab": " ".join(sorted(vocab_keys)), "typo": " ".join(sorted(typo_keys_)),
                            "k1": K1, "levels": IMPACT_LEVELS, "curve": IMPACT_CURVE, "titleFloor": TITLE_FLOOR,
                            "chunkKey": CHUNK_KEY_LEN,
                            "query": asdict(QUERY_RANKING)})


def manifest_keys(data: bytes) -> tuple[set[str], set[str]]:
    m = read_js(data)
    return set(m["vocab"].split()), set(m["typo"].split())

