"""Collect every output file first, then commit them all or nothing.

Every build, incremental ones too, makes a complete new tree in a staging folder beside the
output: pages it rendered are written there, files it keeps are hard links to the live ones
(a copy where the file system has no hard links). The finished tree then takes the output's
place in one step (an atomic exchange where the system has one; otherwise two renames that the
next build completes or undoes), so a reader, a crash or a kill never sees half a site.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import posixpath
import secrets
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.errors import BuildError
from site_builder import files
from site_builder.build import spare
from site_builder.files import digest

if TYPE_CHECKING:
    from site_builder.build.cache import OutputRecord
    from site_builder.build.state_store import OutDirs

STAGING_PREFIX = ".out-staging-"
OLD_PREFIX = ".out-old-"
SPARE_PREFIX = ".out-spare-"
TRASH_PREFIX = ".out-trash-"
_DIGEST_AND_SIZE = itemgetter(1, 2)  # of an OutputRecord (fp, digest, size)
_DIGEST = itemgetter(0)  # of a kept (digest, size)


def spare_path_of(out_dir: Path) -> Path:
    """Where the spare of out_dir (absolute) is kept: beside it."""
    return out_dir.parent / f"{SPARE_PREFIX}{out_dir.name}"


class OutputSet:
    """Output path → bytes. A second write to one path is an error naming both sources."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}               # to be written by commit
        self.kept: dict[str, tuple[str, int]] = {}      # (digest, size): unchanged in the live output
        self.staged: dict[str, tuple[str, int]] = {}    # (digest, size): written into staging already
        self.sources: dict[str, str] = {}
        self.as_recorded: set[str] = set()  # kept with the last build's record, fingerprint and all
        self.base: Mapping[str, OutputRecord] | None = None  # keep_rest: an edit's outputs over these
        self.dropped: set[str] = set()  # paths of `base` the new tree has not
        self.tree = NewTree(self)

    def keep(self, path: str, digest: str, source: str, size: int) -> None:
        """Claim a path whose file in the live output is already what this build would write."""
        self._claim(path, source)
        self.kept[path] = (digest, size)

    def keep_records(self, records: Mapping[str, OutputRecord], source: str, leave: Iterable[str] = ()) -> None:
        """keep() for the paths of the last build's records (whose names were checked when they
        were read) but those claimed already and those to `leave`: an edit keeps 100,000 of
        them, so this is set operations and C-level maps, not a loop. Their records stay as
        they are (as_recorded): the caller keeps only outputs made from what they were."""
        paths = records.keys() - self.sources.keys() - set(leave)
        kept = dict(zip(paths, map(_DIGEST_AND_SIZE, map(records.__getitem__, paths))))
        self.sources.update(dict.fromkeys(kept, source))
        self.kept.update(kept)
        self.as_recorded.update(kept)

    def keep_rest(self, base: Mapping[str, OutputRecord]) -> None:
        """Keep as recorded every path of `base` (the last build's records) that is not claimed,
        before or after, nor dropped: an edit's other 100,000 outputs, named by the records and
        never listed. digests() then gives the claimed paths' only."""
        self.base = base

    def drop(self, path: str) -> None:
        """A path of the base that the new tree has not (keep_rest)."""
        self.dropped.add(path)

    def all_kept(self) -> Iterable[str]:
        """Every path kept from the live output (the base's are read whole)."""
        yield from self.kept
        if self.base is not None:
            yield from (p for p in self.base if p not in self.sources and p not in self.dropped)

    def is_kept(self, path: str) -> bool:
        return path in self.kept or (path not in self.sources and self.in_base(path))

    def in_base(self, path: object) -> bool:
        """A path of the base (keep_rest) the new tree still has."""
        return self.base is not None and path not in self.dropped and path in self.base

    def stage(self, path: str, digest: str, source: str, size: int) -> None:
        """Claim a path a worker has written into the staging folder."""
        self._claim(path, source)
        self.staged[path] = (digest, size)

    def add(self, path: str, data: bytes, source: str) -> None:
        self._claim(path, source)
        self.files[path] = data

    def reuse(self, live: dict[str, OutputRecord], out_dir: Path) -> None:
        """Files to write whose bytes the live output already has (`live`: the last build's
        records) are kept instead: linked, not written again."""
        base = str(out_dir)
        for path in [p for p, data in self.files.items() if p in live]:
            data, rec = self.files[path], live[path]
            if rec.digest == digest(data) and _size(os.path.join(base, path)) == len(data) == rec.size:
                del self.files[path]
                self.kept[path] = (rec.digest, rec.size)

    def missing_from(self, out_dir: Path, known: dict[str, str], digests: dict[str, str]) -> set[str]:
        """Paths made again with the bytes the live output is known to have (`known`: path →
        digest), which the live output has not as made (deleted or cut short by hand): the
        records say more than the live tree holds. A file made anew (another digest) is
        written anyway."""
        base = str(out_dir)
        made = [(p, len(data)) for p, data in self.files.items()] + [(p, n) for p, (_, n) in self.staged.items()]
        return {p for p, n in made if known.get(p) == digests[p] and _size(os.path.join(base, p)) != n}

    def digests(self) -> dict[str, str]:
        found = {p: digest(d) for p, d in self.files.items()}
        found.update(zip(self.kept, map(_DIGEST, self.kept.values())))  # C-level: an edit keeps 100,000
        found.update({p: d for p, (d, _) in self.staged.items()})
        return found

    def size(self, path: str) -> int:
        if path in self.files:
            return len(self.files[path])
        known = self.kept.get(path) or self.staged.get(path)
        return known[1] if known is not None else self.base[path].size

    def _claim(self, path: str, source: str) -> None:
        if not is_safe_path(path):
            raise BuildError(f"{source}: refusing to write outside the output directory: {path!r}")
        if path in self.sources:
            raise BuildError(f"two pages want {path}: {self.sources[path]} and {source}")
        self.sources[path] = source


class KeptPaths:
    """`path in` the paths an OutputSet keeps from the live output."""

    def __init__(self, out: OutputSet):
        self.out = out

    def __contains__(self, path: object) -> bool:
        return self.out.is_kept(path)


class NewTree:
    """The paths of the tree an OutputSet makes, as a container: its claims, and with a base the
    base's other paths (without listing them)."""

    def __init__(self, out: OutputSet):
        self.out = out

    def __contains__(self, path: object) -> bool:
        return path in self.out.sources or self.out.in_base(path)

    def __len__(self) -> int:
        out = self.out
        if out.base is None:
            return len(out.sources)
        base = out.base
        claimed_in_base = sum(1 for p in out.sources if p in base)
        dropped_in_base = sum(1 for p in out.dropped if p not in out.sources and p in base)
        return len(out.sources) + len(base) - claimed_in_base - dropped_in_base

    def __iter__(self):
        yield from self.out.sources
        yield from (p for p in self.out.all_kept() if p not in self.out.sources)


def is_safe_path(path: str) -> bool:
    """A relative POSIX path that stays inside the folder it is relative to."""
    return (isinstance(path, str) and bool(path) and posixpath.normpath(path) == path
            and not path.startswith(("/", "../")) and path != ".." and "\\" not in path and ":" not in path
            and "\0" not in path)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return -1


def _leftovers(out_dir: Path, prefix: str) -> list[Path]:
    """Staging or old folders that a build into out_dir made (`<prefix><name>.<token>`)."""
    parent = out_dir.parent
    if not parent.is_dir():
        return []
    found = []
    for entry in parent.iterdir():
        rest = entry.name[len(prefix):] if entry.name.startswith(prefix) else None
        if rest is not None and rest.rpartition(".")[0] == out_dir.name and entry.is_dir():
            found.append(entry)
    return sorted(found, key=lambda p: p.stat().st_mtime_ns)


def recover(out_dir: Path) -> None:
    """Finish what a killed build left: if it died between the two renames of a swap, the
    previous site is put back; staging and old folders are removed (discarded spares in the
    background). The spare is left to StagedOutput, which trusts it only with its record."""
    out_dir = Path(os.path.abspath(out_dir))
    olds = _leftovers(out_dir, OLD_PREFIX)
    if olds and not os.path.lexists(out_dir):
        os.replace(olds.pop(), out_dir)
    for entry in olds + _leftovers(out_dir, STAGING_PREFIX):
        shutil.rmtree(entry, ignore_errors=True)
    _remove_later(_leftovers(out_dir, TRASH_PREFIX))


def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2, macOS renamex_np). False where the system
    or file system cannot; then nothing was changed."""
    libc = _libc()
    if libc is None:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(os.fsencode(a), os.fsencode(b), 2)  # RENAME_SWAP
    else:
        return False
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


class StagedOutput:
    """The next output tree, built in a folder beside the live one (same file system, so that
    the swap is a rename). Use it as a context manager: it is removed unless committed.

    The folder is the spare (the tree the last build replaced, see spare.py) brought up to date
    with the live one when its record vouches for it; else a new folder where every kept file
    is linked. After the swap the replaced tree is kept as the next build's spare."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(os.path.abspath(out_dir))
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(self.out_dir)
        self.spare_path = spare_path_of(self.out_dir)
        self.record: spare.SpareRecord | None = None
        self.suspects: set[str] | None = None
        self.copied = False  # no hard links here: keep no spare
        self.trusted = False  # `previous` named the live tree's paths as its record says
        self.removed: list[str] = []  # in the live tree, not in the new one
        self.committed = False
        self.vouched: OutDirs | None = None
        self.spare_ready = False  # the spare this build leaves is worth bringing up to date
        self.root = self._open_spare() or self._fresh()

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(self, *exc) -> None:
        if not self.committed:
            self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def release(self, outputs: OutputSet) -> None:
        """No commit after all (the build found its output unchanged): keep the spare, with the
        paths written into it to be re-linked from live and its folders to be swept."""
        if self.record is None:
            self.discard()
        else:
            rec = self.record
            self._keep(spare.SpareRecord(
                rec.live, rec.spare, sorted(outputs.staged), [], None, 0, rec.live_dirs, rec.live_stamp, rec.live_count))
        self.committed = True

    def _keep(self, rec: spare.SpareRecord) -> None:
        spare.save(self.spare_path, rec)
        self.spare_ready = spare.usable(rec)

    def _open_spare(self) -> Path | None:
        """The spare, made equal to the live tree, if its record pairs it with it; else None
        (and a spare in doubt is removed in the background)."""
        rec = spare.load(self.spare_path, self.out_dir) if os.path.lexists(self.spare_path) else None
        if not spare.usable(rec):
            return None  # after a full render linking afresh costs less than replacing most links
        self.suspects = spare.suspects(self.spare_path, rec)
        os.unlink(self.spare_path / spare.RECORD)  # in doubt from here on: a kill leaves no record
        try:
            spare.sync(self.spare_path, self.out_dir, rec)
        except OSError:  # no hard links, or something in the way: start afresh
            return None
        self.record = rec
        return self.spare_path

    def _fresh(self) -> Path:
        if os.path.lexists(self.spare_path):
            _remove_later([_trash(self.spare_path, self.out_dir)])
        os.mkdir(self.spare_path, 0o700)
        return self.spare_path

    def commit(self, outputs: OutputSet, previous: Mapping[str, str] | None = None,
               vouched: OutDirs | None = None) -> int:
        """Write the remaining files, link the kept ones (or, in the spare, remove what the new
        tree no longer has: `previous` names the live tree's paths), swap the tree in. Returns
        bytes written. `vouched`: a snapshot of the live tree's folders that showed it as
        recorded at the start of this build: the replaced tree's folders as the next build's
        spare record (its own measurement, taken as it was written, is too fresh to tell)."""
        self.vouched = vouched
        total = 0
        made: set[str] = set()
        for path in sorted(outputs.files):
            files.write_file(self.root, path, outputs.files[path], made)
            total += len(outputs.files[path])
        old = previous
        if old is None:
            self.removed = []
        elif outputs.base is not None:  # an edit's tree: what it dropped (`previous` is its base's)
            self.removed = sorted(p for p in outputs.dropped if p not in outputs.sources and p in old)
        else:
            self.removed = [p for p in old if p not in outputs.sources]
        if self.record is None:
            for path in sorted(outputs.all_kept()):
                self._link(path, made)
            dirs = spare.ancestors(outputs.tree)
        else:
            dirs = self._tidy(outputs, old)
        live_dirs, stamp = spare.measure(self.root, dirs)
        os.chmod(self.root, 0o755)
        self._swap(outputs, live_dirs, stamp)
        self.committed = True
        return total

    def _tidy(self, outputs: OutputSet, old: Mapping[str, str] | None) -> set[str]:
        """In the spare: unlink what the live tree had and the new one has not, and sweep the
        folders someone else touched. Returns the new tree's folders (some may be gone)."""
        rec, wanted = self.record, outputs.tree
        assert rec is not None
        # `previous` must name the live tree's files: as many, and those the last commit wrote
        self.trusted = (old is not None and len(old) == rec.live_count
                        and all(p in old for p in rec.changed) and not any(p in old for p in rec.removed))
        present: set[str] = set()
        if self.suspects is None or not self.trusted:
            spare.sweep(self.root, "", wanted, set(), present)  # the spare in doubt: look at every file
            made: set[str] = set()
            for path in [p for p in outputs.all_kept() if p not in present]:
                self._link(path, made)
            return spare.ancestors(wanted)
        known = set(rec.live_dirs)
        for folder in sorted(self.suspects):
            spare.sweep(self.root, folder, wanted, known, present)
            spare.restore(self.root, self.out_dir, folder, KeptPaths(outputs), present)
        spare.prune(self.root, self.suspects)
        spare.remove(self.root, self.removed)
        return known | spare.ancestors([*outputs.files, *outputs.staged])

    def _link(self, path: str, made: set[str]) -> None:
        source = os.path.join(self.out_dir, path)
        target = os.path.join(self.root, path)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        try:
            os.link(source, target, follow_symlinks=False)
        except FileNotFoundError:
            raise BuildError(f"{source} went away during the build; build again") from None
        except OSError:  # no hard links here (FAT, some network file systems)
            shutil.copyfile(source, target, follow_symlinks=False)
            self.copied = True

    def _swap(self, outputs: OutputSet, live_dirs: dict[str, int], stamp: int) -> None:
        if not os.path.lexists(self.out_dir):
            os.replace(self.root, self.out_dir)
            return
        if exchange(self.root, self.out_dir):
            replaced = self.root  # it holds the previous site now
        else:
            replaced = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{self.out_dir.name}.", dir=self.out_dir.parent))
            os.rmdir(replaced)
            os.replace(self.out_dir, replaced)  # a kill here: the next build's recover() puts it back
            os.replace(self.root, self.out_dir)
        if self.copied:
            shutil.rmtree(replaced, ignore_errors=True)
            return
        if replaced != self.spare_path:
            os.replace(replaced, self.spare_path)
        self._record(outputs, live_dirs, stamp)

    def _record(self, outputs: OutputSet, live_dirs: dict[str, int], stamp: int) -> None:
        """What the new spare (the replaced tree) lacks of the live one, for the next build."""
        live, kept = spare.dir_id(self.out_dir), spare.dir_id(self.spare_path)
        if live is None or kept is None:
            return
        rec, vouched = self.record, self.vouched
        spare_dirs, spare_stamp = (rec.live_dirs, rec.live_stamp) if rec is not None and self.trusted else (None, 0)
        if vouched is not None and vouched.root == kept and (rec is None or self.trusted):
            spare_dirs, spare_stamp = vouched.dirs, vouched.stamp
        self._keep(spare.SpareRecord(
            live=live, spare=kept, changed=sorted([*outputs.files, *outputs.staged]),
            removed=sorted(self.removed),
            spare_dirs=spare_dirs, spare_stamp=spare_stamp,
            live_dirs=live_dirs, live_stamp=stamp, live_count=len(outputs.tree)))


class SpareRenewal:
    """A new spare for a live tree that has none worth bringing up to date (after a full build,
    which wrote most files): every output linked afresh by a forked process while the build
    writes its cache, so that the next edit finds its staging tree ready instead of linking the
    whole archive itself. `finish` records it with the live tree's settled folders."""

    def __init__(self, out_dir: Path, paths: Mapping[str, object], background: bool):
        from site_builder.parallel import Background
        self.out_dir = Path(os.path.abspath(out_dir))
        self.spare_path = spare_path_of(self.out_dir)
        self.count = len(paths)
        if os.path.lexists(self.spare_path):
            _remove_later([_trash(self.spare_path, self.out_dir)])
        self._job = Background(_link_spare, {"root": self.spare_path, "live": self.out_dir, "paths": paths},
                               enabled=background)

    def finish(self, settled: OutDirs | None) -> None:
        """Record the spare, paired with the live tree as `settled` saw it (a snapshot taken
        once its folders' times could vouch for it); without one, or a link that failed, the
        spare is removed."""
        try:
            measured = self._job.result()
        except Exception:  # noqa: BLE001 — the build is committed: no spare this time, and no failure
            measured = None
        kept = spare.dir_id(self.spare_path)
        if measured is None or settled is None or kept is None or settled.root != spare.dir_id(self.out_dir):
            if os.path.lexists(self.spare_path):
                _remove_later([_trash(self.spare_path, self.out_dir)])
            return
        spare_dirs, stamp = measured
        spare.save(self.spare_path, spare.SpareRecord(
            live=settled.root, spare=kept, changed=[], removed=[], spare_dirs=spare_dirs, spare_stamp=stamp,
            live_dirs=settled.dirs, live_stamp=settled.stamp, live_count=self.count))


def renew_spare(out_dir: Path, paths: Mapping[str, object], background: bool) -> SpareRenewal | None:
    """A SpareRenewal of a live tree big enough for linking it to matter (the caller knows that
    the commit left no spare worth bringing up to date: StagedOutput.spare_ready); else None."""
    if len(paths) < spare.FEW or not os.path.isdir(out_dir):
        return None
    return SpareRenewal(out_dir, paths, background)


def _link_spare(payload: dict) -> tuple[dict[str, int], int] | None:
    return spare.link_all(payload["root"], payload["live"], payload["paths"])


def _trash(path: Path, out_dir: Path) -> Path:
    """Move a folder out of the way under a name recover() knows, to be removed later."""
    dest = out_dir.parent / f"{TRASH_PREFIX}{out_dir.name}.{secrets.token_hex(6)}"
    os.replace(path, dest)
    return dest


_REMOVING: set[Path] = set()


def _remove_later(paths: list[Path]) -> None:
    """Remove big folders in a thread, beside the build (a process waits for it before exiting)."""
    paths = [p for p in paths if p not in _REMOVING]
    if paths:
        _REMOVING.update(paths)
        threading.Thread(target=_remove, args=(paths,), name="site-builder-trash").start()


def _remove(paths: list[Path]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
        _REMOVING.discard(path)
