"""Front-matter: the `---` YAML block at the top of an article file → (mapping, key → file line).

The YAML is read safely: dates stay strings (the article validates them), duplicate keys and
aliases are errors, and text keys keep a scalar as written (`title: yes` is "yes"). Simple
front-matter, one `key: value` a line, skips the YAML parser.
"""
from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import yaml

from site_builder.errors import ContentError, Problem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, when present, is much faster


class _Loader(_BaseLoader):
    """Safe loader that keeps dates as strings (we validate them) and rejects duplicate keys."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

_YAML_HANDLER = frontmatter.YAMLHandler()


def body_of(text: str) -> str:
    """The Markdown after the front-matter of a file that parsed before (as split_front_matter cuts it)."""
    return _YAML_HANDLER.split(text)[1]


def split_front_matter(path: Path, text: str) -> tuple[dict, dict[str, int], str]:
    """Text of an article file → (front-matter mapping, key → file line, Markdown body), or
    ContentError naming the file and line."""
    if not _YAML_HANDLER.detect(text):
        fail(path, 1, "no front-matter: the file must start with a '---' YAML block with a title")
    try:
        fm_text, body = _YAML_HANDLER.split(text)
    except ValueError:
        raise ContentError(Problem(path, 1, "front-matter starts with '---' but never ends")) from None
    # YAML marks count from the start of the front-matter text; make them file line numbers.
    offset = text[: text.find(fm_text)].count("\n") if fm_text else 1
    simple = simple_front_matter(fm_text)
    if simple is not None:
        return simple[0], {k: line + offset for k, line in simple[1].items()}, body
    meta, lines = _yaml_front_matter(path, fm_text, offset)
    return meta, lines, body


def _yaml_front_matter(path: Path, fm_text: str, offset: int) -> tuple[dict, dict[str, int]]:
    """The front-matter mapping and each key's file line, by the YAML parser."""
    loader = _Loader(fm_text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_aliases(path, node, offset)
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 + offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(Problem(path, line, f"invalid YAML front-matter: {problem}")) from None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        fail(path, 2, "front-matter must be a mapping of keys to values")
    _keep_text_as_written(node, meta)
    return meta, _key_lines(node, offset)


MAX_NODES = 10_000  # a front-matter larger than this is not an article's metadata


def _refuse_aliases(path: Path, root, offset: int) -> None:
    """An alias (*name) reuses a node: nine nested ones make a billion values that the cache's
    JSON or a template would expand. Front-matter needs none, so any alias is an error."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            fail(path, node.start_mark.line + 1 + offset, "this value is reused by a YAML alias (*name): aliases are not allowed in front-matter")
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            fail(path, node.start_mark.line + 1 + offset, f"front-matter has more than {MAX_NODES} values")
        if isinstance(node, yaml.MappingNode):
            todo.extend(child for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)


_TEXT_KEYS = {"title", "source", "source_url", "author", "summary", "tags", "captions", "translations"}


def _keep_text_as_written(node, meta: dict) -> None:
    """`title: yes` is the text "yes", not True; `tags: [C++, 2025]` keeps "2025" as written: the
    text keys take a plain scalar's source text wherever YAML made a bool or a number of it."""
    def written(value_node, value):
        if isinstance(value_node, yaml.ScalarNode) and isinstance(value, (bool, int, float)):
            return value_node.value
        return value
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in _TEXT_KEYS or key not in meta:
            continue
        if isinstance(value_node, yaml.SequenceNode) and isinstance(meta[key], list):
            meta[key] = [written(n, v) for n, v in zip(value_node.value, meta[key])]
        else:
            meta[key] = written(value_node, meta[key])


def _key_lines(node, offset: int) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 + offset for k, _ in node.value}


# Front-matter written one `key: value` a line, in the forms hand-written and generated files
# mostly use, is read without the YAML parser (see docs/internals.md); anything else goes to YAML.
# Each form here reads as the same str or list of str in YAML (tests/test_content.py holds them
# to it): a double-quoted string without escapes, a single-quoted one without quotes inside, a
# plain date, a plain scalar that starts with a letter and that no YAML 1.1 resolver turns into
# a bool, a null or a number, and a flow list of such plain words or quoted strings.
_DOUBLE_QUOTED = r'"([^"\\]*)"'
_SIMPLE_LINE = re.compile(rf"""([A-Za-z][A-Za-z0-9_]*): (?:{_DOUBLE_QUOTED}|'([^']*)'|\[([^\[\]{{}}']*)\]|(.+))""")
_QUOTED_ITEM = re.compile(_DOUBLE_QUOTED)
_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_WORD = re.compile(r"[^\W\d_][\w-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}  # any case: YAML's are a subset


def _plain(value: str, in_list: bool) -> str | None:
    """A plain YAML scalar that is surely a string, or None."""
    if _PLAIN_DATE.fullmatch(value):
        return value
    if not value[:1].isalpha() or value.casefold() in _YAML_WORDS or not value.isprintable():
        return None
    if in_list:
        return value if _PLAIN_WORD.fullmatch(value) else None
    if value != value.strip() or ": " in value or " #" in value or value.endswith(":"):
        return None
    return value


def _simple_list(items: str) -> list[str] | None:
    """The items of a flow list `[a, "b c"]` in the simple forms, else None."""
    value = []
    for item in items.split(",") if items.strip(" ") else ():
        item = item.strip(" ")
        quoted = _QUOTED_ITEM.fullmatch(item)
        if quoted is not None:
            word = quoted[1] if quoted[1].isprintable() else None
        else:
            word = _plain(item, in_list=True)
        if word is None:
            return None
        value.append(word)
    return value


def simple_front_matter(fm_text: str) -> tuple[dict, dict[str, int]] | None:
    """(mapping, key → line within fm_text) of front-matter in the simple forms, else None."""
    meta: dict = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(fm_text.split("\n"), 1):
        if not line:
            continue
        m = _SIMPLE_LINE.fullmatch(line)
        if m is None or m[1] in meta or m[1].casefold() in _YAML_WORDS:
            return None
        double, single, items, plain = m[2], m[3], m[4], m[5]
        if double is not None or single is not None:
            value = double if double is not None else single
            if not value.isprintable():
                return None
        elif items is not None:
            value = _simple_list(items)
        else:
            value = _plain(plain, in_list=False)
        if value is None:
            return None
        meta[m[1]] = value
        lines[m[1]] = number
    return meta, lines


def fail(path: Path, line: int, message: str):
    raise ContentError(Problem(path, line, message))
