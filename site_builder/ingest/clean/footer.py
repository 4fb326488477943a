"""Rules for the end of the page: copyright lines, desk credits, the agency credit or source line
closing the article, the author's name under it, and footer debris."""
from __future__ import annotations

import re
from dataclasses import replace

from site_builder.ingest.metadata import byline, cited_source
from site_builder.text.sentences import ends_sentence, words
from site_builder.text.shape import is_name

from .model import HINT_COPYRIGHT, Change, Decision, Doc, claim, is_blank, next_content, open_idx, prose_bounds


_FOOTER = re.compile(r"©|\(c\)\s*\d{4}|^(?:copyright|bản quyền)\b|all rights reserved|"
                     r"giữ bản quyền|ghi rõ nguồn", re.I)


_DESK_CREDIT = re.compile(r"^\((?:additional\s+)?(?:reporting|writing|editing|compiled|translated)\s+by\b[^()]*\)$",
                          re.I)


# '© 2025 The Mekong Herald.', 'Bản quyền thuộc về Báo X', 'Copyright (c) 2019-2025 by X'
_COPYRIGHT_HOLDER = re.compile(
    r"(?:©|\(c\)|copyright|bản quyền thuộc về|bản quyền)\s{0,3}(?:©\s{0,3})?"
    r"(?:\d{4}(?:\s{0,3}[-–]\s{0,3}\d{4})?)?\s{0,3}(?:by\s{1,3})?([^.|,;©]{2,60})", re.I)


def footer_line(doc: Doc) -> Change:
    """Copyright and licence lines of the page footer (the holder names the publisher);
    '(Reporting by …; Editing by …)' desk credits."""
    out, meta = [], []
    for i in open_idx(doc):
        ln = doc.lines[i]
        if len(ln.text) > 250:
            continue
        if _FOOTER.search(ln.text):
            out.append(claim(ln, "dropped", "footer_line"))
            holder = copyright_holder(ln.text, doc)
            if holder:
                meta.append(("source_hints", (HINT_COPYRIGHT, holder, ln.no, "footer_line")))
        elif _DESK_CREDIT.match(ln.text.strip()):
            out.append(claim(ln, "dropped", "footer_line"))
    return Change(lines=tuple(out), meta=tuple(meta))


def copyright_holder(text: str, doc: Doc) -> str | None:
    """The publisher a copyright line names: a known one anywhere in it, else the capitalised
    name after '©' and the year."""
    pub = doc.publishers.mentioned(text)
    if pub:
        return pub.name
    m = _COPYRIGHT_HOLDER.search(text)
    name = m.group(1).strip(" -–") if m else ""
    ws = name.split()
    if not ws or len(ws) > 6 or not ws[0][:1].isupper() or re.search(r"(?i)rights|reserved|giữ", name):
        return None
    return name


_AGENCY = re.compile(r"[A-Z][A-Za-z+]*(?:/[A-Z][A-Za-z+]*)*|[A-Z]{2,}[A-Za-z+]*")


# after the last paragraph, among debris: '(TTXVN/Vietnam+)', or capitals 'VNA', 'AFP/VNA'
_AGENCY_DEBRIS = re.compile(r"\((?:%s)\)|[A-Z]{2,}[A-Za-z+]*(?:/[A-Z][A-Za-z+]*)*" % _AGENCY.pattern)


_CREDIT_TAIL = re.compile(
    r"(?:\s*[—–-]\s*|\s+)(?P<credit>[A-Z][A-Za-z+]*(?:/[A-Z][A-Za-z+]*)+)\s*\.?\s*$"
    r"|\s*[—–]\s*(?P<credit2>[A-Z]{2,}[A-Za-z+]*)\s*\.?\s*$"
)


_END_MARK = re.compile(r"\./\.\s*$")


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
        cited = cited_source(text)  # '(Theo TTXVN)'
        if _AGENCY_DEBRIS.fullmatch(text) or cited:
            return Change(lines=(claim(replace(debris, verdict=None, rule=""), "metadata", "trailing_credit"),),
                          meta=(("source", cited or text.strip(" ()")),))
    cited = cited_source(t)
    if cited and not ends_sentence(t.strip("()")):
        return Change(lines=(claim(ln, "metadata", "trailing_credit"),), meta=(("source", cited),))
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


def byline_end(doc: Doc) -> Change:
    """A bare name right after the last paragraph is the author (Vietnamese sites sign there)."""
    _, last = prose_bounds(doc)
    if last is None:
        return Change()
    j = next_content(doc, last)
    if j is None or not doc.lines[j].open:
        return Change()
    cited = cited_source(doc.lines[j].text)
    if cited and not ends_sentence(cited):
        return Change(lines=(claim(doc.lines[j], "metadata", "source_line"),), meta=(("source", cited),))
    found = byline(doc.lines[j].text, doc.publishers)
    if not found:
        return Change()
    meta = tuple((k, v) for k, v in (("author", found.author), ("source", found.source)) if v)
    return Change(lines=(claim(doc.lines[j], "metadata", "byline"),), meta=meta)


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
