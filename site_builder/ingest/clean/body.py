"""Rules for lines anywhere on the page that carry metadata (links to the source, tags, dates) or
repeat what is already there, and the last two rules: cut a truncated paragraph, keep the rest."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from site_builder.ingest.dates import date_in, is_undated_marker, strip_dates
from site_builder.ingest.metadata import byline
from site_builder.text.sentences import ends_sentence, split_sentences, words
from site_builder.text.shape import is_headline, is_name, norm, unglue

from .model import Change, Decision, Doc, claim, next_content, open_idx


def blank_line(doc: Doc) -> Change:
    """Blank lines only separate paragraphs."""
    return Change(lines=tuple(claim(ln, "dropped", "blank_line") for ln in doc.lines
                              if ln.open and not ln.text.strip()))


_URL = re.compile(r"https?://\S+")


_SOURCE_URL = re.compile(
    r"^(?:source|nguồn|theo|link|url|original|bài gốc|link bài gốc)\s*[:：]\s*<?(https?://\S+?)>?\s*$",
    re.I,
)


def source_url_line(doc: Doc) -> Change:
    """'Source: https://…' names where the article came from."""
    out, meta = [], []
    for i in open_idx(doc):
        ln = doc.lines[i]
        m = _SOURCE_URL.match(ln.text.strip())
        if m:
            out.append(claim(ln, "metadata", "source_url_line"))
            meta.append(("source_url", m.group(1)))
        elif _URL.fullmatch(ln.text.strip()):
            out.append(claim(ln, "dropped", "bare_url"))
    return Change(lines=tuple(out), meta=tuple(meta))


_TAG_LINE = re.compile(r"^(?:tags?|từ khóa|từ khoá|chủ đề|keywords?|topics?)\s{0,3}[:：]\s{0,3}(.*)$", re.I)
# tags printed on one line are split by marks, a spaced dash, a tab or a run of spaces
_TAG_SEPARATORS = re.compile(r"\s{0,3}[,;|#•·/]+\s{0,3}|\s[-–—]\s|\t|\s{2,}")
_MAX_TAG_LINES = 12


def tag_line(doc: Doc) -> Change:
    """'Tags: a, b' / 'Từ khóa: …' lines become tags, one per item; a bare 'Tags:' takes the
    short lines under it (one tag each, as the links were)."""
    out, meta = [], []
    for i in open_idx(doc):
        ln = doc.lines[i]
        m = _TAG_LINE.match(ln.text.strip())
        if not m or len(ln.text) > 200 or ends_sentence(ln.text):
            continue
        out.append(claim(ln, "metadata", "tag_line"))
        items = [t for t in _TAG_SEPARATORS.split(m.group(1)) if t.strip()]
        if not items:
            for j in tag_list_below(doc, i):
                out.append(claim(doc.lines[j], "metadata", "tag_line"))
                items.append(doc.lines[j].text)
        meta += [("tags", " ".join(t.split())[:60]) for t in items]  # the name as written: the site graph merges spellings
    return Change(lines=tuple(out), meta=tuple(meta))


def tag_list_below(doc: Doc, i: int) -> list[int]:
    """The open lines right under a bare 'Tags:' that read as tags: short, no sentence."""
    found: list[int] = []
    j = next_content(doc, i)
    while j is not None and len(found) < _MAX_TAG_LINES:
        t = doc.lines[j].text.strip()
        if not doc.lines[j].open or len(t) > 40 or len(words(t)) > 5 or ends_sentence(t) \
                or _TAG_LINE.match(t):
            break
        found.append(j)
        j = next_content(doc, j)
    return found


_CRAWL_CUES = re.compile(r"crawl|retrieved|accessed|scraped|fetched|truy cập|lấy về", re.I)


def date_line(doc: Doc) -> Change:
    """Short lines that are mostly a date (with time zone, weekday, publisher or author glued
    on) are metadata; the first gives the article date. Crawl dates are not article dates."""
    out, meta = [], []
    for i in open_idx(doc):
        ln = doc.lines[i]
        t = ln.text.strip()
        d = date_in(t)
        if not d and is_undated_marker(t):
            out.append(claim(ln, "dropped", "date_marker"))  # 'Tháng 10/2025', '2 giờ trước'
            continue
        if not d or len(t) > 120 or _CRAWL_CUES.search(t):
            continue
        rest = strip_dates(t)
        who = unglue(rest)
        if not (len(words(rest)) <= 3 or who != rest or is_name(rest)) or ends_sentence(rest):
            continue
        out.append(claim(ln, "metadata", "date_line"))
        meta.append(("date", d))
        found = byline(rest, doc.publishers)
        if who != rest and who:
            meta.append(("source", who))
        elif found:
            meta += [(k, v) for k, v in (("author", found.author), ("source", found.source)) if v]
    return Change(lines=tuple(out), meta=tuple(meta))


def repeated_line(doc: Doc) -> Change:
    """Repetition marks debris: a headline-shaped line seen twice goes everywhere; a repeated
    paragraph keeps its first copy."""
    counts = Counter(norm(ln.text) for ln in doc.lines if ln.text.strip())
    seen: set[str] = set()
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text
        key = norm(t)
        if not key:
            continue
        if counts[key] > 1 and is_headline(t):
            out.append(claim(doc.lines[i], "dropped", "repeated_line"))
        elif key in seen:
            out.append(claim(doc.lines[i], "dropped", "repeated_line"))
        seen.add(key)
    return Change(lines=tuple(out))


def duplicate_text(doc: Doc) -> Change:
    """A standfirst repeated word for word as a sentence of another paragraph adds nothing.
    Only an exact copy (after folding case, marks and punctuation) counts: a sentence that
    merely opens the same way is the article's own."""
    idx = open_idx(doc)
    sentence_keys: dict[str, set[int]] = {}
    for j in idx:
        sents = split_sentences(doc.lines[j].text)
        if len(sents) > 1:
            for s in sents:
                sentence_keys.setdefault(norm(s), set()).add(j)
    out = []
    for i in idx:
        k = norm(doc.lines[i].text)
        if len(k) >= 40 and sentence_keys.get(k, set()) - {i}:
            out.append(claim(doc.lines[i], "dropped", "duplicate_text"))
    return Change(lines=tuple(out))


def truncated_fragment(doc: Doc) -> Change:
    """The raw text may stop mid-sentence: keep the complete sentences of the last paragraph."""
    last_raw = max((i for i, ln in enumerate(doc.lines) if ln.raw.strip()), default=None)
    if last_raw is None or not doc.lines[last_raw].open:
        return Change()
    ln = doc.lines[last_raw]
    t = ln.text.strip()
    if ends_sentence(t) or is_headline(t):
        return Change()
    sents = split_sentences(t)
    if len(sents) < 2:
        return Change()
    cut = t.rfind(sents[-1])
    kept = t[:cut].rstrip()
    return Change(lines=(replace(ln, text=kept),),
                  notes=(Decision(ln.no, sents[-1], "dropped", "truncated_fragment"),))


def article_text(doc: Doc) -> Change:
    """Whatever no rule claimed is article text: when unsure, keep."""
    return Change(lines=tuple(claim(doc.lines[i], "kept", "article_text") for i in open_idx(doc)))
