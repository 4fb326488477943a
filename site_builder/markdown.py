"""One configured Markdown renderer: Markdown → (safe HTML, plain text). Pure and cacheable.

Most briefings are plain prose: paragraphs of text with no Markdown syntax in them, sometimes a
fenced code block. Those are rendered straight to the bytes markdown-it would give
(`_render_plain`, held to it by a property test); anything else goes through markdown-it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

REMOTE_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


@lru_cache(maxsize=128)
def _lexer(name: str):
    """Lexers and the formatter are reusable: built once, not for every code block."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


@lru_cache(maxsize=1)
def _formatter():
    from pygments.formatters import HtmlFormatter
    return HtmlFormatter(nowrap=True)


def _highlight(code: str, lang: str, _attrs) -> str:
    lexer = _lexer(lang.strip().split()[0]) if lang.strip() else None
    if lexer is None:
        return f'<pre class="highlight"><code>{escape(code)}</code></pre>'
    from pygments import highlight
    body = highlight(code, lexer, _formatter())
    return f'<pre class="highlight"><code class="language-{escape(lexer.aliases[0])}">{body}</code></pre>'



def _render_image(self, tokens, idx, options, env):
    """Local images render as <img>; remote ones become links so pages never load other hosts."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    if REMOTE_RE.match(src) and not src.lower().startswith("data:"):
        return f'<a class="remote-image" href="{escape(src)}" rel="noopener">{escape(alt or src)}</a>'
    return f'<img src="{escape(src)}" alt="{escape(alt)}" loading="lazy">'


@lru_cache(maxsize=1)
def markdown_parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    md = (MarkdownIt("commonmark", {"html": False, "highlight": _highlight, "typographer": False})
          .enable(["table", "strikethrough"])
          .use(footnote_plugin)
          .use(anchors_plugin, min_level=2, max_level=4, permalink=False))
    md.add_render_rule("image", _render_image)
    return md


def render_markdown(source: str) -> Rendered:
    """Raw HTML in the source is escaped, unsafe link schemes are refused by markdown-it."""
    return _render_plain(source) or render_with_markdown_it(source)


def render_with_markdown_it(source: str) -> Rendered:
    md = markdown_parser()
    tokens = md.parse(source)
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html=html, text=_plain_text(tokens))


_LINE_BREAKS = ("softbreak", "hardbreak")


def _plain_text(tokens) -> str:
    """Inline text and code, a space where a paragraph's line breaks, a line per block."""
    parts: list[str] = []
    for tok in tokens:
        if tok.type == "inline":
            parts.append("".join(c.content if c.type in ("text", "code_inline") else " " if c.type in _LINE_BREAKS
                                 else "" for c in tok.children or []))
        elif tok.type in ("fence", "code_block"):
            parts.append(tok.content)
    return "\n".join(p.strip() for p in parts if p.strip())


# Plain prose: no character that an inline rule or a table acts on…
_MARKUP_CHAR = re.compile(r"[\\`*_\[\]<>&~|]")
# … or a line that could open a block other than a paragraph (list, heading, quote, rule, fence).
_BLOCK_START = re.compile(r"[-+*#>=~]|\d{1,9}[.)]")
_PLAIN_FENCE = re.compile(r"```([A-Za-z0-9_+.#-]*)")  # ``` and a one-word language, nothing else


def _render_plain(source: str) -> Rendered | None:
    """Paragraphs of plain text and ``` fenced code, as markdown-it renders them; None for
    anything else (any character or line start that Markdown could read as syntax, white space
    at either end of a line, a fence of another shape), which markdown-it then renders."""
    if "\r" in source or "\x00" in source:
        return None  # markdown-it normalises these first
    html: list[str] = []
    text: list[str] = []
    para: list[str] = []
    lines = source.split("\n")
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if line.startswith("```"):
            fence = _PLAIN_FENCE.fullmatch(line)
            if fence is None:
                return None
            start = i
            while i < n and lines[i] != "```":
                if lines[i].lstrip(" \t").startswith(("```", "~~~")):
                    return None  # could close the fence, or open one in another reading
                i += 1
            if i == n:
                return None  # runs to the end of the document
            _end_paragraph(para, html, text)
            code = "".join(f"{c}\n" for c in lines[start:i])
            html.append(_highlight(code, fence[1], "") + "\n")  # markdown-it's fence rule with our highlighter
            text.append(code.strip())
            i += 1
        elif not line:
            _end_paragraph(para, html, text)
        elif line != line.strip() or _BLOCK_START.match(line) or _MARKUP_CHAR.search(line):
            return None
        else:
            para.append(line)
    _end_paragraph(para, html, text)
    return Rendered(html="".join(html), text="\n".join(filter(None, text)))


def _end_paragraph(para: list[str], html: list[str], text: list[str]) -> None:
    if para:
        # markdown-it's escape: & < > never reach here, so only the quote is left to escape
        html.append("<p>" + "\n".join(para).replace('"', "&quot;") + "</p>\n")
        text.append(" ".join(para))
        para.clear()


def pygments_css() -> str:
    """Light and dark code colours in one stylesheet, switched by prefers-color-scheme."""
    from pygments.formatters import HtmlFormatter
    light = HtmlFormatter(style="friendly", nobackground=True).get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai", nobackground=True).get_style_defs(".highlight")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
