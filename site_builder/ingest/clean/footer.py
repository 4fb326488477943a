"""Rules for the end of the page: copyright lines, desk credits, the agency credit or source line
closing the article, the author's name under it, and footer debris."""
from __future__ import annotations

import re
from dataclasses import replace

from site_builder.ingest.metadata import SOURCE_LINE, author_of
from site_builder.text.sentences import ends_sentence, words
from site_builder.text.shape import is_name

from .model import Change, Decision, Doc, claim, is_blank, next_content, open_idx, prose_bounds


_FOOTER = re.compile(r"©|\(c\)\s*\d{4}|^(?:copyright|bản quyền)\b|all rights reserved|"
                     r"giữ bản quyền|ghi rõ nguồn", re.I)


_DESK_CREDIT = re.compile(r"^\((?:additional\s+)?(?:reporting|writing|editing|compiled|translated)\s+by\b[^()]*\)$",
                          re.I)


def footer_line(doc: Doc) -> Change:
    """Copyright and licence lines of the page footer; '(Reporting by …; Editing by …)' desk
    credits."""
    return Change(lines=tuple(
        claim(doc.lines[i], "dropped", "footer_line") for i in open_idx(doc)
        if len(doc.lines[i].text) <= 250 and (_FOOTER.search(doc.lines[i].text)
                                              or _DESK_CREDIT.match(doc.lines[i].text.strip()))))


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
        cited = SOURCE_LINE.match(text.removeprefix("(").removesuffix(")"))  # '(Theo TTXVN)'
        if _AGENCY_DEBRIS.fullmatch(text) or (cited and len(words(cited.group(1))) <= 6):
            return Change(lines=(claim(replace(debris, verdict=None, rule=""), "metadata", "trailing_credit"),),
                          meta=(("source", cited.group(1).strip() if cited else text.strip(" ()")),))
    m = SOURCE_LINE.match(t.strip()) or SOURCE_LINE.match(t.strip().removeprefix("(").removesuffix(")"))
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


def byline_end(doc: Doc) -> Change:
    """A bare name right after the last paragraph is the author (Vietnamese sites sign there)."""
    _, last = prose_bounds(doc)
    if last is None:
        return Change()
    j = next_content(doc, last)
    if j is None or not doc.lines[j].open:
        return Change()
    m = SOURCE_LINE.match(doc.lines[j].text.strip())
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
