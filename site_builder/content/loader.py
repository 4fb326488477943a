"""The content model: validated, immutable articles read from content/articles/*.md."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from stat import S_ISLNK

import frontmatter
import yaml

from site_builder.errors import ContentError, Problem
from site_builder.content.links import markdown_links

KNOWN_KEYS = {"title", "date", "lang", "source", "source_url", "author", "tags", "summary",
              "captions", "raw", "translations", "slug", "draft"}
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Body:
    """Article.body: a str, or a FileBody that reads it on first use (articles a build finds as
    the last build saw them come from the cache; most builds never need their text)."""

    def __get__(self, obj, owner=None) -> str:
        if obj is None:
            raise AttributeError("body")  # so that dataclass sees no default
        value = obj.__dict__["_body"]
        if not isinstance(value, str):
            value = value()
            obj.__dict__["_body"] = value
        return value

    def __set__(self, obj, value) -> None:
        obj.__dict__["_body"] = value


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    body: str = _Body()  # type: ignore[assignment]
    source_path: Path
    date: dt.date | None = None
    lang: str = "en"
    source: str | None = None
    source_url: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    captions: tuple[str, ...] = ()
    translations: tuple[str, ...] = ()
    raw: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    digest: str = ""  # hash of the file's path and bytes: what caches and page fingerprints key on
    draft: bool = False  # `draft: true`: built only with --drafts
    date_line: int = 0  # the file line of `date`, for warnings
    links: tuple = field(default=(), compare=False)  # (href, file line) of each link to a .md file

    @property
    def sort_key(self):
        """Latest first; undated last; slug breaks ties so order is stable."""
        return (self.date is None, -(self.date.toordinal() if self.date else 0), self.slug)


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~20x faster when present


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


def body_of(text: str) -> str:
    """The Markdown after the front-matter of a file that parsed before (as parse_article cuts it)."""
    return _YAML_HANDLER.split(text)[1]


_YAML_HANDLER = frontmatter.YAMLHandler()


def parse_article(path: Path, text: str, slug: str | None = None, digest: str = "") -> Article:
    """Text of one article file → Article, or ContentError naming every problem with its line."""
    handler = _YAML_HANDLER
    fm_text, body = "", text
    if handler.detect(text):
        try:
            fm_text, body = handler.split(text)
        except ValueError:
            raise ContentError(Problem(path, 1, "front-matter starts with '---' but never ends")) from None
    else:
        return _fail(path, 1, "no front-matter: the file must start with a '---' YAML block with a title")
    # YAML marks count from the start of the front-matter text; make them file line numbers.
    offset = text[: text.find(fm_text)].count("\n") if fm_text else 1
    simple = simple_front_matter(fm_text)
    if simple is not None:
        meta, lines = simple[0], {k: line + offset for k, line in simple[1].items()}
    else:
        meta, lines = _yaml_front_matter(path, fm_text, offset)
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 2), message))

    meta = {str(k): v for k, v in meta.items()}
    title = meta.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        bad("title", "'title' is required")
    elif not isinstance(title, (str, int, float)):
        bad("title", "'title' must be text")
    date = None
    if meta.get("date") not in (None, ""):
        date = _parse_date(meta["date"])
        if date is None:
            bad("date", f"'date' must be a real date YYYY-MM-DD, got {meta['date']!r}")
    lang = meta.get("lang") or "en"
    if not isinstance(lang, str) or not LANG_RE.match(lang):
        bad("lang", f"'lang' must be a language code like en or vi, got {lang!r}")
    for key in ("tags", "captions", "translations"):
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                                  for v in value):
            bad(key, f"'{key}' must be a list of strings")
    for key in ("source", "source_url", "author", "summary", "raw"):
        value = meta.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            bad(key, f"'{key}' must be text")
    if not isinstance(meta.get("draft", False), bool):
        bad("draft", f"'draft' must be true or false, got {meta['draft']!r}")
    chosen_slug = slug or path.stem
    if meta.get("slug") is not None:
        s = meta["slug"]
        if not isinstance(s, str) or not SLUG_RE.match(s):
            bad("slug", f"'slug' must be lower-case ASCII words joined by '-', got {s!r}")
        else:
            chosen_slug = s
    if not SLUG_RE.match(chosen_slug):
        from site_builder.text.slug import slugify

        chosen_slug = slugify(chosen_slug)
    if problems:
        raise ContentError(problems)

    def text_or_none(key):
        v = meta.get(key)
        return str(v).strip() if v not in (None, "") else None

    def str_tuple(key):
        return tuple(str(v).strip() for v in (meta.get(key) or []) if str(v).strip())

    return Article(
        slug=chosen_slug, title=str(title).strip(), body=body, source_path=path, date=date,
        lang=lang, source=text_or_none("source"), source_url=text_or_none("source_url"),
        author=text_or_none("author"), tags=tuple(dict.fromkeys(str_tuple("tags"))),
        summary=text_or_none("summary"), captions=str_tuple("captions"),
        translations=str_tuple("translations"), raw=text_or_none("raw"), digest=digest,
        extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
        draft=meta.get("draft") is True, date_line=lines.get("date", 0) if date else 0,
        links=markdown_links(body, text[: len(text) - len(body)].count("\n") + 1),
    )


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
        _fail(path, 2, "front-matter must be a mapping of keys to values")
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
            _fail(path, node.start_mark.line + 1 + offset, "this value is reused by a YAML alias (*name): aliases are not allowed in front-matter")
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            _fail(path, node.start_mark.line + 1 + offset, f"front-matter has more than {MAX_NODES} values")
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


# Front-matter written one `key: value` a line, in the forms hand-written and generated files
# mostly use, is read without the YAML parser (a tenth of its time); anything else goes to YAML.
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
        else:
            value = _plain(plain, in_list=False)
            if value is None:
                return None
        meta[m[1]] = value
        lines[m[1]] = number
    return meta, lines


def article_to_json(a: Article) -> dict | None:
    """The article as JSON data for the build cache, without its body (which is cheap to cut out
    of the file again) and source_path/digest (the cache key has them);
    None when its extra keys do not survive JSON unchanged (then it is simply parsed each build)."""
    if a.extra:
        try:
            if json.loads(json.dumps(a.extra)) != a.extra:
                return None
        except (TypeError, ValueError):
            return None
    d = {f.name: getattr(a, f.name) for f in fields(Article) if f.name not in ("source_path", "digest", "body")}
    d["date"] = a.date.isoformat() if a.date else None
    for key in ("tags", "captions", "translations"):
        d[key] = list(d[key])
    return d


def article_from_json(data: dict, path: Path, digest: str, body: str | FileBody) -> Article:
    values = {**data, "body": body, "date": dt.date.fromisoformat(data["date"]) if data["date"] else None}
    for key in ("tags", "captions", "translations"):
        values[key] = tuple(values[key])
    values["links"] = tuple(tuple(link) for link in values.get("links", ()))
    return Article(**values, source_path=path, digest=digest)


def load_articles(articles_dir: Path, known: dict[str, dict] | None = None, jobs: int = 1,
                  snapshot: dict[str, tuple] | None = None, changed: set[str] | None = None,
                  unchanged: dict[str, str] | None = None) -> list[Article]:
    """Every *.md under articles_dir, latest first; all problems of all files reported together.

    `known` maps an article digest to its cached JSON form, so unchanged files skip YAML parsing;
    the others are parsed over `jobs` processes. A dev server also passes `snapshot` (file →
    (stat key, Article) of its last build, updated here) and `changed` (files its watcher saw
    change): a file not reported changed whose size, mtime, ctime and inode are all the same is
    not read again. A command-line build passes `unchanged` (file → digest, for files whose stat
    is as the last build saw it): those are not read either, their bodies only when used.
    """
    known = known or {}
    problems: list[Problem] = []
    articles: list[Article] = []
    if not articles_dir.is_dir():
        return []
    site_root = articles_dir.resolve().parent.parent
    to_parse: list[tuple[Path, str, bytes | None]] = []
    base = str(articles_dir)
    seen: dict[str, tuple] = {}
    for rel in article_files(articles_dir):
        full = os.path.join(base, rel)  # plain strings: pathlib costs more than the I/O here
        if snapshot is not None:
            try:
                key = stat_key(full)
            except OSError:
                key = None
            prev = snapshot.get(rel)
            if prev is not None and key is not None and prev[0] == key and changed is not None and rel not in changed:
                articles.append(prev[1])
                seen[rel] = prev
                continue
            seen[rel] = (key, None)
        path = articles_dir / rel
        digest = unchanged.get(rel) if unchanged else None
        if digest in known:
            articles.append(article_from_json(known[digest], path, digest, FileBody(path, rel, digest)))
            continue
        if os.path.islink(full) and not path.resolve().is_relative_to(site_root):
            problems.append(Problem(path, None, "symbolic link points outside the site; refused"))
            continue
        if not known:  # nothing to recognise: the workers read the file as well as parse it
            to_parse.append((path, rel, None))
            continue
        with open(full, "rb") as fh:
            data = fh.read()
        digest = _digest(rel, data)
        if digest in known:
            body = body_of(data.decode("utf-8").lstrip("\ufeff"))
            articles.append(article_from_json(known[digest], path, digest, body))
        else:
            to_parse.append((path, rel, data))
    from site_builder.parallel import ordered_map  # here, not at the top: a no-op build never gets this far
    for result in ordered_map(_parse_job, len(to_parse), {"files": to_parse}, jobs):
        if isinstance(result, Article):
            articles.append(result)
        else:
            problems.extend(result)
    if snapshot is not None:
        snapshot.clear()
        if not problems:
            by_path = {a.source_path: a for a in articles}
            for rel, (key, art) in seen.items():
                art = art or by_path.get(articles_dir / rel)
                if key is not None and art is not None:
                    snapshot[rel] = (key, art)
    problems.extend(_slug_collisions(articles))
    if problems:
        raise ContentError(sorted(problems, key=lambda p: (str(p.path), p.line or 0)))
    return sorted(articles, key=lambda a: a.sort_key)


def stat_key(path: str) -> list:
    """What says a file is as it was: size, mtime, ctime, inode (of the target) and whether it is
    a symbolic link. One lstat, and a stat only for a link (10,000 files: 10,000 calls, not 20,000)."""
    st = os.lstat(path)
    if S_ISLNK(st.st_mode):
        st = os.stat(path)
        return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, True]
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, False]


class FileBody:
    """The body of an article file, read when first asked for; the file must still be what the
    cache knew (same digest), or the build stops rather than mix two versions."""

    def __init__(self, path: Path, rel: str, digest: str):
        self.path, self.rel, self.digest = path, rel, digest

    def __call__(self) -> str:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise ContentError(Problem(self.path, None, f"cannot read: {exc.strerror}")) from None
        if _digest(self.rel, data) != self.digest:
            raise ContentError(Problem(self.path, None, "changed during the build; build again"))
        return body_of(data.decode("utf-8").lstrip("\ufeff"))


def _digest(rel: str, data: bytes) -> str:
    return hashlib.blake2b(rel.encode() + b"\0" + data, digest_size=16).hexdigest()


def _parse_job(payload: dict, i: int) -> Article | list[Problem]:
    path, rel, data = payload["files"][i]
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return [Problem(path, None, f"cannot read: {exc.strerror}")]
    digest = _digest(rel, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(path, data[: exc.start].count(b"\n") + 1, "not valid UTF-8 text")]
    try:
        return parse_article(path, text.lstrip("\ufeff"), digest=digest)
    except ContentError as err:
        return err.problems


def article_files(articles_dir: Path) -> list[str]:
    """Relative posix paths of every *.md below articles_dir, sorted (hidden folders skipped)."""
    found = []
    for folder, dirs, files in os.walk(articles_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = os.path.relpath(folder, articles_dir).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        found += [prefix + f for f in files if f.endswith(".md") and not f.startswith(".")]
    return sorted(found)


def _slug_collisions(articles: list[Article]) -> list[Problem]:
    first: dict[str, Article] = {}
    problems = []
    for a in articles:
        if a.slug in first:
            problems.append(Problem(a.source_path, None,
                                    f"slug '{a.slug}' is also used by {first[a.slug].source_path}"))
        else:
            first[a.slug] = a
    return problems


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?", str(value).strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _key_lines(node, offset: int) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 + offset for k, _ in node.value}


def _fail(path: Path, line: int, message: str):
    raise ContentError(Problem(path, line, message))
