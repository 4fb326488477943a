"""Writing one output file into a tree, and the digest outputs are known by. A leaf: the build's
writer and the search stage (which writes its index files into the staging tree) both use it."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_file(root: Path | str, path: str, data: bytes, made: set[str] | None = None) -> None:
    """Write root/path as a new file, creating its folder unless `made` (folders known to exist)
    has it: one makedirs per file would cost more than the writes.

    Never into an existing file: the staging tree (the spare) shares files with the live output
    by hard links, so writing into one would change the live site before the swap. A file in
    the way is unlinked first (O_EXCL makes the common case, no file there, one call)."""
    full = os.path.join(root, path)
    folder = os.path.dirname(full)
    if made is None or folder not in made:
        make_folder(root, folder)
        if made is not None:
            made.add(folder)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:  # os.open/os.write: fewer system calls per file than open()
        fd = os.open(full, flags, 0o666)
    except FileExistsError:
        unlink_any(full)
        fd = os.open(full, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def make_folder(root: Path | str, folder: str) -> None:
    """os.makedirs, removing files (old outputs) in the way inside root."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file where a folder must go (an old output)
        part = os.path.abspath(root)
        for name in os.path.relpath(folder, root).split(os.sep):
            part = os.path.join(part, name)
            if os.path.lexists(part) and not os.path.isdir(part) or os.path.islink(part):
                os.unlink(part)
        os.makedirs(folder, exist_ok=True)


def unlink_any(full: str) -> None:
    """Remove a file (gone already: fine), or a folder standing where a file must go."""
    try:
        os.unlink(full)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except (IsADirectoryError, PermissionError):  # a folder where a file must go (an old output)
        if not os.path.isdir(full) or os.path.islink(full):
            raise
        shutil.rmtree(full)
