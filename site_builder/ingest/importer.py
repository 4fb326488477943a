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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .clean import CleanResult, clean, explain
from site_builder.text.slug import slugify, unique_slug
from .translations import ArticleText, find_translations

STATE_FILE = ".import-state.json"
FIELD_ORDER = ("title", "date", "lang", "source", "source_url", "author", "summary", "tags",
               "captions", "raw", "translations")


@dataclass(frozen=True)
class ImportReport:
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped_edited: tuple[str, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()

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
    writes: dict[Path, str] = field(default_factory=dict)


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


def load_state(articles_dir: Path) -> dict:
    path = articles_dir.parent / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def import_raw(site_dir: Path, paths: list[Path] | None = None, *, force: bool = False,
               dry_run: bool = False) -> ImportReport:
    """Import raw files into the site's articles; see the module docstring for guarantees."""
    site_dir = Path(site_dir)
    articles_dir = site_dir / "content" / "articles"
    state = load_state(articles_dir)
    plan = _Plan()
    items = _read_items(site_dir, collect_raw(site_dir, paths), state, plan)
    slugs = _assign_slugs(items, state, articles_dir)
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
        _commit(plan.writes, articles_dir.parent / STATE_FILE, new_state)
    return ImportReport(tuple(plan.written), tuple(plan.unchanged), tuple(plan.skipped),
                        tuple(plan.errors))


def _read_items(site_dir: Path, raws: list[Path], state: dict, plan: _Plan) -> list[_Item]:
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
        items[key] = _Item(key, sha256_text(text), clean(text), True)
    for key, entry in sorted(state.items()):
        if key in items or not isinstance(entry, dict):
            continue
        try:
            text = read_raw(site_dir / key)
        except (OSError, ValueError):
            continue
        if sha256_text(text) == entry.get("raw_sha256"):
            items[key] = _Item(key, entry["raw_sha256"], clean(text), False)
    return [items[k] for k in sorted(items)]


def _assign_slugs(items: list[_Item], state: dict, articles_dir: Path) -> dict[str, str]:
    """Known raw files keep their slug; new ones get one from the title, never clashing with
    another article (imported or hand-written)."""
    slugs = {it.raw_key: state[it.raw_key]["slug"] for it in items
             if isinstance(state.get(it.raw_key), dict) and state[it.raw_key].get("slug")}
    taken = set(slugs.values()) | {e.get("slug") for e in state.values() if isinstance(e, dict)}
    if articles_dir.is_dir():
        taken |= {p.stem for p in articles_dir.glob("*.md")}
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
    current = target.read_text(encoding="utf-8") if target.is_file() else None
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


def _commit(writes: dict[Path, str], state_path: Path, state: dict) -> None:
    """Write each file through a temp file + rename, so a crash never leaves half a file."""
    for path, text in sorted(writes.items()):
        _atomic_write(path, text)
    _atomic_write(state_path, json.dumps(dict(sorted(state.items())), ensure_ascii=False,
                                         indent=2) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)


def explain_paths(site_dir: Path, paths: list[Path] | None = None) -> str:
    """`import --explain`: every raw line of every file with verdict and rule."""
    out = []
    for path in collect_raw(Path(site_dir), paths):
        out.append(f"== {path}")
        try:
            out.append(explain(read_raw(path)))
        except (OSError, ValueError) as exc:
            out.append(f"   error: {exc}")
    return "\n".join(out)
