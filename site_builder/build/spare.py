"""The previous output tree, kept beside the live one as the next build's staging folder.

After a swap the old live tree is not deleted: it becomes the spare, with a record of how it
differs from the live tree (paths the last commit wrote and removed). The next build brings it
up to date by re-linking those paths only, writes its own changes into it and swaps again, so a
commit costs what changed, not what the archive holds.

The spare and the live tree share files (hard links): nothing may write into an existing file
of the spare (files.write_file unlinks first). The record is deleted before the spare is
touched, so a build killed while updating it leaves a spare without a record, which the next
build discards. Files nobody wrote (dropped into the output by hand) are found by folder
mtimes: a folder whose mtime is not what it was when the tree was committed is swept.
"""
from __future__ import annotations

import errno
import json
import os
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from site_builder import files

RECORD = ".site-builder-spare.json"
VERSION = 1
# A folder whose recorded mtime is this close to when it was recorded may have changed again
# within the same clock tick, unseen: it is swept. File systems with whole-second mtimes get
# two seconds.
RACY_NS = 100_000_000
COARSE_RACY_NS = 2_000_000_000
FEW = 1000  # a spare this far behind live is always brought up to date, whatever the site's size


@dataclass
class SpareRecord:
    """How the spare differs from the live tree it pairs with (both named by device and inode)."""
    live: tuple[int, int]
    spare: tuple[int, int]
    changed: list[str]                  # written by the last commit: re-link from live
    removed: list[str]                  # in the spare, gone from live
    spare_dirs: dict[str, int] | None   # the spare's folders → mtime at its commit; None: sweep all
    spare_stamp: int                    # time.time_ns() when spare_dirs were measured
    live_dirs: dict[str, int]           # the live tree's folders → mtime at its commit
    live_stamp: int
    live_count: int                     # how many files the live tree has


def dir_id(path: Path | str) -> tuple[int, int] | None:
    """(device, inode) of a real folder (not a link to one), else None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def save(spare: Path, rec: SpareRecord) -> None:
    tmp = spare / (RECORD + ".tmp")
    data = json.dumps({"version": VERSION, **rec.__dict__}, separators=(",", ":")).encode()
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, spare / RECORD)


def _safe(path: object) -> bool:
    from site_builder.build.writer import is_safe_path
    return is_safe_path(path) and path != RECORD  # type: ignore[arg-type]


def _dirs_ok(dirs: object) -> bool:
    return isinstance(dirs, dict) and all((d == "" or _safe(d)) and type(m) is int for d, m in dirs.items())


def load(spare: Path, out_dir: Path) -> SpareRecord | None:
    """The spare's record if it is whole, names only safe paths and pairs this spare with this
    live folder; None on any doubt."""
    try:
        raw = json.loads((spare / RECORD).read_bytes())
        if not isinstance(raw, dict) or raw.pop("version", None) != VERSION:
            return None
        rec = SpareRecord(**raw)
        rec.live, rec.spare = tuple(rec.live), tuple(rec.spare)
    except (OSError, ValueError, TypeError):
        return None
    if not (isinstance(rec.changed, list) and isinstance(rec.removed, list)
            and all(_safe(p) for p in rec.changed) and all(_safe(p) for p in rec.removed)
            and (rec.spare_dirs is None or _dirs_ok(rec.spare_dirs)) and _dirs_ok(rec.live_dirs)
            and type(rec.spare_stamp) is int and type(rec.live_stamp) is int and type(rec.live_count) is int):
        return None
    if rec.live != dir_id(out_dir) or rec.spare != dir_id(spare):
        return None
    return rec


def usable(rec: SpareRecord | None) -> bool:
    """Worth bringing up to date: past half the live tree, linking afresh costs less than
    replacing most links (a full build's spare)."""
    return rec is not None and len(rec.changed) + len(rec.removed) <= max(rec.live_count // 2, FEW)


def suspects(spare: Path, rec: SpareRecord) -> set[str] | None:
    """Folders of the spare someone else may have changed since it was committed (mtime moved,
    or too close to its recording to tell); None when every folder must be swept."""
    if rec.spare_dirs is None:
        return None
    return {d for d, mtime in rec.spare_dirs.items()
            if os.path.lexists(os.path.join(spare, d)) and folder_moved(os.path.join(spare, d), mtime, rec.spare_stamp)}


def folder_moved(path: str, mtime: int, stamp: int) -> bool:
    """The folder's mtime is not the `mtime` measured at `stamp`, or was too close to the stamp
    to tell (or the folder is gone)."""
    window = COARSE_RACY_NS if mtime % 1_000_000_000 == 0 else RACY_NS
    if mtime >= stamp - window:
        return True
    try:
        return os.lstat(path).st_mtime_ns != mtime
    except OSError:
        return True


def sync(spare: Path, out_dir: Path, rec: SpareRecord) -> None:
    """Make the spare the live tree again: what the last commit wrote is linked from live, what
    it removed is unlinked. Raises OSError where a link cannot be made."""
    made: set[str] = set()
    for path in rec.changed:
        target = os.path.join(spare, path)
        files.unlink_any(target)
        folder = os.path.dirname(target)
        if folder not in made:
            files.make_folder(spare, folder)
            made.add(folder)
        try:
            os.link(os.path.join(out_dir, path), target, follow_symlinks=False)
        except FileNotFoundError:
            if os.path.lexists(os.path.join(out_dir, path)):
                raise
            # gone from live: the build will see it missing and write it
    remove(spare, rec.removed)


def link_all(root: Path, live: Path, paths: Iterable[str]) -> tuple[dict[str, int], int] | None:
    """A new spare: root made, and every path of the live tree linked into it. Returns its folders'
    mtimes, measured once they are too old to have changed unseen (RACY_NS after the last link);
    None where a link cannot be made (no hard links, a file gone)."""
    paths = sorted(paths)  # a folder's files one after another
    made: set[str] = set()
    try:
        os.mkdir(root, 0o700)
        for path in paths:
            target = os.path.join(root, path)
            folder = os.path.dirname(target)
            if folder not in made:
                files.make_folder(root, folder)
                made.add(folder)
            os.link(os.path.join(live, path), target, follow_symlinks=False)
    except OSError:
        return None
    time.sleep(RACY_NS / 1e9 + 0.002)
    return measure(root, ancestors(paths))


def remove(root: Path, paths: Iterable[str]) -> None:
    """Unlink files, then their folders left empty (never root itself)."""
    folders: set[str] = set()
    for path in paths:
        full = os.path.join(root, path)
        folders.add(os.path.dirname(path))  # a sweep may have unlinked it already
        try:
            if not stat.S_ISDIR(os.lstat(full).st_mode):
                os.unlink(full)
        except (FileNotFoundError, NotADirectoryError):
            continue
    prune(root, folders)


def prune(root: Path, folders: Iterable[str]) -> None:
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            try:
                os.rmdir(os.path.join(root, folder))
            except OSError as exc:
                if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.ENOTEMPTY, errno.EEXIST):
                    raise
                if exc.errno != errno.ENOENT:
                    break
            folder = os.path.dirname(folder)


def sweep(root: Path, folder: str, wanted: dict, known: set[str], present: set[str]) -> None:
    """Remove from root/folder every file not `wanted` and every folder not `known` (a folder
    not known is swept whole and removed if left empty); what stays is added to `present`."""
    base = os.path.join(root, folder)
    try:
        entries = list(os.scandir(base))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        path = f"{folder}/{entry.name}" if folder else entry.name
        if entry.is_dir(follow_symlinks=False):
            present.add(path)
            if path not in known:
                sweep(root, path, wanted, known, present)
                prune(root, [path])
        elif path not in wanted:
            os.unlink(entry.path)
        else:
            present.add(path)


def restore(root: Path, live: Path, folder: str, kept: dict, present: set[str]) -> None:
    """Link from live the kept files of live/folder that root/folder lacks (someone deleted them
    from the spare), and of its subfolders that root lacks altogether."""
    try:
        entries = list(os.scandir(os.path.join(live, folder)))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        path = f"{folder}/{entry.name}" if folder else entry.name
        if path in present:
            continue
        if entry.is_dir(follow_symlinks=False):
            restore(root, live, path, kept, present)
        elif path in kept:
            files.make_folder(root, os.path.join(root, folder))
            os.link(entry.path, os.path.join(root, path), follow_symlinks=False)


def all_dirs(root: Path) -> set[str]:
    """Every folder under root ('' for root), by a walk."""
    found, stack = {""}, [""]
    while stack:
        folder = stack.pop()
        for entry in os.scandir(os.path.join(root, folder)):
            if entry.is_dir(follow_symlinks=False):
                path = f"{folder}/{entry.name}" if folder else entry.name
                found.add(path)
                stack.append(path)
    return found


def ancestors(paths: Iterable[str]) -> set[str]:
    """Every folder holding one of the (posix, relative) paths, and theirs, and "" for the root:
    the paths' folders by one string split each (100,000 paths, ~150 folders), then their own."""
    found = {""}
    for folder in {path.rpartition("/")[0] for path in paths}:
        while folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return found


def measure(root: Path, dirs: Iterable[str]) -> tuple[dict[str, int], int]:
    """The folders that exist → their mtime, and the time they were measured."""
    found = {}
    for d in dirs:
        try:
            st = os.lstat(os.path.join(root, d))
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            found[d] = st.st_mtime_ns
    return dict(sorted(found.items())), time.time_ns()
