"""The article files under content/articles/ and what says each is as it was (its stat key):
all a build with nothing to do looks at, so nothing here imports the parser."""
from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISLNK


def name_under(path, prefix: str) -> str | None:
    """An article file's name below the articles folder, posix (`prefix`: that folder joined
    with "", as the loader joins them): a string cut, not a path resolved; None outside it."""
    text = str(path)
    return text[len(prefix):].replace(os.sep, "/") if prefix and text.startswith(prefix) else None


def article_files(articles_dir: Path) -> list[str]:
    """Relative posix paths of every *.md below articles_dir, sorted (hidden folders skipped)."""
    found = []
    for folder, dirs, files in os.walk(articles_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = os.path.relpath(folder, articles_dir).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        found += [prefix + f for f in files if f.endswith(".md") and not f.startswith(".")]
    return sorted(found)


def stat_key(path: str) -> tuple:
    """What says a file is as it was: size, mtime, ctime, inode (of the target) and whether it is
    a symbolic link. One lstat, and a stat only for a link: a call per file, not two."""
    st = os.lstat(path)
    if S_ISLNK(st.st_mode):
        st = os.stat(path)
        return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, True
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, False
