"""What an article says about itself: dates, bylines, a derived title, summary and tags."""
from __future__ import annotations

import re
from collections import Counter

from site_builder.text.sentences import STOP, detect_lang, split_sentences, words
from site_builder.text.shape import is_name, is_prose
from site_builder.text.slug import slugify


# dates
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for m in names
}


_D_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")


_D_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


_D_MDY = re.compile(r"\b([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})\b")


_D_DMY_NAME = re.compile(r"\b(\d{1,2}) ([A-Za-z]{3,9}),? (\d{4})\b")


_D_VI = re.compile(r"\bngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})\b", re.I)


_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:am|pm|AM|PM|SA|CH)?\b")


_TZ = re.compile(r"\(?\s*(?:GMT|UTC|ICT)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?")


_WEEKDAYS = re.compile(
    r"\b(?:thứ (?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ nhật|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b",
    re.I,
)


_DATE_LABELS = re.compile(
    r"\b(?:cập nhật|updated?|published|posted|đăng|đăng lúc|ngày đăng|lúc|ngày|date|"
    r"last updated|modified)\b\s*:?",
    re.I,
)


def date_in(text: str) -> str | None:
    """First calendar date in text as YYYY-MM-DD (validated), else None."""
    cands: list[tuple[int, str]] = []
    for rx, order in ((_D_YMD, "ymd"), (_D_DMY, "dmy"), (_D_VI, "dmy")):
        for m in rx.finditer(text):
            g = m.groups()
            y, mo, d = (g[0], g[1], g[2]) if order == "ymd" else (g[2], g[1], g[0])
            found = _valid_date(int(y), int(mo), int(d))
            if not found and rx is _D_DMY and int(mo) > 12:   # '11/20/2025' is month first
                found = _valid_date(int(y), int(d), int(mo))
            cands.append((m.start(), found))
    for rx, mdy in ((_D_MDY, True), (_D_DMY_NAME, False)):
        for m in rx.finditer(text):
            a, b, y = m.groups()
            mon = _MONTHS.get((a if mdy else b).lower())
            if mon:
                cands.append((m.start(), _valid_date(int(y), mon, int(b if mdy else a))))
    cands = [c for c in cands if c[1]]
    return min(cands)[1] if cands else None


def _valid_date(y: int, m: int, d: int) -> str:
    if 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return ""


def strip_dates(text: str) -> str:
    """Text with dates, times, time zones, weekdays and date labels removed."""
    for rx in (_D_VI, _D_YMD, _D_DMY, _D_MDY, _D_DMY_NAME, _TIME, _TZ, _WEEKDAYS, _DATE_LABELS):
        text = rx.sub(" ", text)
    return re.sub(r"\s+", " ", text.strip(" \t|,-–—:()")).strip(" |,-–—:")


_BYLINE_LEAD = re.compile(
    r"^(?:by|written by|reporting by|tác giả|bài|bài và ảnh|bài, ảnh|bài & ảnh|ảnh|"
    r"phóng viên|pv|nhóm pv|text and photos|story and photos|thực hiện)\s*[:,\-–]?\s+(.+)$",
    re.I,
)


_AUTHOR_GROUP = re.compile(r"^(?:nhóm pv|nhóm phóng viên|pv|ctv|btv|nhóm tác giả)$", re.I)


SOURCE_LINE = re.compile(r"^(?:theo|nguồn|source|according to)\s*:?\s+(\S.{1,50})$", re.I)


def author_of(text: str) -> str | None:
    """The author named by a byline line ('By X', 'X (tổng hợp)', a bare name), or None."""
    t = re.sub(r"\s*\([^()]{1,30}\)$", "", text.strip())
    m = _BYLINE_LEAD.match(t)
    if m and (is_name(m.group(1)) or _AUTHOR_GROUP.match(m.group(1).strip())):
        return m.group(1).strip().rstrip(".")
    if is_name(t) or _AUTHOR_GROUP.match(t):
        return t.rstrip(".")
    m = re.fullmatch(r"(.{3,45}?)\s*/\s*[\w.\-]{2,30}", t)  # 'Name/AGENCY.VN'
    if m and is_name(m.group(1)):
        return m.group(1)
    return None


def finish_meta(meta: dict, kept: list[str]) -> dict:
    """Fill what the rules could not see line by line: language, title, summary, tags."""
    body_text = "\n".join(kept)
    out: dict = {}
    out["title"] = meta.get("title") or lead_title(kept)
    out["date"] = meta.get("date")
    out["lang"] = detect_lang(body_text or str(out["title"] or ""))
    for key in ("source", "source_url", "author"):
        out[key] = meta.get(key)
    out["summary"] = summary(kept)
    out["captions"] = list(meta.get("captions", []))
    out["tags"] = list(dict.fromkeys(list(meta.get("tags", [])) + suggest_tags(body_text)))[:6]
    return {k: v for k, v in out.items() if v not in (None, "", [])}


def lead_title(kept: list[str], max_words: int = 14) -> str | None:
    """No headline: the lead's first clause, at most max_words words, cut between words and
    never ending on a function word ('… efforts to'), marked with ' …' when cut."""
    if not kept:
        return None
    first = split_sentences(kept[0])[0]
    clause = re.split(r"(?<=\w)[,;:](?=\s)|\s[–—]\s", first)[0]
    if len(words(clause)) < 4:
        clause = first
    ws = clause.split()
    cut = len(ws) > max_words + 4
    if cut:
        ws = ws[:max_words]
        while len(ws) > 3 and ws[-1].lower().strip(",.;:") in STOP:
            ws.pop()
    short = " ".join(ws).rstrip(" ,;:.–—-")
    return (short + " …" if cut else short) or None  # a cut title says so


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
    tags: list[str] = []
    for name, n in counts.most_common():
        if n < 2:
            break
        s = slugify(name, max_len=40)
        glued = any(s == f"{a}-{b}" for a in tags for b in tags)
        if s not in tags and s != "article" and not glued:
            tags.append(s)
        if len(tags) >= limit:
            break
    return tags
