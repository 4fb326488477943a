"""Raw text files → ``content/articles/<slug>.md`` with YAML front-matter.

Guarantees (see SPEC "Content"):
- raw files are only ever read;
- the same raw file keeps its slug across runs (``content/.import-state.json``);
- an article whose text differs from what the importer last wrote was edited by hand and is
  not overwritten unless ``force``; an unchanged import rewrites nothing;
- one unreadable raw file is reported by name and does not stop the others;
- ``dry_run`` computes the same report and writes nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import publishers
from .clean import CleanResult, clean, explain
from site_builder.text.slug import slugify, unique_slug
from .translations import ArticleText, find_translations

STATE_FILE = ".import-state.json"
# what slugify makes; anything else in the state file was not written by us and is not followed
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 100
_HEADER_KEY = re.compile(r"^(raw|slug):[ \t]{0,8}(.{1,1000})$", re.M)
FIELD_ORDER = ("title", "date", "lang", "source", "source_url", "author", "summary", "tags",
               "captions", "raw", "translations")


@dataclass(frozen=True)
class ImportReport:
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped_edited: tuple[str, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Item:
    raw_key: str  # raw path relative to the site dir, posix
    raw_sha: str
    result: CleanResult
    requested: bool


@dataclass
class _Plan:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    writes: dict[Path, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Existing:
    """Articles already in content/articles: which raw file each came from (its `raw:` key), and
    every slug taken (file names and `slug:` keys, hand-written articles included)."""

    by_raw: dict[str, str]
    taken: frozenset[str]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def collect_raw(site_dir: Path, paths: list[Path] | None) -> list[Path]:
    """The .txt files named, or found in the folders named (default content/raw), sorted."""
    roots = [Path(p) for p in paths] if paths else [site_dir / "content" / "raw"]
    found: set[Path] = set()
    for root in roots:
        if not paths and not root.exists():
            continue  # no content/raw/ yet: nothing to import, not an unreadable file
        if root.is_dir():
            found.update(p for p in root.rglob("*.txt") if p.is_file())
        else:
            found.add(root)
    return sorted(found, key=lambda p: str(p))


def read_raw(path: Path) -> str:
    """Raw text, or ValueError saying why it cannot be an article (binary, not UTF-8, empty)."""
    with open(path, "rb") as fh:  # read-only: raw files are never modified
        data = fh.read()
    if b"\x00" in data:
        raise ValueError("binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise ValueError("empty file")
    return text


def raw_key(site_dir: Path, path: Path) -> str:
    """Where the raw file is, relative to the site dir, with '/' separators."""
    return Path(os.path.relpath(path.resolve(), site_dir.resolve())).as_posix()


def render_article(result: CleanResult, raw: str, translations: list[str], fallback_title: str
                   ) -> str:
    """Front-matter + body, deterministic (fixed key order, no sorting, unicode kept)."""
    meta = dict(result.meta)
    meta.setdefault("title", fallback_title)
    meta["raw"] = raw
    if translations:
        meta["translations"] = list(translations)
    ordered = {k: meta[k] for k in FIELD_ORDER if k in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    front = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{front}---\n\n{result.body}\n"


def load_state(articles_dir: Path, warnings: list[str] | None = None) -> dict:
    """The import state; an entry whose slug is not a plain slug (e.g. '../../x', '/abs/x', 300
    characters) is ignored with a warning, never followed."""
    path = articles_dir.parent / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    good = {}
    for key, entry in data.items():
        slug = entry.get("slug") if isinstance(entry, dict) else None
        if isinstance(slug, str) and len(slug) <= MAX_SLUG and SLUG.fullmatch(slug):
            good[key] = entry
        elif warnings is not None:
            warnings.append(f"{path}: entry for {key!r} has slug {str(slug)[:60]!r}, not a plain "
                            "slug inside content/articles; ignored")
    return good


def existing_articles(articles_dir: Path) -> _Existing:
    """Read the `raw:` and `slug:` keys of every article's front-matter (line by line, no YAML:
    a hand-edited header can hold anything). An unreadable file still takes its name."""
    by_raw: dict[str, str] = {}
    taken: set[str] = set()
    for path in sorted(articles_dir.glob("*.md")) if articles_dir.is_dir() else []:
        taken.add(path.stem)
        try:
            with open(path, "rb") as fh:
                head = fh.read(16384).decode("utf-8", errors="replace")
        except OSError:
            continue
        end = head.find("\n---", 3)
        if not head.startswith("---") or end < 0:
            continue
        for key, value in _HEADER_KEY.findall(head[:end]):
            value = value.strip().strip("'\"")
            if key == "raw":
                by_raw.setdefault(value, path.stem)
            elif SLUG.fullmatch(value):
                taken.add(value)
    return _Existing(by_raw, frozenset(taken))


def import_raw(site_dir: Path, paths: list[Path] | None = None, *, force: bool = False,
               dry_run: bool = False) -> ImportReport:
    """Import raw files into the site's articles; see the module docstring for guarantees."""
    site_dir = Path(site_dir)
    articles_dir = site_dir / "content" / "articles"
    plan = _Plan()
    state = load_state(articles_dir, plan.warnings)
    known = publishers.for_site(site_dir)
    items = _read_items(site_dir, collect_raw(site_dir, paths), state, plan, known)
    slugs = _assign_slugs(items, state, existing_articles(articles_dir))
    links = find_translations([
        ArticleText(slugs[it.raw_key], it.result.meta.get("lang"),
                    f"{it.result.meta.get('title', '')}\n{it.result.body}",
                    it.result.meta.get("date"))
        for it in items
    ])
    new_state = dict(state)
    for it in items:
        slug = slugs[it.raw_key]
        text = render_article(it.result, it.raw_key, links.get(slug, []), Path(it.raw_key).stem)
        _plan_one(it, slug, text, state, new_state, articles_dir, force, plan)
    if not dry_run and (plan.writes or new_state != state):
        _commit(plan, articles_dir.parent / STATE_FILE, new_state)
    return ImportReport(tuple(plan.written), tuple(plan.unchanged), tuple(plan.skipped),
                        tuple(plan.errors), tuple(plan.warnings))


def _read_items(site_dir: Path, raws: list[Path], state: dict, plan: _Plan,
                known: publishers.Publishers) -> list[_Item]:
    """Clean the requested raw files, plus earlier imports (for translation links only)."""
    items: dict[str, _Item] = {}
    for path in raws:
        key = raw_key(site_dir, path)
        try:
            text = read_raw(path)
        except (OSError, ValueError) as exc:
            msg = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            plan.errors.append((str(path), msg))
            continue
        items[key] = _Item(key, sha256_text(text), clean(text, known), True)
    for key, entry in sorted(state.items()):
        if key in items or not isinstance(entry, dict):
            continue
        try:
            text = read_raw(site_dir / key)
        except (OSError, ValueError):
            continue
        if sha256_text(text) == entry.get("raw_sha256"):
            items[key] = _Item(key, entry["raw_sha256"], clean(text, known), False)
    return [items[k] for k in sorted(items)]


def _assign_slugs(items: list[_Item], state: dict, existing: _Existing) -> dict[str, str]:
    """Known raw files keep their slug (from the state, else from an article's `raw:` key, so a
    lost state or an interrupted import never makes a copy); new ones get one from the title,
    never clashing with another article (imported or hand-written)."""
    slugs = {it.raw_key: state[it.raw_key]["slug"] for it in items if it.raw_key in state}
    for it in items:
        if it.raw_key not in slugs and it.raw_key in existing.by_raw:
            slugs[it.raw_key] = existing.by_raw[it.raw_key]
    taken = set(slugs.values()) | {e["slug"] for e in state.values()} | set(existing.taken)
    for it in items:
        if it.raw_key not in slugs:
            base = slugify(str(it.result.meta.get("title") or Path(it.raw_key).stem))
            slugs[it.raw_key] = unique_slug(base, taken)
            taken.add(slugs[it.raw_key])
    return slugs


def _plan_one(it: _Item, slug: str, text: str, state: dict, new_state: dict,
              articles_dir: Path, force: bool, plan: _Plan) -> None:
    """Decide write / unchanged / skipped for one article."""
    target = articles_dir / f"{slug}.md"
    rel = f"content/articles/{slug}.md"
    entry = state.get(it.raw_key) if isinstance(state.get(it.raw_key), dict) else {}
    if target.exists() and not target.is_file():
        plan.errors.append((rel, "is a folder (or not a regular file) where the article should be"))
        return
    try:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
    except UnicodeDecodeError as exc:
        plan.errors.append((rel, f"not valid UTF-8 (byte {exc.start}); left as it is"))
        return
    except OSError as exc:
        plan.errors.append((rel, exc.strerror or str(exc)))
        return
    edited = current is not None and sha256_text(current) != entry.get("sha256")
    if current == text:
        if it.requested:
            plan.unchanged.append(rel)
        new_state[it.raw_key] = _entry(slug, text, it.raw_sha)
        return
    if edited and not force:
        if it.requested:
            plan.skipped.append(rel)
        return
    plan.writes[target] = text
    plan.written.append(rel)
    new_state[it.raw_key] = _entry(slug, text, it.raw_sha)


def _entry(slug: str, text: str, raw_sha: str) -> dict:
    return {"slug": slug, "sha256": sha256_text(text), "raw_sha256": raw_sha}


def _commit(plan: _Plan, state_path: Path, state: dict) -> None:
    """Write each file through a temp file + rename, so a crash never leaves half a file; a file
    that cannot be written is reported by name and the others go on."""
    for path, text in sorted(plan.writes.items()):
        try:
            _atomic_write(path, text)
        except OSError as exc:
            rel = f"content/articles/{path.name}"
            plan.errors.append((rel, exc.strerror or str(exc)))
            if rel in plan.written:
                plan.written.remove(rel)
            state = {k: v for k, v in state.items() if v.get("slug") != path.stem}
    _atomic_write(state_path, json.dumps(dict(sorted(state.items())), ensure_ascii=False,
                                         indent=2) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # after a failed rename nothing is left behind


def explain_paths(site_dir: Path, paths: list[Path] | None = None) -> str:
    """`import --explain`: every raw line of every file with verdict and rule."""
    out = []
    known = publishers.for_site(Path(site_dir))
    for path in collect_raw(Path(site_dir), paths):
        out.append(f"== {path}")
        try:
            out.append(explain(read_raw(path), known))
        except (OSError, ValueError) as exc:
            out.append(f"   error: {exc}")
    return "\n".join(out)
