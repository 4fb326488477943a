"""`python build.py` on the embedded archive: the five seeds imported, cleaned and published."""
import re
import shutil
import subprocess
import sys

from conftest import REPO, broken_links, tree_bytes


def test_build_py_imports_the_seeds_and_builds_their_pages(tmp_path):
    site = tmp_path / "repo"
    (site / "content").mkdir(parents=True)
    shutil.copytree(REPO / "content" / "raw", site / "content" / "raw")
    shutil.copy(REPO / "build.py", site / "build.py")
    raw_before = tree_bytes(site / "content" / "raw")
    run = subprocess.run([sys.executable, str(site / "build.py")], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    articles = sorted((site / "content" / "articles").glob("*.md"))
    assert len(articles) == len(list((site / "content" / "raw").glob("*.txt"))) == 5
    out = site / "output"
    for md in articles:
        title = re.search(r"^title: (.+)$", md.read_text(encoding="utf-8"), re.M).group(1).strip("'\"")
        page = (out / "articles" / f"{md.stem}.html").read_text(encoding="utf-8")
        assert title.replace("'", "&#39;").replace('"', "&#34;")[:40] in page
    assert broken_links(out) == []
    # the English and Vietnamese versions of one interview link to each other
    linked = [p for p in (out / "articles").glob("*.html") if 'class="translations"' in p.read_text(encoding="utf-8")]
    assert len(linked) == 2
    # running again changes nothing and never touches the raw files
    again = subprocess.run([sys.executable, str(site / "build.py")], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 0 and "0 wrote" in again.stdout
    assert tree_bytes(site / "content" / "raw") == raw_before
