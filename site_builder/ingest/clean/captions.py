"""Rules for images: photo captions and credits, the title repeated as alt text, the line glued
under an image."""
from __future__ import annotations

import re

from site_builder.text.sentences import ends_sentence, split_sentences, words
from site_builder.text.shape import is_headline, near_same

from .model import Change, Doc, adjacent_above, claim, open_idx


CAPTION_TAIL = re.compile(
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
        if (CAPTION_TAIL.search(t) or (_CAPTION_HEAD.match(t) and len(t) <= 200)
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
