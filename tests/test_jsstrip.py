"""The build publishes the shipped theme's scripts without comments and indentation
(render/jsstrip.py): every token and every literal stays, and a script the scanner cannot read
with certainty is published as it is."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REPO
from site_builder.render.jsstrip import strip_js
from site_builder.render.themes import static_bytes

NODE = shutil.which("node")
THEME_SCRIPTS = sorted((REPO / "themes" / "default" / "static").glob("*.js"))

# A script whose literals hold what looks like comments, quotes and indentation, and whose
# line breaks matter (automatic semicolon insertion); it prints what it computed.
TRICKY = r'''#!PLACEHOLDER
/* a header
 * comment */
"use strict";
var out = [];   // trailing comment
var a = 10, b = 4, g = 2, i = 3;
out.push(a / b / g);                 // two divisions
// a division after `)`:
out.push((a + b) / g);
out.push("// not a comment", '/* nor */ this', "it's \"quoted\"");
out.push(/\/\/[/]x/.source, /'"`/g.flags, /[/*]/.test("*"));
out.push(`template
    keeps   its  indentation // and this
  ${a /* a comment in code */ + b} and ${`nested ${ {k: 1}.k } }`} end`);
var s = "a line \
    continued";
out.push(s);
var x = a
++b;
out.push(x, b);
var f = function () {
  return /re/.test("are");
};
out.push(f(), typeof /x/, a.return / 2, i++ / 3, i);
out.push(1 .toString(), 2. + 3, - -a, + +b, a - -1);
var c = a/**/in {10: 1} ? "in" : "out"; out.push(c);
var t = (function () { return        // ASI: returns undefined
  42; })();
out.push(t === undefined);
out.push("tab\there", [1, 2].map((v) => v * 2));
var  spaced   =    { k : 1 , "q" : 'w' } ;
out.push(spaced);
console.log(JSON.stringify(out));
'''.replace("#!PLACEHOLDER\n", "")


def test_comments_blank_lines_and_indentation_go_literals_stay():
    out = strip_js(TRICKY)
    assert len(out) < 0.8 * len(TRICKY)
    assert "header" not in out and "trailing comment" not in out and "ASI" not in out
    for literal in ['"// not a comment"', "'/* nor */ this'", "\"it's \\\"quoted\\\"\"", r"/\/\/[/]x/", "/'\"`/g",
                    r"/[/*]/", "`template\n    keeps   its  indentation // and this\n  ${",
                    "\"a line \\\n    continued\"", "${`nested ${", "\"tab\\there\""]:
        assert literal in out, literal
    assert "var x=a\n++b;" in out              # the line break ASI reads stays
    assert "return\n42;" in out
    assert "1 .toString()" in out and "- -a" in out and "+ +b" in out and "a- -1" in out
    assert "a in{" in out                       # `a/**/in` stays two words
    code = out.replace("    keeps   its  indentation // and this\n  ", "").replace("\n    continued", "")
    assert "\n\n" not in code and "\n " not in code and " \n" not in code
    assert strip_js(out) == out                 # nothing left to take


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_stripped_script_computes_the_same(tmp_path):
    results = []
    for text in (TRICKY, strip_js(TRICKY)):
        path = tmp_path / "t.js"
        path.write_text(text, encoding="utf-8")
        run = subprocess.run([NODE, str(path)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        results.append(json.loads(run.stdout))
    assert results[0] == results[1]
    assert results[0][0] == 1.25 and results[0][-4] is True   # a / b / g; `return` alone returns


@pytest.mark.parametrize("source", [
    "#!/usr/bin/env node\nvar a = 1; // x\n",           # hashbang
    "var a = 1; <!-- old\nvar b;\n",                     # HTML-like comments
    "var a = b-->c; // x\n",
    "if (a) /x/.test(s); // x\n",                        # `/` after `)` with another `/` on the line
    "var s = 'unterminated; // x\n",
    "var t = `unterminated ${a}; // x\n",
    "var r = /unterminated\nvar b; // x\n",
    "/* unterminated\n var a;\n",
    "var a = 1;\r// old Mac line break\rvar b;\n",
    "return\u00a0/x/; // x\n",                           # a space JavaScript reads and we would not
])
def test_what_the_scanner_cannot_read_is_left_as_it_is(source):
    assert strip_js(source) == source


def test_crlf_and_a_missing_final_line_break():
    assert strip_js("var a = 1;  // x\r\n\r\n    var b = 2;") == "var a=1;\nvar b=2;\n"


@pytest.mark.parametrize("path", THEME_SCRIPTS, ids=lambda p: p.name)
def test_the_shipped_scripts_are_read_with_certainty(path):
    """Each shipped script shrinks, and stripping twice changes nothing: the scanner understood it."""
    text = path.read_text(encoding="utf-8")
    out = strip_js(text)
    assert len(out) < 0.8 * len(text)
    assert strip_js(out) == out


def test_only_the_shipped_themes_scripts_are_stripped(tmp_path):
    own = tmp_path / "mine.js"
    own.write_text("// the site's own script\nvar a = 1;\n", encoding="utf-8")
    assert static_bytes(own) == own.read_bytes()
    css = REPO / "themes" / "default" / "static" / "style.css"
    assert static_bytes(css) == css.read_bytes()
    core = REPO / "themes" / "default" / "static" / "search-core.js"
    assert static_bytes(core) == strip_js(core.read_text(encoding="utf-8")).encode("utf-8")
    assert static_bytes(core) == static_bytes(core)


# Tokens a script is made of, literals with what looks like comments, quotes and line breaks.
WORDS = st.sampled_from(["a", "b1", "$x", "_y", "in", "typeof", "return", "7", "0.5", "1e3", "ẞtraße"])
OPERATORS = st.sampled_from(["=", "+", "-", "*", "%", "<", ">", "!", "&&", "||", "?", ":", "=>", "===",
                             "+=", "(", ")", "[", "]", "{", "}", ";", ","])
STRINGS = st.builds(lambda q, body: q + body.replace("\\", "").replace(q, "\\" + q) + q, st.sampled_from("'\""),
                    st.text(st.sampled_from("ab /*`'\"\t{}$"), max_size=8))
TEMPLATES = st.builds(lambda body: "`" + body.replace("`", "").replace("$", "").replace("\\", "") + "`",
                      st.text(st.sampled_from("ab //* '\"\n\t{}"), max_size=10))
REGEXES = st.builds(lambda body, flags: "/" + body + "/" + flags,
                    st.sampled_from(["x", "\\/\\/", "[/*]", "'\"`", "a b", "\\[\\/", "[^/]"]), st.sampled_from(["", "g", "iu"]))
SEPARATORS = st.sampled_from(["", " ", "   ", "\t", "\n", "\n\n    ", " /* c */ ", "/*\n*/", " // c\n", "\n// c\n  "])


def is_word(c: str) -> bool:
    return c.isalnum() or c in "$_"


def is_operator(c: str) -> bool:
    return not is_word(c) and c not in "(){}[];,'\""


@st.composite
def scripts(draw):
    """(source, tokens, separators): a regular expression only where one may stand (after `(`,
    `=`, `,`), so the scanner reads each token as one."""
    tokens, seps = [], []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["word", "op", "string", "template", "regex"]))
        if kind == "regex":
            tokens.append(draw(st.sampled_from(["(", "=", ","])))
            seps.append(draw(SEPARATORS))
        tokens.append(draw({"word": WORDS, "op": OPERATORS, "string": STRINGS, "template": TEMPLATES,
                            "regex": REGEXES}[kind]))
        seps.append(draw(SEPARATORS))
    source = "".join(t + s for t, s in zip(tokens, seps))
    return source, tokens, seps


@settings(max_examples=300, deadline=None)
@given(scripts())
def test_every_token_stays_and_so_does_every_line_break_between_two(script):
    source, tokens, seps = script
    out = strip_js(source)
    if out == source:
        return  # left as it was (the scanner was unsure): nothing to check
    pos = 0
    for i, token in enumerate(tokens):
        start = pos
        while out[pos] in " \n":
            pos += 1
        gap = out[start:pos]
        if i:
            had_break = "\n" in seps[i - 1]
            assert ("\n" in gap) == had_break, (source, out, i)
            left, right = tokens[i - 1][-1], token[0]
            if gap == "" and seps[i - 1] != "":  # a space went: the two tokens still read as two
                assert not (is_word(left) and is_word(right)), (source, out)
                assert not (is_operator(left) and is_operator(right)), (source, out)
                assert not (tokens[i - 1][0] == "/" and is_word(right)), (source, out)  # flags
        assert out.startswith(token, pos), (source, out, token)
        pos += len(token)
    assert out[pos:].strip("\n ") == ""
