"""Raw scraped text → clean Markdown body + metadata, with a reason for every line.

The cleaner is a pipeline of small named rules (``registry.RULES``), grouped by the region of
the page they read: ``head`` (banner, headline, byline, dateline), ``body`` (metadata lines,
repeats, what is kept), ``furniture`` (widgets, comments, polls, crumbs), ``captions``,
``related`` (links to other articles) and ``footer``. Each rule looks at the lines that earlier
rules have not yet claimed and returns a ``Change``: lines it claims with a verdict, metadata it
found and notes. Rules decide by structure and content (line shape, terminal punctuation,
repetition, position, vocabulary shared with the article, headline-then-teaser rhythm) plus a
few generic multilingual cue words; never by one site's exact strings.

Safety rule: a line nobody claims is kept, so an unknown kind of line is never lost.
"""
from site_builder.text.shape import near_same

from .model import VERDICTS, CleanResult, Decision
from .run import clean, explain

__all__ = ["VERDICTS", "CleanResult", "Decision", "clean", "explain", "near_same"]
