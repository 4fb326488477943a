"""Split postings (a head of the highest impacts in p/, the rest in t/) rank exactly as whole
ones: on a generated corpus with heads small enough that most queries are ranked from heads,
search-core.js in Node gives the same first page, counts and full order (docs/search.md,
"Heads and tails")."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.content.loader import load_articles
from site_builder.markdown import render_markdown
from site_builder.search import files as sfiles
from site_builder.search import index as si
from site_builder.search import layout

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

NODE = shutil.which("node")
QUERIES = ["toi pham mang", "toi pham", "mang", "hanoi", "ha noi", "viet nam", "ambassador convention",
           "convention", "cybercrime convention", "an ninh mang", "the", "and the", "united nations",
           "hợp tác", "tội phạm", "tôi", "vietnam", "economy", "digital transformation", "ky ket",
           "hanoi convention", "viet", "chính phủ", "phat trien kinh te", "security council", "ambasador",
           "cyber", "ministry of foreign affairs", "quoc te", "nam", "t", "th", "zzqx ambassador",
           # glossary concepts (split '_' terms, half weight), Vietnamese-first, the fill down to one word
           "ambassador", "đại sứ", "saigon", "tp hcm", "sài gòn", "campuchia", "cambodia thailand",
           "government investment", "chính phủ đầu tư", "thủ tướng", "secretary general",
           "ambassador embassy cambodia thailand president", "đại sứ quán campuchia thái lan hà nội",
           "zzqx saigon investment growth", "hanoi ambassadors embassies"]


def write(files: dict[str, bytes], root: Path) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_heads_rank_like_whole_postings(tmp_path, monkeypatch):
    corpus.generate(600, tmp_path / "articles")
    docs = [sfiles.SearchDoc(url=f"a/{a.slug}.html", title=a.title, text=render_markdown(a.body).text,
                             date=a.date.isoformat() if a.date else "", lang=a.lang, source=a.source or "",
                             tags=tuple(a.tags))
            for a in load_articles(tmp_path / "articles")]
    monkeypatch.setattr(layout, "HEAD_MIN_DF", 10**9)
    whole = write(si.build_index(docs), tmp_path / "whole")
    monkeypatch.setattr(layout, "HEAD_MIN_DF", 60)
    monkeypatch.setattr(layout, "HEAD_POSTINGS", 40)
    split_files = si.build_index(docs)
    assert any(n.startswith("t/") for n in split_files)
    split = write(split_files, tmp_path / "split")
    (tmp_path / "q.json").write_text(json.dumps(QUERIES), encoding="utf-8")
    out = subprocess.run([NODE, str(Path(__file__).parent / "js" / "compare_heads.js"), str(whole),
                          str(split), str(tmp_path / "q.json")], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    assert got["differ"] == []
    assert got["ranked_from_heads"] >= len(QUERIES) // 4, got   # the heads do rank pages, not only the tails
