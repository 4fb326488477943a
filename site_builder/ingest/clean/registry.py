"""The one ordered list of rules. Order matters: a rule only sees the lines earlier rules left
open, so specific rules (markers, metadata lines, widgets) run before the ones that read the
page's shape (headline, related blocks, tail), and ``article_text`` keeps whatever is left."""
from __future__ import annotations

from .body import (article_text, blank_line, date_line, duplicate_text, repeated_line, source_url_line,
                   tag_line, truncated_fragment)
from .captions import alt_title, caption_after_image, photo_caption
from .footer import byline_end, footer_line, tail_debris, trailing_credit
from .furniture import (breadcrumb, comment_thread, follow_prompt, image_filename, markup_remnant, poll,
                        reader_prompt, widget)
from .head import byline_top, dateline, leading_crumbs, masthead, scrape_marker, site_header, title
from .model import Rule
from .related import inline_read_more, related_block, truncated_teaser, unrelated_tail


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
    reader_prompt,
    site_header,
    masthead,
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
