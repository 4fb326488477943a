"""What an article says about itself: bylines, source, a derived title, summary and tags.

Dates are read in ``dates``, publishers named in ``publishers``; this module decides between the
signals the cleaning rules found and fills in what only the whole body can tell.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from site_builder.ingest.publishers import Publishers
from site_builder.text.sentences import STOP, detect_lang, split_sentences, words
from site_builder.text.shape import is_name, is_prose
from site_builder.text.slug import slugify

TITLE_MAX = 110
# 'By X', 'Tác giả: X', 'Bài và ảnh: X', 'Reporting by X'
_BYLINE_LEAD = re.compile(
    r"^(?:by|written by|reporting by|reported by|words by|tác giả|bài|bài và ảnh|bài, ảnh|"
    r"bài & ảnh|ảnh|phóng viên|pv|nhóm pv|text and photos|story and photos|thực hiện|"
    r"người viết|biên tập)\s{0,3}[:,\-–]?\s{1,3}(.{1,120})$",
    re.I,
)
_AUTHOR_GROUP = re.compile(r"^(?:nhóm pv|nhóm phóng viên|pv|ctv|btv|nhóm tác giả)$", re.I)
# 'written by Jane Doe for Reuters', 'By Jane Doe, Reuters', 'Jane Doe/VNA'
_WRITTEN_FOR = re.compile(
    r"^(?:(?:written|reported|story)\s{1,3})?by\s{1,3}(.{3,60}?)(?:\s{1,3}for\s{1,3}|\s{0,3},\s{1,3})"
    r"(.{2,60}?)\.?$", re.I)
_NAME_SLASH = re.compile(r"(.{3,45}?)\s{0,3}/\s{0,3}([\w.+\- ]{2,30})")
_NAMES_JOINED = re.compile(r"\s{1,3}(?:-|–|và|and|&|,)\s{1,3}")
SOURCE_LINE = re.compile(r"^(?:theo|nguồn|source|according to)\s{0,3}:?\s{1,3}(\S.{1,50})$", re.I)
# what a link says, never who published: 'Nguồn: Xem bài gốc', 'Source: link', 'Theo: tại đây'
_LINK_LABEL = re.compile(
    r"^(?:link|here|click|xem|tại đây|bài gốc|đây|read more|original|website|web|url|"
    r"this link|liên kết)\b", re.I)


@dataclass(frozen=True)
class Byline:
    author: str | None = None
    source: str | None = None


def person(text: str) -> str | None:
    """A person's name (a name line in capitals reads as one), or None."""
    t = text.strip().rstrip(".")
    if is_name(t) or _AUTHOR_GROUP.match(t):
        return t.title() if t.isupper() and len(t) > 3 else t
    parts = _NAMES_JOINED.split(t)
    if 1 < len(parts) <= 4 and all(is_name(p) for p in parts):   # 'Ngọc Anh - Minh Hà'
        return ", ".join(p.title() if p.isupper() else p for p in parts)
    return None


def byline(text: str, publishers: Publishers) -> Byline | None:
    """Who wrote a byline line ('By X', 'X (tổng hợp)', 'X/VNA', 'written by X for Y', a bare
    name, 'NAME' in capitals), and the agency or publisher it names. A publisher's name on
    its own is a source, never an author."""
    t = re.sub(r"\s*\([^()]{1,30}\)$", "", text.strip())
    if len(t) > 120:
        return None
    m = _WRITTEN_FOR.match(t)
    if m and person(m.group(1)) and publishers.is_publisher(m.group(2)):
        return Byline(person(m.group(1)), publishers.display(m.group(2)))
    m = _BYLINE_LEAD.match(t)
    if m:
        return _who(m.group(1).strip(), publishers)
    return _who(t, publishers)


def _who(t: str, publishers: Publishers) -> Byline | None:
    if publishers.is_publisher(t):
        return Byline(source=publishers.display(t))
    name = person(t)
    if name:
        return Byline(author=name)
    m = _NAME_SLASH.fullmatch(t)  # 'Name/AGENCY.VN'
    if m and person(m.group(1)):
        src = m.group(2).strip()
        return Byline(person(m.group(1)), publishers.display(src) if publishers.is_publisher(src) else None)
    return None


def author_of(text: str, publishers: Publishers) -> str | None:
    """The person a byline line names, or None."""
    found = byline(text, publishers)
    return found.author if found else None


def cited_source(text: str) -> str | None:
    """'Theo TTXVN', 'Nguồn: Reuters', '(Source: AFP)': the publisher cited, never a link label."""
    t = text.strip()
    m = SOURCE_LINE.match(t) or SOURCE_LINE.match(t.removeprefix("(").removesuffix(")"))
    if not m:
        return None
    name = m.group(1).strip().strip("()").strip()
    if _LINK_LABEL.match(name) or name.lower().startswith("http") or len(words(name)) > 6:
        return None
    return name


def best_source(meta: dict, publishers: Publishers) -> tuple[str | None, tuple | None]:
    """A credit wins; else the most trusted hint (masthead, copyright, domain, follow-us line),
    earliest line first. Returns the name and the hint used (None for a credit)."""
    if meta.get("source"):
        return publishers.display(str(meta["source"])), None
    hints = sorted(meta.get("source_hints", ()), key=lambda h: (h[0], h[2]))
    return (publishers.display(hints[0][1]), hints[0]) if hints else (None, None)


def finish_meta(meta: dict, kept: list[str], publishers: Publishers) -> tuple[dict, dict]:
    """Fill what the rules could not see line by line: source, language, title, summary, tags.
    Returns the metadata and, for fields decided here, where they came from (line, rule)."""
    body_text = "\n".join(kept)
    out: dict = {}
    decided: dict[str, tuple[int, str]] = {}
    out["title"] = meta.get("title")
    if not out["title"]:
        out["title"] = derived_title(kept)
        out["title_derived"] = True if out["title"] else None
        decided["title"] = (0, "derived_title")
    out["date"] = meta.get("date")
    out["lang"] = detect_lang(body_text or str(out["title"] or ""))
    decided["lang"] = (0, "detect_lang")
    out["source"], hint = best_source(meta, publishers)
    if hint:
        decided["source"] = (hint[2], hint[3])
    for key in ("source_url", "author"):
        out[key] = meta.get(key)
    out["summary"] = summary(kept)
    decided["summary"] = (0, "summary")
    out["captions"] = list(meta.get("captions", []))
    out["tags"] = list(dict.fromkeys(list(meta.get("tags", [])) + suggest_tags(body_text)))[:6]
    kept_meta = {k: v for k, v in out.items() if v not in (None, "", [])}
    return kept_meta, {k: v for k, v in decided.items() if k in kept_meta}


# where a long lead may be cut: after a clause mark or before a word opening a clause; failing
# that, before a preposition opening a phrase
_CLAUSE_BREAK = re.compile(
    r"(?<=\w)[,;:](?=\s)|\s[–—-]\s|\s(?=(?:that|which|who|whose|while|when|where|after|before|as|"
    r"amid|following|despite|and|but|saying|because|so|khi|sau khi|nhưng|và|để|nhằm|vì|do|"
    r"nên|mà|song)\s)", re.I)
_PHRASE_BREAK = re.compile(
    r"\s(?=(?:on|in|at|with|during|to|for|from|over|under|of|by|trong|với|tại|theo|trước|sau|"
    r"cho|từ|về|của|trên)\s)", re.I)


def derived_title(kept: list[str], limit: int = TITLE_MAX) -> str | None:
    """No headline: the lead's first clause, or its longest opening that fits in limit
    characters, cut at a clause or phrase boundary (never mid-phrase, no '…')."""
    if not kept:
        return None
    first = split_sentences(kept[0])[0].strip()
    whole = first.rstrip(" .!…").strip()
    clause = re.split(r"(?<=\w)[,;:](?=\s)|\s[–—]\s", first)[0].strip()
    if len(words(clause)) >= 4 and len(clause) <= limit:
        return clause.rstrip(" .")
    if len(whole) <= limit:
        return whole or None
    for rx in (_CLAUSE_BREAK, _PHRASE_BREAK):
        cuts = [m.start() for m in rx.finditer(whole)
                if 0 < m.start() <= limit and len(words(whole[:m.start()])) >= 6]
        if cuts:
            return whole[:max(cuts)].rstrip(" ,;:–—-")
    ws = whole[:limit + 1].split()[:-1] or whole[:limit].split()
    while len(ws) > 3 and ws[-1].lower().strip(",.;:") in STOP:
        ws.pop()
    return " ".join(ws).rstrip(" ,;:–—-") or None


def summary(kept: list[str], limit: int = 300) -> str | None:
    """First sentence or two of the body."""
    for para in kept:
        if not is_prose(para):
            continue
        sents = split_sentences(para)
        out = sents[0]
        if len(sents) > 1 and len(out) + len(sents[1]) < limit:
            out += " " + sents[1]
        return out
    return None


_TOKEN = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")
_TAG_STOP = frozenset(
    "the a an in on at of for and but he she it they we this that these those mr ms mrs dr "
    "according however meanwhile also his her its our their".split()
)


def name_runs(sentence: str, keep_opener: bool = False) -> list[list[str]]:
    """Runs of capitalised words (separated by single spaces) in one sentence; the first word
    of the sentence is capitalised by position, so it only counts inside a longer run."""
    runs: list[list[str]] = []
    cur: list[str] = []
    last_end = -2
    for k, m in enumerate(_TOKEN.finditer(sentence)):
        tok = re.sub(r"[’']s$", "", m.group(0))
        abbrev = tok.isupper() and len(tok) <= 3 and sentence[m.end():m.end() + 1] == "."
        cap = tok[:1].isupper() and tok.lower() not in _TAG_STOP and not abbrev
        if cap and cur and sentence[last_end:m.start()] == " ":
            cur.append(tok)
        else:
            if cur:
                runs.append(cur)
            cur = [tok] if cap else []
            if cap and k == 0:
                cur = ["^" + tok]
        last_end = m.end()
    if cur:
        runs.append(cur)
    if keep_opener:
        return runs
    out = []
    for run in runs:
        if run[0].startswith("^"):
            run = run[1:]
        out.append(run)
    return [r for r in out if r]


def suggest_tags(text: str, limit: int = 5) -> list[str]:
    """Frequent names: multi-word capitalised runs, acronyms, or long single names. A run
    that opens a sentence counts whole only when the same name is seen elsewhere."""
    runs: list[list[str]] = []
    openers: list[str] = []
    for sent in split_sentences(text.replace("\n", " ")):
        first = True
        for run in name_runs(sent, keep_opener=True):
            if first and run[0].startswith("^"):
                openers.append(" ".join([run[0][1:]] + run[1:]))
                run = run[1:]
            first = False
            if run:
                runs.append(run)
    counts: Counter[str] = Counter()
    for run in runs:
        if len(run) > 1 or run[0].isupper() and len(run[0]) >= 2 or len(run[0]) >= 5:
            counts[" ".join(run)] += 1
    for name in openers:
        if name in counts:
            counts[name] += 1
    tags: list[str] = []  # names as written (display names); compared by slug
    slugs: list[str] = []
    for name, n in counts.most_common():
        if n < 2:
            break
        s = slugify(name, max_len=40)
        glued = any(s == f"{a}-{b}" for a in slugs for b in slugs)
        if s not in slugs and s != "article" and not glued:
            tags.append(name)
            slugs.append(s)
        if len(tags) >= limit:
            break
    return tags
