"""Rules for the top of the page: scraper marker, site banner, section labels, the headline,
the byline under it and the dateline that opens the lead."""
from __future__ import annotations

import re
from dataclasses import replace

from site_builder.ingest.metadata import author_of, byline
from site_builder.text.sentences import ends_sentence, overlap, split_sentences, terms, words
from site_builder.text.shape import is_headline, is_name, is_prose, norm, starts_upper

from .captions import CAPTION_TAIL
from .model import HINT_MASTHEAD, Change, Decision, Doc, Line, article_vocab, claim, open_idx, prose_bounds
from .related import is_cue


_SCRAPE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")


def scrape_marker(doc: Doc) -> Change:
    """The scraper prefixes the first line with ' date YYYY-MM-DD ': take it as the date."""
    for ln in doc.lines:
        if not ln.text.strip():
            continue
        m = _SCRAPE_MARKER.match(ln.text)
        if not m:
            return Change()
        rest = ln.text[m.end():]
        note = Decision(ln.no, m.group(0).strip(), "metadata", "scrape_marker")
        new = claim(ln, "metadata", "scrape_marker", rest) if not rest.strip() else replace(ln, text=rest)
        return Change(lines=(new,), meta=(("date", m.group(1)),), notes=(note,))
    return Change()


_DOMAIN = re.compile(
    r"\b[\w-]+\.(?:vn|com|net|org|info|gov|edu|io|co|tv|news|asia|biz|uk|us)\b", re.I
)
# 'Tuổi Trẻ Online - Tin tức mới nhất', 'THE SAIGON TIMES | Business news': name, then slogan
_MASTHEAD_SPLIT = re.compile(r"\s{1,3}[|\-–—:·•]\s{1,3}")


def lines_above_article(doc: Doc, limit: int) -> list[Line]:
    """The first `limit` open lines, as far as the article's first paragraph."""
    first, _ = prose_bounds(doc)
    return [doc.lines[i] for i in open_idx(doc)[:limit] if first is None or i < first]


def site_header(doc: Doc) -> Change:
    """Before the article starts, a short line naming a web domain is the site's banner; it
    names the publisher (trusted less than a credit)."""
    out, meta = [], []
    for ln in lines_above_article(doc, 6):
        t = ln.text.strip()
        if _DOMAIN.search(t) and len(words(t)) <= 14 and not ends_sentence(t):
            out.append(claim(ln, "dropped", "site_header"))
            pub = doc.publishers.mentioned(t)
            name = pub.name if pub else _MASTHEAD_SPLIT.split(t)[0].strip()
            meta.append(("source_hints", (HINT_MASTHEAD, name, ln.no, "site_header")))
    return Change(lines=tuple(out), meta=tuple(meta))


def masthead(doc: Doc) -> Change:
    """Above the article, a line that is a known publisher's name (maybe with its slogan after
    a dash or bar) is the masthead: never the title, and it names the publisher."""
    out, meta = [], []
    for ln in lines_above_article(doc, 8):
        t = ln.text.strip()
        if len(t) > 120 or ends_sentence(t):
            continue
        pub = doc.publishers.named(t) or doc.publishers.named(_MASTHEAD_SPLIT.split(t)[0])
        if pub:
            out.append(claim(ln, "dropped", "masthead"))
            meta.append(("source_hints", (HINT_MASTHEAD, pub.name, ln.no, "masthead")))
    return Change(lines=tuple(out), meta=tuple(meta))


def leading_crumbs(doc: Doc) -> Change:
    """Section labels above the headline ('Thời sự', 'World'): one or two words, no sentence."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if len(words(t)) > 2 or ends_sentence(t) or is_name(t):
            break
        out.append(claim(doc.lines[i], "dropped", "leading_crumbs"))
    return Change(lines=tuple(out))


# possessive pieces: a place word keeps its dots ('TP.HCM'), so 'a.a.a.…' has one reading, and
# no run of spaces is tried two ways (linear time on any line)
_DATELINE = re.compile(
    r"^(?P<place>[^\W\d_][\w.’']*+(?: [^\W\d_][\w.’']*+){0,3})"
    r"(?:\s*+,\s*+[\w ./]{1,20}?)?\s*+(?:\((?P<agency>[^()]{1,30})\))?\s*+[–—-]{1,2}\s++(?=\S)"
    r"|^\((?P<agency2>[^()]{1,30})\)\s*+[–—-]{1,2}\s*+(?=\S)"
)


def headline_above_lead(doc: Doc) -> tuple[int | None, list[int]]:
    """Above the first paragraph, the headline is the first headline-shaped line that talks
    about what the article talks about (a site name, section label or slogan does not). Returns
    it and the lines above it that are no sentence: banner, slogan, language menu, section
    labels."""
    first, _ = prose_bounds(doc)
    if first is None:
        return None, []
    head = [i for i in open_idx(doc) if i < first]
    vocab = article_vocab(doc, exclude=head)
    pick = None
    for i in head:
        t = doc.lines[i].text.strip()
        if (is_headline(t) and len(words(t)) >= 4 and not author_of(t, doc.publishers) and not is_cue(t)
                and not dateline_match(t) and not CAPTION_TAIL.search(t)
                and overlap(terms(t), vocab) >= 0.3):
            pick = i
            break
    if pick is None:
        return None, []
    # 'Headline - Site Name' (the page title) above the bare headline: the bare one is the title
    t = doc.lines[pick].text.strip()
    for j in head:
        if j > pick and re.fullmatch(re.escape(doc.lines[j].text.strip()) + r"\s+[|\-–—]\s+\S.{0,40}", t):
            pick = j
            break
    above = [i for i in head if i < pick and not ends_sentence(doc.lines[i].text.strip())]
    return pick, above


def title(doc: Doc) -> Change:
    """The headline above the lead is the title, what stands above it is banner and labels, and
    what stands between it and the lead in four words or fewer ('3 min read') is a label too;
    failing that, the first open line when short and headline-like. A headline without a full
    stop leaves the body; a one-sentence title ending in '.' stays (never lose text)."""
    idx = open_idx(doc)
    if len(idx) < 2:
        return Change()
    pick, above = headline_above_lead(doc)
    if pick is not None:
        ln = doc.lines[pick]
        first, _ = prose_bounds(doc)
        labels = [i for i in idx if pick < i < first and len(words(doc.lines[i].text)) <= 4
                  and not ends_sentence(doc.lines[i].text) and not author_of(doc.lines[i].text, doc.publishers)]
        return Change(lines=(claim(ln, "metadata", "title"),
                             *(claim(doc.lines[i], "dropped", "leading_crumbs") for i in above),
                             *(claim(doc.lines[i], "dropped", "head_label") for i in labels)),
                      meta=(("title", ln.text.strip()),))
    ln = doc.lines[idx[0]]
    t = ln.text.strip()
    if (len(t) > 180 or len(words(t)) < 3 or len(split_sentences(t)) > 1
            or dateline_match(t) or CAPTION_TAIL.search(t)):
        return Change()
    if ends_sentence(t) and len(words(t)) > 18:
        return Change()  # a lead sentence, not a headline
    if ends_sentence(t) and t.rstrip()[-1] == ".":
        return Change(meta=(("title", t),), notes=(Decision(ln.no, t, "metadata", "title"),))
    return Change(lines=(claim(ln, "metadata", "title"),), meta=(("title", t),))


def byline_top(doc: Doc) -> Change:
    """Between the title and the first paragraph, a bare name (or 'By …') is the author, unless
    it is the site's own name printed again (it stood in the banner above the headline)."""
    first, _ = prose_bounds(doc)
    banner = {norm(ln.text) for ln in doc.lines[:first]
              if ln.rule in ("leading_crumbs", "site_header", "masthead")}
    out, meta = [], []
    for i in open_idx(doc):
        if first is not None and i >= first:
            break
        found = byline(doc.lines[i].text, doc.publishers)
        if not found:
            continue
        out.append(claim(doc.lines[i], "metadata", "byline"))
        if found.author and norm(found.author) in banner:
            meta.append(("source", found.author))
        elif found.author:
            meta.append(("author", found.author))
        if found.source:
            meta.append(("source", found.source))
    return Change(lines=tuple(out), meta=tuple(meta))


def dateline_match(text: str) -> re.Match[str] | None:
    """'HÀ NỘI –', 'Hanoi (VNA) –', '(Agency) -' at the start of text, the place capitalised
    word by word ('Cao tốc Bắc - Nam …' is a headline, not a dateline)."""
    m = _DATELINE.match(text)
    place = m.group("place") or "" if m else ""
    if not m or (place and not all(starts_upper(w) for w in re.split(r"[ .]+", place) if w)):
        return None
    return m


def dateline(doc: Doc) -> Change:
    """'HÀ NỘI –', 'Hanoi (VNA) –', '(Agency) -' open the lead: strip it, keep the sentence;
    an agency in brackets is the source."""
    for i in open_idx(doc)[:3]:
        ln = doc.lines[i]
        m = dateline_match(ln.text.strip())
        if not m or not is_prose(ln.text):
            continue
        place = m.group("place") or ""
        rest = ln.text.strip()[m.end():]
        if not starts_upper(rest.lstrip("\"“‘'")) and not rest[:1].isdigit():
            continue
        agency = m.group("agency") or m.group("agency2")
        if not agency and doc.publishers.named(place):   # 'VOV.VN -', 'TTXVN -' name the publisher
            agency = place
        meta = (("source", agency.strip()),) if agency else ()
        return Change(lines=(replace(ln, text=rest),), meta=meta,
                      notes=(Decision(ln.no, ln.text.strip()[: m.end()].strip(), "metadata", "dateline"),))
    return Change()
