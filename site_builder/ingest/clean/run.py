"""Run the rules over a raw text: the cleaned body, the metadata and a decision per line."""
from __future__ import annotations

from types import MappingProxyType
from typing import Iterable

from site_builder.ingest.metadata import finish_meta
from site_builder.text.sentences import nfc
from site_builder.text.shape import table_cells

from .model import CleanResult, Decision, Doc, Line, Rule, apply
from .registry import RULES


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


def explain(raw_text: str) -> str:
    """Every raw line with its verdict and rule, text in full (nothing is dropped unseen):
    what `import --explain` prints."""
    res = clean(raw_text)
    rows = []
    for d in res.decisions:
        rows.append(f"{d.line_no:>5}  {d.verdict:<8}  {d.rule:<20}  {d.text}")
    return "\n".join(rows)
