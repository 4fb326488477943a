"""Rules for page furniture that can stand anywhere: widgets, readers' comments, polls, layout
remnants, image file names, breadcrumbs, follow-us prompts."""
from __future__ import annotations

import re

from site_builder.text.sentences import ends_sentence, words
from site_builder.text.shape import is_name, is_prose, table_cells
from site_builder.text.slug import fold

from .model import Change, Doc, claim, next_content, open_idx, prev_content


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


def widget(doc: Doc) -> Change:
    """Comment counters, share/like buttons, 'No data', ads labels."""
    return Change(lines=tuple(claim(doc.lines[i], "dropped", "widget")
                              for i in open_idx(doc) if is_widget(doc.lines[i].text)))


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


_PUNCT_ONLY = re.compile(r"^[\s|:;\-–—+=_*#>•·»«›‹/\\.,~`^]+$")


_EMPTY_IMAGE = re.compile(r"^!?\[[^\]]*\]\([^)]*\)$|^!?\[\s*\]$|^\(\s*\)$")


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


_IMAGE_FILE = re.compile(
    r"^\S*\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?|avif|heic)(?:\?\S*)?$", re.I
)


def image_filename(doc: Doc) -> Change:
    """A bare image file name is what the scraper kept of an <img>."""
    return Change(lines=tuple(claim(doc.lines[i], "dropped", "image_filename")
                              for i in open_idx(doc) if _IMAGE_FILE.match(doc.lines[i].text.strip())))


_CRUMB_SEPARATORS = re.compile(r"\s(?:>|»|›|/|\|)\s")


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


_FOLLOW = re.compile(
    r"^(?:theo dõi|follow|subscribe|đăng ký|like|thích|kết nối|connect with|join)\b", re.I
)


_CALL_TO_ACTION = re.compile(
    r"^[*•]?\s*(?:(?:like|follow|join)\s+us\b|subscribe\b.{0,60}\b(?:newsletter|channel)\b"
    r"|theo dõi\s+(?:báo|trang|kênh|fanpage|chúng tôi)\b.{0,80}\btrên\b"
    r"|mời\s+(?:quý\s+)?(?:độc giả|bạn đọc|khán giả|thính giả)\b)", re.I)


def follow_prompt(doc: Doc) -> Change:
    """'Follow us on …' / 'Theo dõi … trên' calls to action, short and not a sentence; addressed
    to the reader ('Like us on …', 'Theo dõi Báo … trên …'), even written as one."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if (_FOLLOW.match(t) and len(t) <= 90 and not is_prose(t)) or (_CALL_TO_ACTION.match(t) and len(t) <= 200):
            out.append(claim(doc.lines[i], "dropped", "follow_prompt"))
    return Change(lines=tuple(out))
