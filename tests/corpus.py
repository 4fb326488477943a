#!/usr/bin/env python3
"""The project's own benchmark and test corpus: N Markdown articles made from the sample raw
texts in content/raw/ (real English and Vietnamese paragraphs, so diacritics and paragraph
lengths are realistic). The same N and seed give the same files.

    python tests/corpus.py N OUTDIR [--seed 1] [--flavor yaml|pelican]
"""
from __future__ import annotations

import argparse
import datetime
import random
import re
from pathlib import Path

RAW = Path(__file__).resolve().parent.parent / "content" / "raw"
TAGS = ("cybercrime", "diplomacy", "un", "security", "economy", "vietnam", "uk", "asean",
        "digital", "law", "finance", "technology", "policy", "cooperation", "hanoi")
SOURCES = ("VNA", "VNS", "Baoquocte", "VTV", "Vietnam.vn", "VietnamPlus", "Nhân Dân")
_VI_MARKS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
FIRST_DAY = datetime.date(2020, 1, 1)


def paragraphs(raw_dir: Path = RAW) -> tuple[list[str], list[str]]:
    """Long lines of the raw samples, split into Vietnamese and English ones."""
    vi: list[str] = []
    en: list[str] = []
    for path in sorted(raw_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 120:
                (vi if _VI_MARKS.search(line) and " và " in line else en).append(line)
    return vi, en


def article_text(i: int, rnd: random.Random, vi: list[str], en: list[str], flavor: str) -> str:
    lang = "vi" if rnd.random() < 0.4 else "en"
    pool = vi if lang == "vi" else en
    body = rnd.sample(pool, k=min(len(pool), rnd.randint(4, 9)))
    words = re.findall(r"\w+", body[0])
    title = " ".join(words[rnd.randint(0, 5):][:rnd.randint(6, 12)]).capitalize() + f" ({i})"
    day = FIRST_DAY + datetime.timedelta(days=rnd.randint(0, 2500))
    tags = rnd.sample(TAGS, k=rnd.randint(1, 4))
    source = rnd.choice(SOURCES)
    code = ("\n\n```python\ndef briefing(n):\n    return [x * 2 for x in range(n)]\n```\n"
            if rnd.random() < 0.05 else "")
    text = "\n\n".join(body) + code + "\n"
    summary = body[0][:160].replace('"', "'")
    if flavor == "pelican":
        return (f"Title: {title}\nDate: {day.isoformat()}\nLang: {lang}\nTags: {', '.join(tags)}\n"
                f"Category: {source}\nSlug: article-{i}\nSummary: {summary}\n\n{text}")
    return (f'---\ntitle: "{title}"\ndate: {day.isoformat()}\nlang: {lang}\n'
            f'tags: [{", ".join(tags)}]\nsource: "{source}"\nsummary: "{summary}"\n---\n\n{text}')


def generate(n: int, out: Path, seed: int = 1, flavor: str = "yaml") -> list[Path]:
    """Write article-000000.md … into out; returns their paths."""
    rnd = random.Random(seed)
    vi, en = paragraphs()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        path = out / f"article-{i:06d}.md"
        path.write_text(article_text(i, rnd, vi, en, flavor), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--flavor", default="yaml", choices=["yaml", "pelican"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed, args.flavor)


if __name__ == "__main__":
    main()
