"""Fingerprints: what an output depends on, as one digest.

The build is a function of (code, config, content, theme). Code is every file of the installed
package plus the versions of the libraries and of Python whose behaviour reaches the output, so
an upgrade or a changed function can never leave a page that a cold build would write otherwise.
"""
from __future__ import annotations

import hashlib
import sys
import unicodedata
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from site_builder.content.article import Article
from site_builder.site.graph import PLAIN_RECORDS, Term

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Libraries whose behaviour reaches an output file (parsing, rendering, highlighting).
OUTPUT_LIBRARIES = ("site-builder", "jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "mdurl",
                    "python-frontmatter", "pyyaml", "pygments")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Every source file of the package (not the shipped themes: the theme chain has its own
    part), the versions of OUTPUT_LIBRARIES, Python's version and its Unicode tables."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".js", ".json", ".toml", ".tsv", ".txt") and "__pycache__" not in path.parts \
                and "_themes" not in path.relative_to(PACKAGE_DIR).parts:
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in OUTPUT_LIBRARIES:
        h.update(f"{name}={_version(name)}\0".encode())
    h.update(f"python={sys.version_info[:2]} unicode={unicodedata.unidata_version}".encode())
    return h.hexdigest()


def hash_files(paths: list[Path], extra: str = "") -> str:
    h = hashlib.blake2b(extra.encode(), digest_size=16)
    for p in sorted(paths):
        h.update(str(p).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def fingerprint(parts, memo: dict | None = None) -> str:
    """A digest of everything a page's rendering reads: articles by their digest, taxonomy terms
    by their name and articles, plain values by repr. Same inputs → same fingerprint."""
    out: list[str] = []
    _flatten(parts, out, {} if memo is None else memo)
    return hashlib.blake2b("\x1f".join(out).encode(), digest_size=16).hexdigest()


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # dataclass → its field names, sorted


def _flatten(obj, out: list[str], memo: dict) -> None:
    kind = type(obj)
    if kind is Article:
        out.append(obj.digest)
    elif kind is str:
        out.append(obj)
    elif kind is tuple and len(obj) > 8:  # long tuples (a pager's paths) are shared by many pages
        key = id(obj)
        if key not in memo:
            memo[key] = fingerprint(list(obj), memo)
        out.append(memo[key])
    elif kind is tuple or kind is list:
        out.append("(")
        for item in obj:
            leaf = type(item)
            if leaf is Article:  # the common leaves, without a call (an archive's 50,000 digests)
                out.append(item.digest)
            elif leaf is str:
                out.append(item)
            else:
                _flatten(item, out, memo)
        out.append(")")
    elif kind is Term:  # memoised: a term's article list is long
        key = id(obj)
        if key not in memo:
            memo[key] = fingerprint((obj.kind, obj.name, obj.slug, [a.digest for a in obj.articles]))
        out.append(memo[key])
    elif kind in PLAIN_RECORDS:  # the same few tags and links on thousands of pages: flattened once each
        parts = memo.get(obj)
        if parts is None:
            flat: list[str] = []
            _flatten_fields(obj, kind, flat, memo)
            parts = memo[obj] = "\x1f".join(flat)  # as if each part were appended: out is joined so
        out.append(parts)
    elif kind is dict or hasattr(obj, "__dataclass_fields__"):
        _flatten_fields(obj, kind, out, memo)
    else:
        out.append(repr(obj))


def _flatten_fields(obj, kind: type, out: list[str], memo: dict) -> None:
    """A dict, or a dataclass as its name and the dict of its fields."""
    if kind is dict:
        names, get = sorted(obj), obj.__getitem__
    else:
        out.append(kind.__name__)
        names, get = _FIELD_NAMES.get(kind), obj.__getattribute__
        if names is None:
            names = _FIELD_NAMES[kind] = tuple(sorted(obj.__dataclass_fields__))
    for k in names:
        out.append(k)
        v = get(k)
        if type(v) is Article:
            out.append(v.digest)
        elif type(v) is str:
            out.append(v)
        else:
            _flatten(v, out, memo)
