"""Rules for links to other articles: 'Related' blocks with their cards, one-line 'Read more'
links, teaser cards, and headline lists after the article."""
from __future__ import annotations

import re

from site_builder.text.sentences import ends_with_ellipsis, overlap, split_sentences, terms, words
from site_builder.text.shape import is_headline, is_prose, near_same
from site_builder.text.slug import fold

from .model import Change, Doc, Line, adjacent_above, article_vocab, claim, next_content, open_idx, prev_content


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


def cue_key(text: str) -> str:
    return re.sub(r"[\s:：>»|\-–—.()\d]+$", "", fold(text).lower().strip()).strip()


def is_cue(text: str) -> bool:
    """A 'Related' / 'Tin liên quan' style header (possibly with a count or arrow)."""
    return len(text) <= 40 and cue_key(text) in _CUE_HEADERS


_INLINE_MORE = re.compile(
    r"^(?:>>|»|►|▶|\+\+)?\s*(?:xem thêm|đọc thêm|tin liên quan|bài liên quan|bài viết liên quan|"
    r"read more|see also|related(?: news| articles| stories)?|also read|read also|mời xem|xem tiếp|"
    r"có thể bạn quan tâm|you may also like)\s*[:：>»\-–]\s*\S",
    re.I,
)


_ARROW_LINK = re.compile(r"^(?:>>|»|►|▶)\s*\S")


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
