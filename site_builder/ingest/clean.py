"""Raw scraped text → clean Markdown body + metadata, with a reason for every line.

The cleaner is a pipeline of small named rules. Each rule looks at the document (lines that
earlier rules have not yet claimed) and returns a ``Change``: lines it claims with a verdict,
metadata it found and notes. Rules decide by structure and content (line shape, terminal
punctuation, repetition, position, vocabulary shared with the article, headline-then-teaser
rhythm) plus a few generic multilingual cue words; never by one site's exact strings.

Safety rule: a line nobody claims is kept, so an unknown kind of line is never lost.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from site_builder.text.slug import fold, slugify
from site_builder.text.sentences import (
    STOP,
    detect_lang,
    ends_sentence,
    ends_with_ellipsis,
    nfc,
    overlap,
    split_sentences,
    terms,
    words,
)

VERDICTS = ("kept", "dropped", "caption", "metadata")


@dataclass(frozen=True)
class Decision:
    """What happened to (part of) one raw line, and which rule decided it."""

    line_no: int
    text: str
    verdict: str
    rule: str


@dataclass(frozen=True)
class CleanResult:
    body: str
    meta: dict
    decisions: tuple[Decision, ...]


@dataclass(frozen=True)
class Line:
    no: int  # 1-based raw line number
    raw: str
    text: str  # current text, after prefixes/suffixes moved to metadata
    verdict: str | None = None
    rule: str = ""

    @property
    def open(self) -> bool:
        return self.verdict is None


@dataclass(frozen=True)
class Doc:
    lines: tuple[Line, ...]
    meta: Mapping[str, object]


@dataclass(frozen=True)
class Change:
    lines: tuple[Line, ...] = ()
    meta: tuple[tuple[str, object], ...] = ()
    notes: tuple[Decision, ...] = ()


Rule = Callable[[Doc], Change]
LIST_KEYS = ("captions", "tags")

# ---------------------------------------------------------------- generic cue words
_CUE_HEADERS = {
    fold(c)
    for c in (
        "related", "related news", "related articles", "related stories", "related posts",
        "related content", "read more", "read also", "also read", "see also", "see more",
        "more news", "more stories", "more from", "you may also like", "you might also like",
        "recommended", "most read", "most popular", "latest news", "latest", "other news",
        "same category", "same author", "same topic", "in other news", "trending",
        "tin liên quan", "bài liên quan", "bài viết liên quan", "tin cùng chuyên mục",
        "cùng chuyên mục", "xem thêm", "đọc thêm", "đọc nhiều", "đọc nhiều nhất", "tin đọc nhiều",
        "xem nhiều", "tin xem nhiều", "tin mới", "tin mới nhất", "mới nhất", "tin khác",
        "các tin khác", "tin tức khác", "có thể bạn quan tâm", "bạn có thể quan tâm",
        "có thể bạn muốn xem", "tin nổi bật", "tin hot", "video liên quan", "tin cùng tác giả",
        "bài cùng tác giả", "cùng tác giả", "tin đã đưa", "các bài đã đăng", "tiêu điểm",
    )
}
_INLINE_MORE = re.compile(
    r"^(?:>>|»|►|▶|\+\+)?\s*(?:xem thêm|đọc thêm|tin liên quan|bài liên quan|bài viết liên quan|"
    r"read more|see also|related(?: news| articles| stories)?|also read|read also|mời xem|xem tiếp|"
    r"có thể bạn quan tâm|you may also like)\s*[:：>»\-–]\s*\S",
    re.I,
)
_ARROW_LINK = re.compile(r"^(?:>>|»|►|▶)\s*\S")
_WIDGET_ANCHORS = {
    "comment", "comments", "binh luan", "share", "shares", "chia se", "like", "likes",
    "thich", "tweet", "facebook", "zalo", "twitter", "email", "print", "in bai", "no data",
    "video", "videos", "views", "luot xem", "quang cao", "advertisement", "sponsored",
    "copy link", "sao chep", "reply", "tra loi", "gui", "send", "bookmark", "luu",
    "dang nhap", "login", "sign in", "subscribe", "top", "back to top", "len dau trang",
    "phien ban di dong", "mobile version", "ads",
}
_WIDGET_WORDS = {
    w for phrase in _WIDGET_ANCHORS for w in phrase.split()
} | {
    "no", "available", "data", "yet", "chua", "co", "be", "the", "first", "to", "write", "viet",
    "cua", "ban", "your", "a", "an", "add", "post", "dau", "tien", "nguoi", "bai", "this",
    "article", "page", "link", "ket", "lien", "on", "us", "now", "view", "xem", "cac", "all",
    "luot", "phien", "di", "dong", "version", "mobile", "len", "trang", "back",
}
_FOLLOW = re.compile(
    r"^(?:theo dõi|follow|subscribe|đăng ký|like|thích|kết nối|connect with|join)\b", re.I
)
_CALL_TO_ACTION = re.compile(
    r"^[*•]?\s*(?:(?:like|follow|join)\s+us\b|subscribe\b.{0,60}\b(?:newsletter|channel)\b"
    r"|theo dõi\s+(?:báo|trang|kênh|fanpage|chúng tôi)\b.{0,80}\btrên\b"
    r"|mời\s+(?:quý\s+)?(?:độc giả|bạn đọc|khán giả|thính giả)\b)", re.I)
_CAPTION_TAIL = re.compile(
    r"(?:\((?:ảnh|photo|photos|image|hình|hình ảnh|ảnh minh họa|ảnh minh hoạ|"
    r"illustration|illustrative|file photo|courtesy|credit|video|clip)\b[^()]{0,80}\)"
    r"|[-–—|]\s*(?:ảnh|photo|hình)\s*[:.]?\s*[^.()]{0,50}"
    r"|[-–—|]\s*[^\s()][^()]{0,40}?\s(?:file\s)?(?:photo|ảnh)s?"      # '— VNA/VNS Photo'
    r"|\([^()]{1,40}\s(?:photo|ảnh)s?\))\s*\.?\s*$",                # '(Reuters photo)'
    re.I,
)
# '(Nguồn: …)' also closes data sentences, so it marks a caption only on a short line.
_SOURCE_TAIL = re.compile(r"(?:\((?:nguồn|source)\s*:[^()]{1,80}\)|[-–—|]\s*(?:nguồn|source)"
                          r"\s*:?\s*[^.()]{1,50})\s*\.?\s*$", re.I)
_CAPTION_CREDIT = re.compile(
    r"(?:^|[.!?]\s+|\s[-–—|]\s*)(?:Ảnh|Photo|Photos|Photograph|Image|Hình|Nguồn ảnh|Video)"
    r"\s*(?:by|:|của|courtesy of|courtesy)\s*[^.!?]{1,60}\.?$"
    r"|\s(?:ẢNH|PHOTO|Ảnh|Photo)\s*:\s*[^\W\d_][^.!?:]{0,40}$"   # '… Sơn Trà ẢNH: HOÀNG SƠN'
)
_CAPTION_HEAD = re.compile(
    r"^\(?(?:ảnh|photo|hình ảnh|image|nguồn ảnh|ảnh minh họa|ảnh minh hoạ|illustration)"
    r"(?:\s*\d{1,2})?\s*(?:[:.)]|$)"
    r"|^(?:image|photo|picture|video)\s+(?:source|caption|credit)\s*[,:]",
    re.I,
)
_IMAGE_FILE = re.compile(
    r"^\S*\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?|avif|heic)(?:\?\S*)?$", re.I
)
_EMPTY_IMAGE = re.compile(r"^!?\[[^\]]*\]\([^)]*\)$|^!?\[\s*\]$|^\(\s*\)$")
_PUNCT_ONLY = re.compile(r"^[\s|:;\-–—+=_*#>•·»«›‹/\\.,~`^]+$")
_CRUMB_SEPARATORS = re.compile(r"\s(?:>|»|›|/|\|)\s")
_DOMAIN = re.compile(
    r"\b[\w-]+\.(?:vn|com|net|org|info|gov|edu|io|co|tv|news|asia|biz|uk|us)\b", re.I
)
_URL = re.compile(r"https?://\S+")
_SOURCE_URL = re.compile(
    r"^(?:source|nguồn|theo|link|url|original|bài gốc|link bài gốc)\s*[:：]\s*<?(https?://\S+?)>?\s*$",
    re.I,
)
_TAG_LINE = re.compile(r"^(?:tags?|từ khóa|từ khoá|chủ đề|keywords?|topics?)\s*[:：]\s*(.+)$", re.I)
_SCRAPE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
_CRAWL_CUES = re.compile(r"crawl|retrieved|accessed|scraped|fetched|truy cập|lấy về", re.I)
_BYLINE_LEAD = re.compile(
    r"^(?:by|written by|reporting by|tác giả|bài|bài và ảnh|bài, ảnh|bài & ảnh|ảnh|"
    r"phóng viên|pv|nhóm pv|text and photos|story and photos|thực hiện)\s*[:,\-–]?\s+(.+)$",
    re.I,
)
_AUTHOR_GROUP = re.compile(r"^(?:nhóm pv|nhóm phóng viên|pv|ctv|btv|nhóm tác giả)$", re.I)
_SOURCE_LINE = re.compile(r"^(?:theo|nguồn|source|according to)\s*:?\s+(\S.{1,50})$", re.I)
_CREDIT_TAIL = re.compile(
    r"(?:\s*[—–-]\s*|\s+)(?P<credit>[A-Z][A-Za-z+]*(?:/[A-Z][A-Za-z+]*)+)\s*\.?\s*$"
    r"|\s*[—–]\s*(?P<credit2>[A-Z]{2,}[A-Za-z+]*)\s*\.?\s*$"
)
_END_MARK = re.compile(r"\./\.\s*$")
_DATELINE = re.compile(
    r"^(?P<place>[^\W\d_][\w.’']*(?:[ .][^\W\d_][\w.’']*){0,3})"
    r"(?:\s*,\s*[\w ./]{1,20}?)?\s*(?:\((?P<agency>[^()]{1,30})\))?\s*[–—-]{1,2}\s+(?=\S)"
    r"|^\((?P<agency2>[^()]{1,30})\)\s*[–—-]{1,2}\s*(?=\S)"
)
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


# ---------------------------------------------------------------- line shape helpers
def starts_upper(text: str) -> bool:
    """First character is an upper-case letter (any script, 'Đ' and 'Ư' included)."""
    return text[:1].isupper()


def norm(text: str) -> str:
    """Comparison key: folded, lower-case words only."""
    return " ".join(fold(w).lower() for w in words(text))


def is_prose(text: str) -> bool:
    """A sentence-like paragraph: ends like a sentence and is not a tiny fragment."""
    return ends_sentence(text) and len(words(text)) >= 6


def is_headline(text: str) -> bool:
    """Headline shape: a few words, capitalised, no sentence ending (a question is allowed)."""
    t = text.strip()
    n = len(words(t))
    if not (3 <= n <= 35 and len(t) <= 240):
        return False
    if not starts_upper(t.lstrip("\"'“‘([")):
        return False
    last = t.rstrip("\"'”’»)]")[-1:]
    return last not in ".!…;,:" and len(split_sentences(t)) == 1


def is_name(text: str) -> bool:
    """Person-name shape: 2-5 capitalised words, letters only, short."""
    t = text.strip().rstrip(".")
    ws = t.split()
    if not (2 <= len(ws) <= 5) or len(t) > 45:
        return False
    return all(starts_upper(w) and re.fullmatch(r"[^\W\d_]+(?:[.\-'][^\W\d_]*)*", w) for w in ws)


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


def unglue(text: str) -> str:
    """'NameName' (a publisher printed twice without a space) → 'Name'."""
    t = text.strip()
    half = len(t) // 2
    if len(t) % 2 == 0 and t[:half] == t[half:]:
        return t[:half].strip()
    return t


def near_same(a: str, b: str) -> bool:
    """Same headline give or take a word or an appended counter (' - 1', '(2)')."""
    ta = re.sub(r"\s*[-–(]?\s*\d{1,2}\)?$", "", norm(_IMAGE_EXT.sub("", a))).split()
    tb = re.sub(r"\s*[-–(]?\s*\d{1,2}\)?$", "", norm(_IMAGE_EXT.sub("", b))).split()
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    shorter = min(len(ta), len(tb))
    if shorter < 4:
        return False
    return token_distance(ta, tb) <= (1 if shorter < 8 else 2)


def token_distance(a: list[str], b: list[str]) -> int:
    """Word-level edit distance (insert, delete, substitute)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp)$", re.I)


# ---------------------------------------------------------------- document helpers
def claim(line: Line, verdict: str, rule: str, text: str | None = None) -> Line:
    return replace(line, verdict=verdict, rule=rule, text=line.text if text is None else text)


def open_idx(doc: Doc) -> list[int]:
    """Indexes of lines no rule has claimed yet (blank lines are claimed first)."""
    return [i for i, ln in enumerate(doc.lines) if ln.open]


def is_blank(line: Line) -> bool:
    return line.rule == "blank_line"


def prev_content(doc: Doc, i: int) -> int | None:
    """Index of the nearest non-blank line above i."""
    for j in range(i - 1, -1, -1):
        if not is_blank(doc.lines[j]):
            return j
    return None


def next_content(doc: Doc, i: int) -> int | None:
    for j in range(i + 1, len(doc.lines)):
        if not is_blank(doc.lines[j]):
            return j
    return None


def adjacent_above(doc: Doc, i: int) -> bool:
    """True when line i directly follows a non-blank line (same visual block)."""
    return i > 0 and not is_blank(doc.lines[i - 1])


def article_vocab(doc: Doc, exclude: Iterable[int] = ()) -> frozenset[str]:
    """Vocabulary of the open prose lines: what the article itself talks about."""
    skip = set(exclude)
    out: set[str] = set()
    for i in open_idx(doc):
        if i not in skip and is_prose(doc.lines[i].text):
            out |= terms(doc.lines[i].text)
    return frozenset(out)


def prose_bounds(doc: Doc) -> tuple[int | None, int | None]:
    """First and last open prose line: the article's body runs between them."""
    idx = [i for i in open_idx(doc) if is_prose(doc.lines[i].text)]
    return (idx[0], idx[-1]) if idx else (None, None)


def cue_key(text: str) -> str:
    return re.sub(r"[\s:：>»|\-–—.()\d]+$", "", fold(text).lower().strip()).strip()


def is_cue(text: str) -> bool:
    """A 'Related' / 'Tin liên quan' style header (possibly with a count or arrow)."""
    return len(text) <= 40 and cue_key(text) in _CUE_HEADERS


def is_widget(text: str) -> bool:
    """Comment/share/like widgets: every word is widget vocabulary and one is an anchor."""
    t = fold(text).lower()
    if len(t) > 60:
        return False
    toks = re.findall(r"[a-z]+", t)
    if not toks or not all(w in _WIDGET_WORDS for w in toks):
        return False
    joined = " ".join(toks)
    return any(re.search(rf"\b{re.escape(a)}\b", joined) for a in _WIDGET_ANCHORS)


# ---------------------------------------------------------------- rules
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


def blank_line(doc: Doc) -> Change:
    """Blank lines only separate paragraphs."""
    return Change(lines=tuple(claim(ln, "dropped", "blank_line") for ln in doc.lines
                              if ln.open and not ln.text.strip()))


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


def tag_line(doc: Doc) -> Change:
    """'Tags: a, b' / 'Từ khóa: …' lines become tags."""
    out, meta = [], []
    for i in open_idx(doc):
        ln = doc.lines[i]
        m = _TAG_LINE.match(ln.text.strip())
        if m and len(ln.text) <= 200 and not ends_sentence(ln.text):
            out.append(claim(ln, "metadata", "tag_line"))
            for t in re.split(r"[,;|#]+", m.group(1)):
                if t.strip():
                    meta.append(("tags", " ".join(t.split())[:60]))  # the name as written: the site graph merges spellings
    return Change(lines=tuple(out), meta=tuple(meta))


def date_line(doc: Doc) -> Change:
    """Short lines that are mostly a date (with time zone, weekday, publisher or author glued
    on) are metadata; the first gives the article date. Crawl dates are not article dates."""
    out, meta = [], []
    for i in open_idx(doc):
        ln = doc.lines[i]
        t = ln.text.strip()
        d = date_in(t)
        if not d or len(t) > 120 or _CRAWL_CUES.search(t):
            continue
        rest = strip_dates(t)
        who = unglue(rest)
        if not (len(words(rest)) <= 3 or who != rest or is_name(rest)) or ends_sentence(rest):
            continue
        out.append(claim(ln, "metadata", "date_line"))
        meta.append(("date", d))
        if who != rest and who:
            meta.append(("source", who))
        elif author_of(rest):
            meta.append(("author", author_of(rest)))
    return Change(lines=tuple(out), meta=tuple(meta))


def site_header(doc: Doc) -> Change:
    """Before the article starts, a short line naming a web domain is the site's banner."""
    first, _ = prose_bounds(doc)
    out = []
    for i in open_idx(doc)[:6]:
        if first is not None and i >= first:
            break
        t = doc.lines[i].text.strip()
        if _DOMAIN.search(t) and len(words(t)) <= 14 and not ends_sentence(t):
            out.append(claim(doc.lines[i], "dropped", "site_header"))
    return Change(lines=tuple(out))


def leading_crumbs(doc: Doc) -> Change:
    """Section labels above the headline ('Thời sự', 'World'): one or two words, no sentence."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if len(words(t)) > 2 or ends_sentence(t) or is_name(t):
            break
        out.append(claim(doc.lines[i], "dropped", "leading_crumbs"))
    return Change(lines=tuple(out))


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
        if (is_headline(t) and len(words(t)) >= 4 and not author_of(t) and not is_cue(t)
                and not _DATELINE.match(t) and not _CAPTION_TAIL.search(t)
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
                  and not ends_sentence(doc.lines[i].text) and not author_of(doc.lines[i].text)]
        return Change(lines=(claim(ln, "metadata", "title"),
                             *(claim(doc.lines[i], "dropped", "leading_crumbs") for i in above),
                             *(claim(doc.lines[i], "dropped", "head_label") for i in labels)),
                      meta=(("title", ln.text.strip()),))
    ln = doc.lines[idx[0]]
    t = ln.text.strip()
    if (len(t) > 180 or len(words(t)) < 3 or len(split_sentences(t)) > 1
            or _DATELINE.match(t) or _CAPTION_TAIL.search(t)):
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
    banner = {norm(ln.text) for ln in doc.lines[:first] if ln.rule in ("leading_crumbs", "site_header")}
    out, meta = [], []
    for i in open_idx(doc):
        if first is not None and i >= first:
            break
        name = author_of(doc.lines[i].text)
        if name and norm(name) in banner:
            out.append(claim(doc.lines[i], "metadata", "byline"))
            meta.append(("source", name))
        elif name:
            out.append(claim(doc.lines[i], "metadata", "byline"))
            meta.append(("author", name))
    return Change(lines=tuple(out), meta=tuple(meta))


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


def follow_prompt(doc: Doc) -> Change:
    """'Follow us on …' / 'Theo dõi … trên' calls to action, short and not a sentence; addressed
    to the reader ('Like us on …', 'Theo dõi Báo … trên …'), even written as one."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if (_FOLLOW.match(t) and len(t) <= 90 and not is_prose(t)) or (_CALL_TO_ACTION.match(t) and len(t) <= 200):
            out.append(claim(doc.lines[i], "dropped", "follow_prompt"))
    return Change(lines=tuple(out))


def widget(doc: Doc) -> Change:
    """Comment counters, share/like buttons, 'No data', ads labels."""
    return Change(lines=tuple(claim(doc.lines[i], "dropped", "widget")
                              for i in open_idx(doc) if is_widget(doc.lines[i].text)))


_FOOTER = re.compile(r"©|\(c\)\s*\d{4}|^(?:copyright|bản quyền)\b|all rights reserved|"
                     r"giữ bản quyền|ghi rõ nguồn", re.I)


_DESK_CREDIT = re.compile(r"^\((?:additional\s+)?(?:reporting|writing|editing|compiled|translated)\s+by\b[^()]*\)$",
                          re.I)
_REPLY = re.compile(r"^(?:reply|replies|tra loi|phan hoi)\b", re.I)


def comment_thread(doc: Doc) -> Change:
    """Readers' comments: a name, what the reader wrote, then a 'Reply' control. Only comments
    are answered, so the rhythm gives them away wherever they stand; their words are not the
    article's."""
    out = []
    for i in open_idx(doc):
        if not is_name(doc.lines[i].text):
            continue
        j = next_content(doc, i)
        k = next_content(doc, j) if j is not None else None
        if k is None or not doc.lines[j].open or _REPLY.match(fold(doc.lines[j].text.strip()).lower()):
            continue
        if _REPLY.match(fold(doc.lines[k].text.strip()).lower()) and len(doc.lines[k].text) <= 40:
            out += [claim(doc.lines[i], "dropped", "comment_thread"), claim(doc.lines[j], "dropped", "comment_thread")]
    return Change(lines=tuple(out))


_VOTE = re.compile(r"^(?:bình chọn|biểu quyết|vote|submit vote|xem kết quả|view results)\b", re.I)


def poll(doc: Doc) -> Change:
    """A reader poll: a question, two or more short answers, then a vote button."""
    out = []
    for k in open_idx(doc) + [i for i, ln in enumerate(doc.lines) if ln.rule == "widget"]:
        if not _VOTE.match(doc.lines[k].text.strip()) or len(doc.lines[k].text) > 40:
            continue
        answers, j = [], prev_content(doc, k)
        while j is not None and doc.lines[j].open and len(words(doc.lines[j].text)) <= 8 \
                and not doc.lines[j].text.strip().endswith("?"):
            answers.append(j)
            j = prev_content(doc, j)
        if len(answers) >= 2 and j is not None and doc.lines[j].open and doc.lines[j].text.strip().endswith("?") \
                and len(words(doc.lines[j].text)) <= 25:
            out += [claim(doc.lines[x], "dropped", "poll") for x in (j, *answers)]
            if doc.lines[k].open:
                out.append(claim(doc.lines[k], "dropped", "poll"))
    return Change(lines=tuple({ln.no: ln for ln in out}.values()))


def footer_line(doc: Doc) -> Change:
    """Copyright and licence lines of the page footer; '(Reporting by …; Editing by …)' desk
    credits."""
    return Change(lines=tuple(
        claim(doc.lines[i], "dropped", "footer_line") for i in open_idx(doc)
        if len(doc.lines[i].text) <= 250 and (_FOOTER.search(doc.lines[i].text)
                                              or _DESK_CREDIT.match(doc.lines[i].text.strip()))))


def table_cells(text: str) -> list[str] | None:
    t = text.strip()
    return [c.strip() for c in t[1:-1].split("|")] if len(t) >= 2 and t[0] == t[-1] == "|" else None


def in_data_table(doc: Doc, i: int, cells: list[str]) -> bool:
    """A row of a real table: two or more filled columns, and a neighbour row of the same width."""
    if len(cells) < 2 or sum(bool(re.search(r"\w", c)) for c in cells) < 2:
        return False
    for j in (prev_content(doc, i), next_content(doc, i)):
        other = table_cells(doc.lines[j].text) if j is not None else None
        if other is not None and len(other) == len(cells):
            return True
    return False


def markup_remnant(doc: Doc) -> Change:
    """Table pipes, empty image/link syntax, separators: layout left over from HTML. Rows of a
    real table (filled columns, rows of one width) are data and stay."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        cells = table_cells(t)
        if _PUNCT_ONLY.match(t) or _EMPTY_IMAGE.match(t):
            out.append(claim(doc.lines[i], "dropped", "markup_remnant"))
        elif cells is not None and not any(is_prose(c) for c in cells) and not in_data_table(doc, i, cells):
            out.append(claim(doc.lines[i], "dropped", "markup_remnant"))
    return Change(lines=tuple(out))


def image_filename(doc: Doc) -> Change:
    """A bare image file name is what the scraper kept of an <img>."""
    return Change(lines=tuple(claim(doc.lines[i], "dropped", "image_filename")
                              for i in open_idx(doc) if _IMAGE_FILE.match(doc.lines[i].text.strip())))


def breadcrumb(doc: Doc) -> Change:
    """'Home > News > World' style navigation: short, separator-joined, not a sentence."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        parts = _CRUMB_SEPARATORS.split(t)
        cells = table_cells(t)
        if cells is not None and in_data_table(doc, i, cells):
            continue
        if len(parts) >= 2 and all(0 < len(words(p)) <= 4 for p in parts) and not ends_sentence(t):
            out.append(claim(doc.lines[i], "dropped", "breadcrumb"))
    return Change(lines=tuple(out))


def photo_caption(doc: Doc) -> Change:
    """Lines ending in a photo credit '(Photo: …)', '(Ảnh: …)', '(Nguồn: …)', '- Ảnh X.' or
    starting with 'Ảnh:'/'Photo:' are captions: moved to metadata, never left in the body."""
    out, meta = [], []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if len(t) > 400 or len(split_sentences(t)) > 3:
            continue
        credit = _CAPTION_CREDIT.search(t)
        src = _SOURCE_TAIL.search(t)
        if (_CAPTION_TAIL.search(t) or (_CAPTION_HEAD.match(t) and len(t) <= 200)
                or (credit and len(words(credit.group(0))) <= 10)
                or (src and len(t) <= 250 and source_caption(t[:src.start()], t))):
            out.append(claim(doc.lines[i], "caption", "photo_caption"))
            meta.append(("captions", t))
    return Change(lines=tuple(out), meta=tuple(meta))


def source_caption(before: str, line: str) -> bool:
    """'(Nguồn: …)' ends a caption when it follows a finished sentence ('… Hà Nội. (Nguồn: X)')
    or a phrase that is no sentence at all; inside a sentence ('… 7% (Nguồn: X).') it is a
    citation in the article's text."""
    return len(split_sentences(before)) <= 1 and (ends_sentence(before) or not ends_sentence(line))


def inline_read_more(doc: Doc) -> Change:
    """'Xem thêm: <headline>' / 'Read more: …' / '>> <headline>' single-line links."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if len(t) <= 250 and (_INLINE_MORE.match(t) or (_ARROW_LINK.match(t) and not is_prose(t))):
            out.append(claim(doc.lines[i], "dropped", "inline_read_more"))
    return Change(lines=tuple(out))


def related_block(doc: Doc) -> Change:
    """From a cue header ('Related', 'Tin liên quan', 'Đọc thêm', 'Same category' …) take the
    cards that follow: headlines, each maybe with one teaser paragraph. The block ends where
    the article resumes: two prose paragraphs in a row (a teaser never has a second one)."""
    taken: dict[int, Line] = {}
    lines = doc.lines
    for start in [i for i in open_idx(doc) if is_cue(lines[i].text)]:
        if start in taken:
            continue
        taken[start] = claim(lines[start], "dropped", "related_block")
        prev = "cue"
        last_head: int | None = None
        bare_list = False  # headlines seen one after another …
        teasers = 0  # … and no teaser yet: this list has no teasers
        j = next_content(doc, start)
        while j is not None:
            ln, nxt = lines[j], next_content(doc, j)
            t = ln.text.strip()
            if not ln.open:
                prev = "other"
            elif is_cue(t) or is_headline(t) or (not is_prose(t) and len(words(t)) <= 8):
                taken[j] = claim(ln, "dropped", "related_block")
                if is_headline(t) and prev == "head" and last_head is not None \
                        and not near_same(lines[last_head].text, t):
                    bare_list = True
                if is_cue(t):
                    bare_list = False
                prev, last_head = ("head", j) if is_headline(t) else ("cue", None)
            elif card_teaser(doc, j, prev, nxt, bare_list and not teasers, teasers):
                taken[j] = claim(ln, "dropped", "related_block")
                prev = "teaser"
                teasers += 1
            else:
                if prev == "head" and last_head is not None and introduces(doc, last_head, j):
                    taken.pop(last_head)  # a subheading of the resumed article, not a card
                break
            j = nxt
    return Change(lines=tuple(taken.values()))


def card_teaser(doc: Doc, j: int, prev: str, nxt: int | None, bare_list: bool,
                teasers: int) -> bool:
    """Is prose line j, inside a related block, a card's teaser rather than article text?
    Yes when cut with '…'; when it is glued under a headline that is itself glued into the
    list (cards printed without blank lines); or when it sits under a headline, no second
    paragraph follows (an article goes on, a teaser does not) and the list has shown teasers."""
    t = doc.lines[j].text
    if ends_with_ellipsis(t):
        return True
    if prev != "head":
        return False
    head = prev_content(doc, j)
    if adjacent_above(doc, j) and head is not None and adjacent_above(doc, head):
        return True
    nxt_prose = nxt is not None and doc.lines[nxt].open and is_prose(doc.lines[nxt].text) \
        and not is_headline(doc.lines[nxt].text)
    if not nxt_prose:
        return not bare_list
    # the article may resume here; only a short paragraph restating its headline, in a list
    # that already showed teasers, is still a card
    return (teasers > 0 and head is not None and len(split_sentences(t)) <= 2
            and overlap(terms(doc.lines[head].text), terms(t)) >= 0.5)


def introduces(doc: Doc, head: int, j: int) -> bool:
    """A subheading shares its words with the paragraphs under it."""
    below = terms(doc.lines[j].text)
    k = next_content(doc, j)
    if k is not None:
        below |= terms(doc.lines[k].text)
    return overlap(terms(doc.lines[head].text), below) >= 0.3


def truncated_teaser(doc: Doc) -> Change:
    """A headline followed by a paragraph cut off with '…' is a related-article card."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if not ends_with_ellipsis(t) or t.rstrip(".… ").endswith(('"', "”")):
            continue
        h = prev_content(doc, i)
        if h is not None and doc.lines[h].open and is_headline(doc.lines[h].text):
            out.append(claim(doc.lines[h], "dropped", "truncated_teaser"))
            out.append(claim(doc.lines[i], "dropped", "truncated_teaser"))
    return Change(lines=tuple({ln.no: ln for ln in out}.values()))


def alt_title(doc: Doc) -> Change:
    """The title repeated later (image alt text), exactly or with a word changed or ' - 1'."""
    t = doc.meta.get("title")
    if not t:
        return Change()
    start = next((i for i, ln in enumerate(doc.lines)
                  if ln.rule == "title" or ln.text.strip() == str(t).strip()), -1)
    return Change(lines=tuple(
        claim(doc.lines[i], "dropped", "alt_title") for i in open_idx(doc)
        if i > start and near_same(doc.lines[i].text, str(t))
    ))


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


def caption_after_image(doc: Doc) -> Change:
    """The line glued under an image's alt text or file name is that image's caption."""
    out, meta = [], []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        above = doc.lines[i - 1] if i > 0 else None
        image_above = above is not None and (
            above.rule in ("alt_title", "image_filename")
            or above.rule == "repeated_line" and is_headline(above.text))
        if (image_above and adjacent_above(doc, i) and len(t) <= 300 and len(split_sentences(t)) <= 2):
            out.append(claim(doc.lines[i], "caption", "caption_after_image"))
            meta.append(("captions", t))
    return Change(lines=tuple(out), meta=tuple(meta))


def unrelated_tail(doc: Doc) -> Change:
    """Headlines listed after the article with no header: a run of at least two
    headline-shaped lines at the very end whose words the article does not share. Teasers
    are left alone here (they are sentences; without a header they may be the article's)."""
    idx = open_idx(doc)
    taken: list[int] = []
    for i in reversed(idx):
        t = doc.lines[i].text
        if not is_headline(t) or overlap(terms(t), article_vocab(doc, exclude=taken + [i])) >= 0.3:
            break
        taken.append(i)
    if len(taken) < 2:
        return Change()
    return Change(lines=tuple(claim(doc.lines[i], "dropped", "unrelated_tail") for i in taken))


def duplicate_text(doc: Doc) -> Change:
    """A standfirst that is repeated word for word inside a later paragraph adds nothing."""
    idx = open_idx(doc)
    keys = {i: norm(doc.lines[i].text) for i in idx}
    out = []
    for i in idx:
        k = keys[i]
        if len(k) < 40:
            continue
        if any(j != i and len(keys[j]) > len(k) and k in keys[j] for j in idx):
            out.append(claim(doc.lines[i], "dropped", "duplicate_text"))
    return Change(lines=tuple(out))


_AGENCY = re.compile(r"[A-Z][A-Za-z+]*(?:/[A-Z][A-Za-z+]*)*|[A-Z]{2,}[A-Za-z+]*")
# after the last paragraph, among debris: '(TTXVN/Vietnam+)', or capitals 'VNA', 'AFP/VNA'
_AGENCY_DEBRIS = re.compile(r"\((?:%s)\)|[A-Z]{2,}[A-Za-z+]*(?:/[A-Z][A-Za-z+]*)*" % _AGENCY.pattern)


def trailing_credit(doc: Doc) -> Change:
    """Agency credits closing the article ('VNA/VNS', '— VNA', '(TTXVN/Vietnam+)', './.') move
    to `source`, also when the page goes on with debris after them."""
    idx = [i for i in open_idx(doc)]
    if not idx:
        return Change()
    ln = doc.lines[idx[-1]]
    t = ln.text.rstrip()
    if _AGENCY.fullmatch(t.strip(" .—–-")) or _AGENCY.fullmatch(t.strip(" .—–-()")):
        return Change(lines=(claim(ln, "metadata", "trailing_credit"),),
                      meta=(("source", t.strip(" .—–-()")),))
    after = [j for j in range(idx[-1] + 1, len(doc.lines)) if not is_blank(doc.lines[j])][:4]
    for j in after:
        debris = doc.lines[j]
        if debris.rule != "tail_debris":
            continue
        text = debris.text.strip()
        cited = _SOURCE_LINE.match(text.removeprefix("(").removesuffix(")"))  # '(Theo TTXVN)'
        if _AGENCY_DEBRIS.fullmatch(text) or (cited and len(words(cited.group(1))) <= 6):
            return Change(lines=(claim(replace(debris, verdict=None, rule=""), "metadata", "trailing_credit"),),
                          meta=(("source", cited.group(1).strip() if cited else text.strip(" ()")),))
    m = _SOURCE_LINE.match(t.strip()) or _SOURCE_LINE.match(t.strip().removeprefix("(").removesuffix(")"))
    if m and not ends_sentence(t.strip("()")) and len(words(m.group(1))) <= 6:
        return Change(lines=(claim(ln, "metadata", "trailing_credit"),),
                      meta=(("source", m.group(1).strip()),))
    m = _CREDIT_TAIL.search(t)
    if m:
        credit = m.group("credit") or m.group("credit2")
        rest = t[: m.start()].rstrip()
        if rest and ends_sentence(rest):
            return Change(lines=(replace(ln, text=rest),), meta=(("source", credit),),
                          notes=(Decision(ln.no, t[m.start():].strip(), "metadata", "trailing_credit"),))
    m = _END_MARK.search(t)
    if m:
        return Change(lines=(replace(ln, text=t[: m.start()] + "."),),
                      notes=(Decision(ln.no, "/.", "dropped", "end_mark"),))
    return Change()


def dateline(doc: Doc) -> Change:
    """'HÀ NỘI –', 'Hanoi (VNA) –', '(Agency) -' open the lead: strip it, keep the sentence;
    an agency in brackets is the source."""
    for i in open_idx(doc)[:3]:
        ln = doc.lines[i]
        m = _DATELINE.match(ln.text.strip())
        if not m or not is_prose(ln.text):
            continue
        place = m.group("place") or ""
        if place and not all(starts_upper(w) for w in re.split(r"[ .]+", place) if w):
            continue
        rest = ln.text.strip()[m.end():]
        if not starts_upper(rest.lstrip("\"“‘'")) and not rest[:1].isdigit():
            continue
        agency = m.group("agency") or m.group("agency2")
        meta = (("source", agency.strip()),) if agency else ()
        return Change(lines=(replace(ln, text=rest),), meta=meta,
                      notes=(Decision(ln.no, ln.text.strip()[: m.end()].strip(), "metadata", "dateline"),))
    return Change()


def byline_end(doc: Doc) -> Change:
    """A bare name right after the last paragraph is the author (Vietnamese sites sign there)."""
    _, last = prose_bounds(doc)
    if last is None:
        return Change()
    j = next_content(doc, last)
    if j is None or not doc.lines[j].open:
        return Change()
    m = _SOURCE_LINE.match(doc.lines[j].text.strip())
    if m and not ends_sentence(m.group(1)) and len(words(m.group(1))) <= 6:
        return Change(lines=(claim(doc.lines[j], "metadata", "source_line"),),
                      meta=(("source", m.group(1).strip()),))
    name = author_of(doc.lines[j].text)
    if not name:
        return Change()
    return Change(lines=(claim(doc.lines[j], "metadata", "byline"),), meta=(("author", name),))


_LABEL_LINE = re.compile(r"^[^\W\d_][\w .&/-]{0,24}:\s*\S")  # 'Địa chỉ: …', 'Hotline: …'


def is_contact_line(text: str) -> bool:
    """'Địa chỉ: 12 Đường C', 'Email: a@b.vn', 'Tổng biên tập: Trần Văn B': a label and a value
    that is a number, an address or a name, not a clause someone said ('Bộ trưởng: Chúng tôi …')."""
    if not _LABEL_LINE.match(text) or len(words(text)) > 16:
        return False
    value = text.split(":", 1)[1].strip()
    return bool(re.search(r"\d|@|www\.|https?://", value)) or is_name(value)


def tail_debris(doc: Doc) -> Change:
    """After the article's last paragraph: short non-sentence lines (menus, labels, crumbs) and
    'Label: value' lines (editor, address, phone of the page footer)."""
    _, last = prose_bounds(doc)
    if last is None:
        return Change()
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if i <= last or ends_sentence(t):
            continue
        if len(words(t)) <= 5 or is_contact_line(t):
            out.append(claim(doc.lines[i], "dropped", "tail_debris"))
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


RULES: tuple[Rule, ...] = (
    scrape_marker,
    blank_line,
    source_url_line,
    tag_line,
    date_line,
    widget,
    comment_thread,
    poll,
    footer_line,
    markup_remnant,
    image_filename,
    breadcrumb,
    follow_prompt,
    site_header,
    photo_caption,
    inline_read_more,
    leading_crumbs,
    title,
    byline_top,
    related_block,
    truncated_teaser,
    alt_title,
    repeated_line,
    caption_after_image,
    unrelated_tail,
    byline_end,
    tail_debris,
    duplicate_text,
    trailing_credit,
    dateline,
    truncated_fragment,
    article_text,
)


# ---------------------------------------------------------------- driver
def apply(doc: Doc, change: Change) -> Doc:
    lines = list(doc.lines)
    for ln in change.lines:
        lines[ln.no - 1] = ln
    meta = dict(doc.meta)
    for k, v in change.meta:
        if k in LIST_KEYS:
            cur = list(meta.get(k, ()))
            if v not in cur:
                meta[k] = cur + [v]
        elif v and k not in meta:
            meta[k] = v
    return Doc(tuple(lines), MappingProxyType(meta))


def run_rules(raw_text: str, rules: Iterable[Rule] = RULES) -> tuple[Doc, tuple[Decision, ...]]:
    """Apply the rules in order; returns the final document and the side notes."""
    text = nfc(raw_text).replace("\r\n", "\n").replace("\r", "\n")
    doc = Doc(tuple(Line(n, s, s.strip()) for n, s in enumerate(text.split("\n"), 1)),
              MappingProxyType({}))
    notes: list[Decision] = []
    for rule in rules:
        change = rule(doc)
        doc = apply(doc, change)
        notes.extend(change.notes)
    return doc, tuple(notes)


def clean(raw_text: str) -> CleanResult:
    """Raw scraped text → body Markdown, metadata and one decision per line (and fragment)."""
    doc, notes = run_rules(raw_text)
    kept = [ln.text.strip() for ln in doc.lines if ln.verdict == "kept" and ln.text.strip()]
    body = markdown_body(kept)
    decisions = sorted(
        [Decision(ln.no, ln.text if ln.verdict == "kept" else ln.raw, ln.verdict or "kept", ln.rule)
         for ln in doc.lines] + list(notes),
        key=lambda d: (d.line_no, d.verdict != "metadata"),
    )
    meta = finish_meta(dict(doc.meta), kept)
    return CleanResult(body=body, meta=meta, decisions=tuple(decisions))


def markdown_body(kept: list[str]) -> str:
    """Kept lines as Markdown paragraphs; consecutive rows of one table (same width) become a
    Markdown table, each row as it was written, the first one the header."""
    blocks: list[str] = []
    rows: list[str] = []
    width = 0

    def flush_rows() -> None:
        if len(rows) >= 2:
            blocks.append("\n".join([rows[0], "|" + "---|" * width, *rows[1:]]))
        else:
            blocks.extend(escape_md(r) for r in rows)
        rows.clear()

    for t in kept:
        cells = table_cells(t)
        n = len(cells) if cells is not None and len(cells) >= 2 else 0
        if not n or (rows and n != width):
            flush_rows()
        if n:
            rows.append(t)
            width = n
        else:
            blocks.append(escape_md(t))
    flush_rows()
    return "\n\n".join(blocks)


def escape_md(text: str) -> str:
    """Raw text is not Markdown: a leading '#' or '>' would become a heading or a quote."""
    return "\\" + text if text[:1] in "#>" else text


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


def explain(raw_text: str) -> str:
    """Every raw line with its verdict and rule, text in full (nothing is dropped unseen):
    what `import --explain` prints."""
    res = clean(raw_text)
    rows = []
    for d in res.decisions:
        rows.append(f"{d.line_no:>5}  {d.verdict:<8}  {d.rule:<20}  {d.text}")
    return "\n".join(rows)
