"""One build at a time per site: a lock file in the site's cache folder holding the builder's pid.

The operating system releases the lock when its holder dies, so a lock left by a killed build is
taken over at once; a second build meanwhile is told who holds it.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from site_builder.errors import BuildError

LOCK_NAME = "build.lock"


class BuildBusy(BuildError):
    """Another build of this site is running."""


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold the build lock of the site whose cache folder is `folder`, or raise BuildBusy."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise BuildBusy(f"{path}: another build of this site is running (pid {holder}); "
                            f"wait for it to finish and build again")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
