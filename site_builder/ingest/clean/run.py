"""Run the rules over a raw text: the cleaned body, the metadata and a decision per line."""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import Iterable

from site_builder.ingest.metadata import finish_meta
from site_builder.text.sentences import nfc
from site_builder.text.shape import table_cells

from site_builder.ingest.publishers import Publishers, builtin

from .model import CleanResult, Decision, Doc, Line, Origin, Rule, apply
from .registry import RULES


def run_rules(raw_text: str, rules: Iterable[Rule] = RULES, publishers: Publishers | None = None
              ) -> tuple[Doc, tuple[Decision, ...]]:
    """Apply the rules in order; returns the final document and the side notes."""
    text = nfc(raw_text).replace("\r\n", "\n").replace("\r", "\n")
    doc = Doc(tuple(Line(n, s, squeeze(s)) for n, s in enumerate(text.split("\n"), 1)),
              MappingProxyType({}), MappingProxyType({}), publishers or builtin())
    notes: list[Decision] = []
    for rule in rules:
        change = rule(doc)
        doc = apply(doc, change)
        notes.extend(change.notes)
    return doc, tuple(notes)


# A run of spaces means nothing more in Markdown than a few do; capping runs keeps every
# pattern with a '\s*' piece linear on lines like 'Sentence.' + 20,000 spaces.
_SPACE_RUN = re.compile(r"[^\S\n]{5,}")


def squeeze(line: str) -> str:
    """A raw line's working text: stripped, whitespace runs cut to four spaces."""
    return _SPACE_RUN.sub("    ", line.strip())


def clean(raw_text: str, publishers: Publishers | None = None) -> CleanResult:
    """Raw scraped text → body Markdown, metadata and one decision per line (and fragment)."""
    doc, notes = run_rules(raw_text, publishers=publishers)
    kept = [ln.text.strip() for ln in doc.lines if ln.verdict == "kept" and ln.text.strip()]
    body = markdown_body(kept)
    decisions = sorted(
        [Decision(ln.no, ln.text if ln.verdict == "kept" else ln.raw, ln.verdict or "kept", ln.rule)
         for ln in doc.lines] + list(notes),
        key=lambda d: (d.line_no, d.verdict != "metadata"),
    )
    meta, decided = finish_meta(dict(doc.meta), kept, doc.publishers)
    origins = {k: o for k, o in doc.origins.items() if k in meta}
    origins.update({k: Origin(k, no, rule) for k, (no, rule) in decided.items()})
    return CleanResult(body=body, meta=meta, decisions=tuple(decisions),
                       origins=tuple(origins[k] for k in meta if k in origins))


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


def explain(raw_text: str, publishers: Publishers | None = None) -> str:
    """Each metadata field with the raw line it came from and the rule, then every raw line with
    its verdict and rule, text in full (nothing is dropped unseen): what `import --explain`
    prints."""
    res = clean(raw_text, publishers)
    raw_lines = nfc(raw_text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = []
    for o in res.origins:
        where = f"line {o.line_no}: {raw_lines[o.line_no - 1].strip()}" if o.line_no else "from the body"
        rows.append(f"  {o.key:<13} {_shown(res.meta[o.key]):<40}  {o.rule:<16}  {where}")
    rows.append("")
    for d in res.decisions:
        rows.append(f"{d.line_no:>5}  {d.verdict:<8}  {d.rule:<20}  {d.text}")
    return "\n".join(rows)


def _shown(value: object, width: int = 60) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
