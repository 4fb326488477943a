"""Comments and indentation out of a script: the shipped search scripts are a third of a first
query's bytes, and half of them is comments and leading spaces.

Only comments, blank lines, whitespace at a line's ends and the spaces between two tokens that
cannot run together go; every token, every line break that separates two (automatic semicolon
insertion reads them) and everything inside a string, template literal or regular expression
stays. Whatever the scanner cannot read with certainty (a `/` after `)`
or `}` on a line with another `/`, where it may divide or start a regular expression; an
unterminated literal, a line break other than LF or CRLF, HTML-like comments, a
hashbang) makes it give the script back unchanged: a byte too many, never a broken script.
"""
from __future__ import annotations

LINE_BREAKS = "\n\r\u2028\u2029"
INDENT = " \t"
TRAILING = " \t\r\f\v"
SPACES = (" ", "\t", "\f", "\v")  # written one by one: trimmed at a line's end
SAFE_NEIGHBOURS = "(){}[];,'\""  # one-character tokens and quotes: no token runs across them
KEEP_BESIDE_WORDS = ".`#"
VALUE = "v"  # what a string, template or regular expression ends: a `/` after it divides
# after these a `/` starts a regular expression (after `)`, `}`, `++`, `--` it may do either:
# there it divides unless the line holds another `/`, which makes the scanner unsure)
REGEX_AFTER_CHARS = set("(,=:[!&|?{;+-*%<>~^")
REGEX_AFTER_WORDS = frozenset({"return", "typeof", "instanceof", "in", "of", "new", "delete", "void",
                               "throw", "case", "do", "else", "yield", "await"})


class Unsure(Exception):
    """The scanner cannot tell what the source means here."""


def strip_js(source: str) -> str:
    """`source` without comments, blank lines, indentation and trailing spaces; unchanged when
    it cannot be read with certainty."""
    try:
        return _Stripper(source).run()
    except Unsure:
        return source


def _is_word_char(c: str) -> bool:
    """Part of an identifier or number (`\\` too: an identifier may spell a letter \\u0061)."""
    return c.isalnum() or c in "_$\\" or (ord(c) > 127 and not c.isspace() and c != "\ufeff")


def _joinable(before: str, after: str) -> bool:
    """Can the space between these two characters go? Only where no token can run across it:
    beside `( ) { } [ ] ; ,`, or between a word and an operator — but never beside `.` (`1 .x`),
    a backtick, `#`, nor after a `/` (a regular expression's flags would run on)."""
    if before in SAFE_NEIGHBOURS or after in SAFE_NEIGHBOURS:
        return True
    if _is_word_char(before) == _is_word_char(after):
        return False
    return not (before in KEEP_BESIDE_WORDS or after in KEEP_BESIDE_WORDS or before == "/")


class _Stripper:
    def __init__(self, src: str) -> None:
        if src.startswith("#!") or "<!--" in src:
            raise Unsure("hashbang or HTML-like comment")
        self.src, self.i, self.out = src, 0, []
        self.line_start = True      # nothing but indentation and comments yet on this output line
        self.last = ""              # the last significant code character written
        self.before_last = ""       # and the one before it
        self.word = ""              # the identifier or number that ends the code written, if any
        self.word_after_dot = False  # that word is a property name (x.return), not a keyword
        self.braces: list[int] = []  # per open `${`: the `{` still open inside it

    def run(self) -> str:
        src = self.src
        while self.i < len(src):
            c = src[self.i]
            nxt = src[self.i + 1] if self.i + 1 < len(src) else ""
            if c == "\n":
                self.newline()
                self.i += 1
            elif c in LINE_BREAKS:
                if c == "\r" and nxt == "\n":
                    self.i += 1  # CRLF: trimmed as trailing space, the LF breaks the line
                    continue
                raise Unsure("line break other than LF")
            elif c in INDENT and self.line_start:
                self.i += 1
            elif c == "/" and nxt == "/":
                while self.i < len(src) and src[self.i] not in LINE_BREAKS:
                    self.i += 1
            elif c == "/" and nxt == "*":
                self.block_comment()
            elif c == "/":
                self.slash()
            elif c in "'\"":
                self.string(c)
            elif c == "`":
                self.i += 1
                self.template()
            else:
                self.code_char(c)
        self.trim()
        if self.braces:
            raise Unsure("unterminated template literal")
        text = "".join(self.out).lstrip("\n")
        return text + "\n" if text and not text.endswith("\n") else text

    def emit(self, text: str, last: str) -> None:
        """Write a token; the spaces before it go when no token can form across them."""
        n = len(self.out)
        while n and self.out[n - 1] in SPACES:
            n -= 1
        if n < len(self.out):
            del self.out[n:]
            if not (n and _joinable(self.out[-1][-1], text[0])):
                self.out.append(" ")
        self.out.append(text)
        self.line_start = False
        self.before_last, self.last, self.word, self.word_after_dot = self.last, last, "", False

    def trim(self) -> None:
        while self.out and self.out[-1] in SPACES:
            self.out.pop()

    def newline(self) -> None:
        self.trim()
        if self.out and self.out[-1] != "\n":
            self.out.append("\n")
        self.line_start = True

    def code_char(self, c: str) -> None:
        if c == "-" and self.src.startswith("-->", self.i):
            raise Unsure("HTML-like comment")
        if c == "{" and self.braces:
            self.braces[-1] += 1
        elif c == "}" and self.braces:
            if self.braces[-1] == 0:  # the `}` that closes `${`: back into the template
                self.braces.pop()
                self.emit(c, c)
                self.i += 1
                self.template()
                return
            self.braces[-1] -= 1
        if ord(c) > 127 and not _is_word_char(c):
            raise Unsure("a space other than ASCII")  # `return\u00a0/x/` must stay a regular expression
        if c in TRAILING:
            self.out.append(c)
            self.i += 1
        elif _is_word_char(c):
            start = self.i
            while self.i < len(self.src) and _is_word_char(self.src[self.i]):
                self.i += 1
            after_dot = self.last == "."
            self.emit(self.src[start:self.i], c)
            self.word, self.word_after_dot = self.src[start:self.i], after_dot
        else:
            self.emit(c, c)
            self.i += 1

    def block_comment(self) -> None:
        end = self.src.find("*/", self.i + 2)
        if end < 0:
            raise Unsure("unterminated comment")
        body = self.src[self.i + 2:end]
        self.i = end + 2
        if any(b in body for b in LINE_BREAKS):
            self.newline()  # a comment holding a line break separates lines like one
        elif not self.line_start and self.out and self.out[-1] not in SPACES:
            nxt = self.src[self.i] if self.i < len(self.src) else "\n"
            if nxt not in TRAILING + LINE_BREAKS:
                self.out.append(" ")  # `a/**/b` is two tokens

    def regex_may_follow(self) -> bool | None:
        """True: a `/` here starts a regular expression; False: it divides; None: either."""
        if self.word:
            return self.word in REGEX_AFTER_WORDS and not self.word_after_dot
        if self.last == "":
            return True
        if self.last in (")", "}"):
            return None
        if self.last in ("+", "-"):
            return None if self.before_last == self.last else True  # `a++ /` divides, `a + /x/` not
        return self.last in REGEX_AFTER_CHARS

    def slash(self) -> None:
        regex = self.regex_may_follow()
        if regex is None:
            rest = self.src[self.i + 1:]
            cut = min((rest.find(b) for b in LINE_BREAKS if b in rest), default=len(rest))
            if "/" in rest[:cut]:
                raise Unsure("a `/` that may divide or start a regular expression")
            regex = False  # a regular expression would end on this line: it divides
        if not regex:
            self.code_char("/")
            return
        start, self.i, in_class = self.i, self.i + 1, False
        while True:
            if self.i >= len(self.src) or self.src[self.i] in LINE_BREAKS:
                raise Unsure("unterminated regular expression")
            c = self.src[self.i]
            self.i += 1
            if c == "\\":
                if self.i >= len(self.src) or self.src[self.i] in LINE_BREAKS:
                    raise Unsure("unterminated regular expression")
                self.i += 1
            elif c == "[":
                in_class = True
            elif c == "]":
                in_class = False
            elif c == "/" and not in_class:
                break
        self.emit(self.src[start:self.i], VALUE)  # flags follow as a word

    def string(self, quote: str) -> None:
        start, self.i = self.i, self.i + 1
        while True:
            if self.i >= len(self.src):
                raise Unsure("unterminated string")
            c = self.src[self.i]
            self.i += 1
            if c == "\\":
                self.i += 2 if self.src.startswith("\r\n", self.i) else 1
            elif c == quote:
                break
            elif c in "\n\r":
                raise Unsure("line break in a string")
        self.emit(self.src[start:self.i], VALUE)

    def template(self) -> None:
        """From inside a template literal (after its backtick or a `}`) to its end or a `${`."""
        start = self.i
        while True:
            if self.i >= len(self.src):
                raise Unsure("unterminated template literal")
            c = self.src[self.i]
            self.i += 1
            if c == "\\":
                self.i += 1
            elif c == "`":
                self.emit(self._template_text(start), VALUE)
                return
            elif c == "$" and self.src.startswith("{", self.i):
                self.i += 1
                self.emit(self._template_text(start), "{")
                self.braces.append(0)
                return

    def _template_text(self, start: int) -> str:
        """The template's characters from `start` to here, with the backtick that opened it."""
        opened = self.src[start - 1]
        return (opened if opened == "`" else "") + self.src[start:self.i]
