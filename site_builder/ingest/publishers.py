"""Who published an article, by the name a reader uses.

Pages write a publisher many ways ('Báo Tuổi Trẻ', 'TUOI TRE ONLINE', 'tuoitre.vn'); the data file
``publishers.toml`` (shipped) lists outlets and agencies with their display name, domains and
spellings, and a site extends it with ``content/publishers.toml`` in the same format.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from site_builder.errors import ContentError, Problem
from site_builder.text.slug import fold

SITE_FILE = Path("content") / "publishers.toml"
_BUILTIN = Path(__file__).with_name("publishers.toml")
_KEY_TOKEN = re.compile(r"[a-z0-9+&]+")
# 'Báo X', 'Tạp chí X', 'The X', 'X Online': the same publisher as 'X'
_AFFIXES = re.compile(r"^(?:bao dien tu|bao|tap chi|dai|the|trang tin)\s+|\s+(?:online|news|\.vn)$")
DOMAIN = re.compile(
    r"(?<![\w@.-])(?:www\.)?((?:[a-z0-9][a-z0-9-]{0,40}\.){1,3}"
    r"(?:vn|com|net|org|info|gov|edu|io|co|tv|news|asia|biz|uk|us|fr|jp|kr|cn|ru|it|tr|my|sg|au))"
    r"(?![\w-])", re.I)
_MAX_NGRAM = 7


@dataclass(frozen=True)
class Publisher:
    name: str
    kind: str  # "agency" (a wire service) or "outlet"
    domains: tuple[str, ...]
    spellings: tuple[str, ...]


def key(text: str) -> str:
    """Comparison key: folded, lower-case, punctuation gone."""
    return " ".join(_KEY_TOKEN.findall(fold(text).lower()))


@dataclass(frozen=True)
class Publishers:
    by_key: Mapping[str, Publisher]
    by_domain: Mapping[str, Publisher]

    def named(self, text: str) -> Publisher | None:
        """The publisher this whole text names ('Báo Tuổi Trẻ', 'tuoitre.vn'), else None."""
        k = key(text)
        if not k:
            return None
        found = self.by_key.get(k) or self.by_key.get(_AFFIXES.sub("", k).strip())
        if found:
            return found
        m = DOMAIN.fullmatch(text.strip().rstrip("/"))
        return self.of_domain(m.group(1)) if m else None

    def of_domain(self, domain: str) -> Publisher | None:
        """'en.vietnamplus.vn' → VietnamPlus (a subdomain belongs to its parent)."""
        parts = domain.lower().removeprefix("www.").split(".")
        for i in range(len(parts) - 1):
            found = self.by_domain.get(".".join(parts[i:]))
            if found:
                return found
        return None

    def mentioned(self, text: str) -> Publisher | None:
        """The first publisher named inside a line (longest spelling at each word), else None."""
        toks = _KEY_TOKEN.findall(fold(text).lower())
        for i in range(len(toks)):
            for n in range(min(_MAX_NGRAM, len(toks) - i), 0, -1):
                found = self.by_key.get(" ".join(toks[i:i + n]))
                if found and (n > 1 or len(toks[i]) > 2 or text.count(toks[i].upper()) > 0):
                    return found
        for m in DOMAIN.finditer(text):
            found = self.of_domain(m.group(1))
            if found:
                return found
        return None

    def display(self, credit: str) -> str:
        """A credit as readers name it: known publishers by their display name ('Vietnam News
        Agency' → 'VNA'; 'VNA/VNS' stays a joint credit); anything else as written."""
        credit = credit.strip().strip(".").strip()
        found = self.named(credit)
        if found:
            return found.name
        parts = [p.strip() for p in credit.split("/")]
        if len(parts) > 1 and all(self.named(p) for p in parts):
            return "/".join(self.named(p).name for p in parts)  # type: ignore[union-attr]
        return credit

    def is_publisher(self, text: str) -> bool:
        return self.named(text) is not None or (
            "/" in text and all(self.named(p) for p in text.split("/")))


def parse(text: str, origin: str) -> list[Publisher]:
    """Publishers of one TOML data file; ContentError naming the file (and line) when malformed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ContentError(Problem(origin, int(line.group(1)) if line else None, str(exc))) from None
    out = []
    for n, entry in enumerate(data.get("publisher", []), 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        lists = [entry.get(k, []) for k in ("domains", "spellings")] if isinstance(entry, dict) else []
        if not isinstance(name, str) or not name.strip() or not all(
                isinstance(v, list) and all(isinstance(s, str) for s in v) for v in lists):
            raise ContentError(Problem(origin, None, f"publisher {n}: needs a name and lists of "
                                                     "strings for domains and spellings"))
        out.append(Publisher(name.strip(), str(entry.get("kind", "outlet")),
                             tuple(d.lower() for d in lists[0]), tuple(lists[1])))
    return out


def build(entries: list[Publisher]) -> Publishers:
    """Index entries by spelling and domain; a later entry (the site's) wins."""
    by_key: dict[str, Publisher] = {}
    by_domain: dict[str, Publisher] = {}
    for p in entries:
        for s in (p.name, *p.spellings):
            if key(s):
                by_key[key(s)] = p
        for d in p.domains:
            by_domain[d] = p
    return Publishers(MappingProxyType(by_key), MappingProxyType(by_domain))


@lru_cache(maxsize=1)
def builtin() -> Publishers:
    return build(parse(_BUILTIN.read_text(encoding="utf-8"), str(_BUILTIN)))


def for_site(site_dir: Path) -> Publishers:
    """The shipped list extended by the site's content/publishers.toml, when it has one."""
    path = Path(site_dir) / SITE_FILE
    if not path.is_file():
        return builtin()
    base = parse(_BUILTIN.read_text(encoding="utf-8"), str(_BUILTIN))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(Problem(path, None, f"cannot read: {exc}")) from None
    return build(base + parse(text, str(path)))
