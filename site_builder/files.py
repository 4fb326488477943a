"""Writing one output file into a tree, and the digest outputs are known by. A leaf: the build's
writer and the search stage (which writes its index files into the staging tree) both use it."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_file(root: Path | str, path: str, data: bytes, made: set[str] | None = None) -> None:
    """Write root/path, creating its folder unless `made` (folders known to exist) has it:
    one makedirs per file would cost more than the writes."""
    full = os.path.join(root, path)
    folder = os.path.dirname(full)
    if made is None or folder not in made:
        os.makedirs(folder, exist_ok=True)
        if made is not None:
            made.add(folder)
    # os.open/os.write: fewer system calls per file than open()
    fd = os.open(full, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
