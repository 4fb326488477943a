"""The article model: a validated, immutable Article made from one file's text, its body read
from the file only when used, and its JSON form for the build cache."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from site_builder.content.front_matter import body_of, split_front_matter
from site_builder.content.links import markdown_links
from site_builder.errors import ContentError, Problem

KNOWN_KEYS = {"title", "date", "lang", "source", "source_url", "author", "tags", "summary",
              "captions", "raw", "translations", "slug", "draft"}
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 120  # articles/<slug>.html must fit a file name (255 bytes) with room to spare
MAX_LANG = 35   # the longest language tags in use are far shorter; this one names a file too


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


def body_text(article: Article) -> str:
    """The body, without keeping it on the article when it is read from its file: a build that
    renders each article once (in a worker) need not hold every body at once."""
    value = article.__dict__["_body"]
    return value if isinstance(value, str) else value()


def file_digest(rel: str, data: bytes) -> str:
    """What an article file is: its path under articles/ and its bytes."""
    return hashlib.blake2b(rel.encode() + b"\0" + data, digest_size=16).hexdigest()


class FileBody:
    """The body of an article file, read when first asked for; the file must still be what the
    cache knew (same digest), or the build stops rather than mix two versions."""

    def __init__(self, path: Path, rel: str, digest: str):
        self.path, self.rel, self.digest = path, rel, digest

    def __call__(self) -> str:
        return body_of_file(self.raw())

    def raw(self) -> bytes:
        """The file's bytes, as the build parsed them."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise ContentError(Problem(self.path, None, f"cannot read: {exc.strerror}")) from None
        if file_digest(self.rel, data) != self.digest:
            raise ContentError(Problem(self.path, None, "changed during the build; build again"))
        return data


def body_of_file(data: bytes) -> str:
    """The body of an article file's bytes (valid UTF-8: the file was parsed)."""
    return body_of(data.decode("utf-8").lstrip("\ufeff"))


def body_source(article: Article) -> tuple[bytes, bool]:
    """What the build cache keeps of an article's body: its file's bytes (True) when the body is
    read from there (neither decoded nor cut out: the cache only copies them), else the body
    itself as UTF-8 (False). Raises ContentError if the file changed since it was parsed."""
    value = article.__dict__["_body"]
    if isinstance(value, FileBody):
        return value.raw(), True
    return body_text(article).encode("utf-8"), False


def parse_article(path: Path, text: str, slug: str | None = None, digest: str = "") -> Article:
    """Text of one article file → Article, or ContentError naming every problem with its line."""
    meta, lines, body = split_front_matter(path, text)
    meta = {str(k): v for k, v in meta.items()}
    problems = _check(path, meta, lines)
    chosen_slug = slug or path.stem
    if isinstance(meta.get("slug"), str):
        chosen_slug = meta["slug"]
    if not SLUG_RE.match(chosen_slug):
        from site_builder.text.slug import slugify

        chosen_slug = slugify(chosen_slug, max_len=MAX_SLUG)
    chosen_slug = chosen_slug[:MAX_SLUG].rstrip("-")  # a long file name still names a file that fits
    if problems:
        raise ContentError(problems)

    def text_or_none(key):
        v = meta.get(key)
        return str(v).strip() if v not in (None, "") else None

    def str_tuple(key):
        return tuple(str(v).strip() for v in (meta.get(key) or []) if str(v).strip())

    date = parse_date(meta["date"]) if meta.get("date") not in (None, "") else None
    return Article(
        slug=chosen_slug, title=str(meta["title"]).strip(), body=body, source_path=path, date=date,
        lang=meta.get("lang") or "en", source=text_or_none("source"), source_url=text_or_none("source_url"),
        author=text_or_none("author"), tags=tuple(dict.fromkeys(str_tuple("tags"))),
        summary=text_or_none("summary"), captions=str_tuple("captions"),
        translations=str_tuple("translations"), raw=text_or_none("raw"), digest=digest,
        extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
        draft=meta.get("draft") is True, date_line=lines.get("date", 0) if date else 0,
        links=markdown_links(body, text[: len(text) - len(body)].count("\n") + 1),
    )


def _check(path: Path, meta: dict, lines: dict[str, int]) -> list[Problem]:
    """Every problem of the front-matter's known keys, each at its key's line."""
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 2), message))

    title = meta.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        bad("title", "'title' is required")
    elif not isinstance(title, (str, int, float)):
        bad("title", "'title' must be text")
    if meta.get("date") not in (None, "") and parse_date(meta["date"]) is None:
        bad("date", f"'date' must be a real date YYYY-MM-DD, got {meta['date']!r}")
    lang = meta.get("lang") or "en"
    if not isinstance(lang, str) or not LANG_RE.match(lang) or len(lang) > MAX_LANG:
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
    s = meta.get("slug")
    if s is not None and (not isinstance(s, str) or not SLUG_RE.match(s)):
        bad("slug", f"'slug' must be lower-case ASCII words joined by '-', got {s!r}")
    elif isinstance(s, str) and len(s) > MAX_SLUG:
        bad("slug", f"'slug' is {len(s)} characters long; at most {MAX_SLUG}")
    return problems


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?", str(value).strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


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
    d = {name: getattr(a, name) for name in _TO_JSON}
    d["date"] = a.date.isoformat() if a.date else None
    for key in ("tags", "captions", "translations"):
        d[key] = list(d[key])
    return d


def article_from_json(data: dict, path: Path, digest: str, body: str | FileBody) -> Article:
    """The Article that article_to_json gave `data` for; its body given or read when used.
    The fields are set as Article.__init__ would, without it: a frozen dataclass sets each
    field through a call, and an edit of a large archive makes one of these per article."""
    if data.keys() != _JSON_FIELDS:
        raise ValueError(f"not an article's cached form: {sorted(data.keys() ^ _JSON_FIELDS)}")
    article = object.__new__(Article)
    values = article.__dict__
    values.update(data)
    values["_body"], values["source_path"], values["digest"] = body, path, digest
    values["date"] = dt.date.fromisoformat(data["date"]) if data["date"] else None
    for key in ("tags", "captions", "translations"):
        values[key] = tuple(values[key])
    values["links"] = tuple(tuple(link) for link in values["links"]) if values["links"] else ()
    return article


_TO_JSON = tuple(f.name for f in fields(Article) if f.name not in ("source_path", "digest", "body"))  # in order
_JSON_FIELDS = set(_TO_JSON)
