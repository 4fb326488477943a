"""The plain-prose fast path renders exactly what markdown-it renders, and is taken for prose."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.markdown import _render_plain, render_markdown, render_with_markdown_it

PROSE = ("Đại sứ Ian Frew cho biết, Anh đã lần đầu tiên áp dụng các biện pháp (UNODC) vào năm 2025.\n\n"
         "The envoy said: \"cooperation matters\" — 28-1, 3.5% of cases; why? Because!\n"
         "A second line of the same paragraph.\n\n"
         "```python\ndef briefing(n):\n    return [x * 2 for x in range(n)]\n```\n"
         "Text right after the fence.\n")

# Characters and line shapes that Markdown reads as syntax, mixed with ordinary text.
CHARS = list("abcXYZ ăđệƯ0123456789.,;:!?'\"()-+=#>*_`[]<>&~|\\^$%@{}\t \u00a0\u2028\x0b\x0c\x1c\r\x00")
LINES = ["```", "```python", "```py thon", "```\\x", "~~~", " ```", "````", "``` ", "", "    code", "1. item",
         "2) x", "- item", "* x", "+ y", "---", "===", "***", "___", "# h", "## Heading", "> q", "| a | b |",
         "|---|---|", "[x]: /url", "[^1]: note", "a  ", "  a", "\tb", "x\\", "&amp;", "<b>hi</b>", "http://x.y",
         "Plain words here.", "Lời nói \"trích dẫn\" (VNA)."]
line = st.one_of(st.text(alphabet=st.sampled_from(CHARS), max_size=14), st.sampled_from(LINES))
documents = st.lists(line, max_size=14).map("\n".join)
# Text without inline markup, so that most documents are plain prose and the edge cases are at
# the line starts, the line ends and the fences.
NEAR_PLAIN = [c for c in CHARS if c not in "*_`[]<>&~|\\\r\x00"]
near_plain = st.lists(st.one_of(st.text(alphabet=st.sampled_from(NEAR_PLAIN), max_size=20),
                                st.sampled_from(["", "", "```", "```python", "x = [1, 2] * 3"])),
                      max_size=14).map("\n".join)


# Hypothesis raises the recursion limit around a test whose examples run deep (markdown-it's
# nested rules) and then warns that it cannot put it back: its own bookkeeping, not a failure.
@pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")
@settings(max_examples=1500, deadline=None)
@given(documents)
def test_render_markdown_is_markdown_it_for_any_text(source):
    assert render_markdown(source) == render_with_markdown_it(source)


@settings(max_examples=1500, deadline=None)
@given(near_plain)
def test_near_plain_text_matches_markdown_it(source):
    assert render_markdown(source) == render_with_markdown_it(source)


def test_prose_with_a_fence_takes_the_fast_path_and_matches():
    fast = _render_plain(PROSE)
    assert fast is not None
    assert fast == render_with_markdown_it(PROSE)
    assert "<p>The envoy said: &quot;cooperation matters&quot;" in fast.html
    assert 'class="language-python"' in fast.html


def test_markup_goes_to_markdown_it():
    for source in ("Some *emphasis*.", "A [link](x.html).", "# Heading", "- item", "a\n===", "AT&T", "<script>"):
        assert _render_plain(source) is None, source


def test_plain_text_keeps_a_space_where_a_paragraph_breaks_its_lines():
    assert render_markdown("first line\nsecond line").text == "first line second line"
    assert render_with_markdown_it("*first* line\nsecond").text == "first line second"
