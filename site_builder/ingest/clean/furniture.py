"""Rules for page furniture that can stand anywhere: widgets, readers' comments, polls, layout
remnants, image file names, breadcrumbs, follow-us prompts."""
from __future__ import annotations

import re

from site_builder.text.sentences import ends_sentence, words
from site_builder.text.shape import is_name, is_prose, table_cells
from site_builder.text.slug import fold

from .model import HINT_FOLLOW, Change, Doc, claim, next_content, open_idx, prev_content


_WIDGET_ANCHORS = {
    "comment", "comments", "binh luan", "share", "shares", "chia se", "like", "likes",
    "thich", "tweet", "facebook", "zalo", "twitter", "email", "print", "in bai", "no data",
    "video", "videos", "views", "luot xem", "quang cao", "advertisement", "sponsored",
    "copy link", "sao chep", "reply", "tra loi", "gui", "send", "bookmark", "luu",
    "dang nhap", "login", "sign in", "subscribe", "top", "back to top", "len dau trang",
    "phien ban di dong", "mobile version", "ads", "allow", "block", "not now", "no thanks",
    "de sau", "cho phep", "khong cam on", "later",
}


_WIDGET_WORDS = {
    w for phrase in _WIDGET_ANCHORS for w in phrase.split()
} | {
    "no", "available", "data", "yet", "chua", "co", "be", "the", "first", "to", "write", "viet",
    "cua", "ban", "your", "a", "an", "add", "post", "dau", "tien", "nguoi", "bai", "this",
    "article", "page", "link", "ket", "lien", "on", "us", "now", "view", "xem", "cac", "all",
    "luot", "phien", "di", "dong", "version", "mobile", "len", "trang", "back", "not", "thanks",
    "de", "sau", "cho", "phep", "khong", "cam", "on",
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


_FOLLOWED = re.compile(r"^(?:theo dõi|follow)\s{1,3}(.{2,40}?)\s{1,3}(?:trên|on|tại|qua)\b", re.I)


def follow_prompt(doc: Doc) -> Change:
    """'Follow us on …' / 'Theo dõi … trên' calls to action, short and not a sentence; addressed
    to the reader ('Like us on …', 'Theo dõi Báo … trên …'), even written as one. The name
    followed is the publisher (the weakest signal of it)."""
    out, meta = [], []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if (_FOLLOW.match(t) and len(t) <= 90 and not is_prose(t)) or (_CALL_TO_ACTION.match(t) and len(t) <= 200):
            out.append(claim(doc.lines[i], "dropped", "follow_prompt"))
            name = followed_name(t, doc)
            if name:
                meta.append(("source_hints", (HINT_FOLLOW, name, doc.lines[i].no, "follow_prompt")))
    return Change(lines=tuple(out), meta=tuple(meta))


def followed_name(text: str, doc: Doc) -> str | None:
    pub = doc.publishers.mentioned(text)
    if pub:
        return pub.name
    m = _FOLLOWED.match(text)
    name = m.group(1).strip() if m else ""
    if not name[:1].isupper() or fold(name).lower() in ("us", "chung toi"):
        return None
    return name


# prompts addressed to the reader's browser: notifications, cookies, apps, ad blockers
_READER_PROMPT = re.compile(
    r"\b(?:allow|enable|turn on|get|receive|subscribe to)\s{1,3}(?:push\s{1,3}|browser\s{1,3})?notifications?\b"
    r"|\bnotifications?\b.{0,60}\b(?:allow|block|not now|later)\b|\bwe use cookies\b"
    r"|\b(?:accept|manage)\s{1,3}(?:all\s{1,3})?cookies\b|\b(?:enable|turn on)\s{1,3}javascript\b"
    r"|\bad\s?blocker\b|\bdownload\s{1,3}(?:our|the)\s{1,3}app\b"
    r"|\b(?:bật|nhận|cho phép|đăng ký nhận)\s{1,3}thông báo\b|\bthông báo\b.{0,60}\b(?:tin mới|tin tức|bài viết mới)\b"
    r"|\bsử dụng cookies?\b|\btải\s{1,3}(?:ứng dụng|app)\b|\btrình chặn quảng cáo\b|\bbật javascript\b",
    re.I)
# what a server prints instead of the page
_ERROR_LINE = re.compile(
    r"^(?:error|lỗi|warning|fatal error|notice|parse error|exception)\s{0,3}(?:\d{3})?\s{0,3}:"
    r"|\b(?:400|401|403|404|500|502|503|504)\b.{0,30}\b(?:not found|error|lỗi|forbidden|internal server"
    r"|bad gateway|unavailable|timeout)\b|\b(?:page not found|không tìm thấy trang|something went wrong"
    r"|an error (?:has )?occurred|đã có lỗi xảy ra|đã xảy ra lỗi|có lỗi xảy ra|lỗi kết nối"
    r"|connection (?:timed out|refused)|service unavailable|access denied|truy cập bị từ chối)\b"
    r"|\bmysqli?_\w{1,30}\(|\btraceback \(most recent call last\)|\bstack trace\b|\buncaught \w{1,40}",
    re.I)


def reader_prompt(doc: Doc) -> Change:
    """Browser prompts (notifications, cookies, apps, ad blockers) and server error lines: not
    the article, and never its title. A long sentence that only mentions such a thing stays."""
    out = []
    for i in open_idx(doc):
        t = doc.lines[i].text.strip()
        if len(t) > 200 or (is_prose(t) and len(words(t)) >= 14):
            continue
        if _READER_PROMPT.search(t):
            out.append(claim(doc.lines[i], "dropped", "reader_prompt"))
        elif _ERROR_LINE.search(t):
            out.append(claim(doc.lines[i], "dropped", "error_line"))
    return Change(lines=tuple(out))
