"""Collect every output file first, then commit them all or nothing.

A full build writes a staging directory beside the output and swaps it in, so a failed or
interrupted build never leaves half a site; leftovers of a crash are cleaned on the next run.
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
import tempfile
from pathlib import Path

from site_builder.errors import BuildError

STAGING_PREFIX = ".out-staging-"
OLD_PREFIX = ".out-old-"


class OutputSet:
    """Output path → bytes. A second write to one path is an error naming both sources."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.kept: dict[str, tuple[str, int]] = {}  # path → (digest, size) of a file already current
        self.sources: dict[str, str] = {}

    def keep(self, path: str, digest: str, source: str, size: int = -1) -> None:
        """Claim a path whose file in the output is already what this build would write."""
        self._claim(path, source)
        self.kept[path] = (digest, size)

    def add(self, path: str, data: bytes, source: str) -> None:
        self._claim(path, source)
        self.files[path] = data

    def digests(self) -> dict[str, str]:
        found = {p: digest(d) for p, d in self.files.items()}
        found.update({p: d for p, (d, _) in self.kept.items()})
        return dict(sorted(found.items()))

    def size(self, path: str) -> int:
        return len(self.files[path]) if path in self.files else self.kept[path][1]

    def _claim(self, path: str, source: str) -> None:
        norm = posixpath.normpath(path)
        if norm != path or path.startswith(("/", "../")) or path == ".." or "\\" in path or ":" in path:
            raise BuildError(f"{source}: refusing to write outside the output directory: {path!r}")
        if path in self.sources:
            raise BuildError(f"two pages want {path}: {self.sources[path]} and {source}")
        self.sources[path] = source


def clean_leftovers(out_dir: Path) -> None:
    parent = out_dir.parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.name.startswith((STAGING_PREFIX + out_dir.name, OLD_PREFIX + out_dir.name)):
            shutil.rmtree(entry, ignore_errors=True)


def new_staging(out_dir: Path) -> Path:
    """A fresh staging folder beside out_dir (same file system, so the swap is a rename)."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out_dir)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{out_dir.name}-", dir=out_dir.parent))


def write_file(root: Path | str, path: str, data: bytes, made: set[str] | None = None) -> None:
    """Write root/path, creating its folder unless `made` (folders known to exist) has it:
    27,000 files through pathlib and one makedirs each cost seconds."""
    full = os.path.join(root, path)
    folder = os.path.dirname(full)
    if made is None or folder not in made:
        os.makedirs(folder, exist_ok=True)
        if made is not None:
            made.add(folder)
    # os.open/os.write: three system calls per file where open() makes seven (fstat, ioctl, lseek…)
    fd = os.open(full, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def commit(files: OutputSet, out_dir: Path, staging: Path | None = None) -> int:
    """Write the remaining files into the staging dir (kept ones are there already: page workers
    wrote them), then swap it in place of out_dir. Returns bytes written by this call."""
    out_dir = out_dir.resolve()
    if staging is None:
        if files.kept:
            raise BuildError("internal: a full commit without a staging dir needs every file's bytes")
        staging = new_staging(out_dir)
    total = 0
    made: set[str] = set()
    try:
        for path in sorted(files.files):
            write_file(staging, path, files.files[path], made)
            total += len(files.files[path])
        os.chmod(staging, 0o755)
        if out_dir.exists():
            old = out_dir.parent / f"{OLD_PREFIX}{out_dir.name}-{os.getpid()}"
            os.replace(out_dir, old)
            os.replace(staging, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return total


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def commit_changes(files: OutputSet, out_dir: Path, previous: dict[str, str]) -> tuple[list[str], int]:
    """Write only files whose bytes changed since `previous` (path → digest), each by temp file +
    os.replace so a reader never sees half a file; remove files the site no longer has.
    Returns (changed paths, bytes written)."""
    out_dir = out_dir.resolve()
    changed: list[str] = []
    total = 0
    for path in sorted(files.files):
        data = files.files[path]
        target = out_dir / path
        if previous.get(path) == digest(data) and target.is_file() and target.stat().st_size == len(data):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        changed.append(path)
        total += len(data)
    for path in sorted(set(previous) - set(files.files) - set(files.kept)):
        (out_dir / path).unlink(missing_ok=True)
        changed.append(path)
    return changed, total
