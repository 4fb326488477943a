"""One configured Markdown renderer: Markdown → (safe HTML, plain text). Pure and cacheable."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

REMOTE_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


@lru_cache(maxsize=128)
def _lexer(name: str):
    """Lexers and the formatter are reusable; building them took 40% of highlighting."""
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


_FORMATTER = HtmlFormatter(nowrap=True)


def _highlight(code: str, lang: str, _attrs) -> str:
    lexer = _lexer(lang.strip().split()[0]) if lang.strip() else None
    if lexer is None:
        return f'<pre class="highlight"><code>{escape(code)}</code></pre>'
    body = highlight(code, lexer, _FORMATTER)
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
def markdown_parser() -> MarkdownIt:
    md = (MarkdownIt("commonmark", {"html": False, "highlight": _highlight, "typographer": False})
          .enable(["table", "strikethrough"])
          .use(footnote_plugin)
          .use(anchors_plugin, min_level=2, max_level=4, permalink=False))
    md.add_render_rule("image", _render_image)
    return md


def render_markdown(source: str) -> Rendered:
    """Raw HTML in the source is escaped, unsafe link schemes are refused by markdown-it."""
    md = markdown_parser()
    tokens = md.parse(source)
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html=html, text=_plain_text(tokens))


def _plain_text(tokens) -> str:
    parts: list[str] = []
    for tok in tokens:
        if tok.type == "inline":
            parts.append("".join(c.content for c in tok.children or [] if c.type in ("text", "code_inline")))
        elif tok.type in ("fence", "code_block"):
            parts.append(tok.content)
    return "\n".join(p.strip() for p in parts if p.strip())


def pygments_css() -> str:
    """Light and dark code colours in one stylesheet, switched by prefers-color-scheme."""
    light = HtmlFormatter(style="friendly", nobackground=True).get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai", nobackground=True).get_style_defs(".highlight")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
