"""Loading content/articles/: the article files, their stat keys, parsing over processes
(unchanged files taken from the build cache), and slugs used twice."""
from __future__ import annotations

import os
from pathlib import Path

from site_builder.content.files import article_files, stat_key
from site_builder.content.article import Article, FileBody, article_from_json, file_digest, parse_article
from site_builder.content.front_matter import body_of
from site_builder.errors import ContentError, Problem

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
            cached = _from_cache(known[digest], path, digest, FileBody(path, rel, digest))
            if cached is not None:
                articles.append(cached)
                continue
        if os.path.islink(full) and not path.resolve().is_relative_to(site_root):
            problems.append(Problem(path, None, "symbolic link points outside the site; refused"))
            continue
        if not known:  # nothing to recognise: the workers read the file as well as parse it
            to_parse.append((path, rel, None))
            continue
        with open(full, "rb") as fh:
            data = fh.read()
        digest = file_digest(rel, data)
        cached = None
        if digest in known:
            cached = _from_cache(known[digest], path, digest, body_of(data.decode("utf-8").lstrip("\ufeff")))
        if cached is not None:
            articles.append(cached)
        else:
            to_parse.append((path, rel, data))
    from site_builder.parallel import ordered_map  # here, not at the top: a no-op build never gets this far
    parsed = ordered_map(_parse_job, len(to_parse), {"files": to_parse}, jobs)
    for (path, rel, data), result in zip(to_parse, parsed):
        if isinstance(result, Article):
            result.__dict__["source_path"] = path  # the worker sent none: see _parse_job
            if data is None:  # read again where it is rendered: a cold build of 50,000 held 200 MB of bodies
                result.__dict__["_body"] = FileBody(path, rel, result.digest)
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


def _from_cache(data: dict, path: Path, digest: str, body) -> Article | None:
    """The cached article, or None when its cached form is damaged (then the file is parsed)."""
    try:
        return article_from_json(data, path, digest, body)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def parse_file(path: Path, rel: str, data: bytes | None = None, expect: str | None = None) -> Article:
    """One article file parsed (read first when `data` is None); raises ContentError. `expect`:
    the digest the file must still have (a version the cache listed)."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ContentError(Problem(path, None, f"cannot read: {exc.strerror}")) from None
    digest = file_digest(rel, data)
    if expect is not None and digest != expect:
        raise ContentError(Problem(path, None, "changed during the build; build again"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(Problem(path, data[: exc.start].count(b"\n") + 1, "not valid UTF-8 text")) from None
    return parse_article(path, text.lstrip("\ufeff"), digest=digest)


def _parse_job(payload: dict, i: int) -> Article | list[Problem]:
    """One file parsed, without its path (and, if the worker read the file, without its body):
    the caller has the path, and a path costs a worker more to send than the rest of an article
    (50,000 of them took the parent 1.7 s to unpickle)."""
    path, rel, data = payload["files"][i]
    try:
        article = parse_file(path, rel, data)
    except ContentError as err:
        return err.problems
    article.__dict__["source_path"] = None
    if data is None:
        article.__dict__["_body"] = None
    return article


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
