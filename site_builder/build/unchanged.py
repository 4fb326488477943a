"""Is there nothing to do? A command-line build's first look, made before it reads a single
article or output record: the article files' stat against one signature, the site's
fingerprint, and the output's folders against their recorded mtimes.

The output check trusts folder mtimes once a build with nothing to do has seen every output
file as written (a stat each) and recorded them: removing, adding or renaming a file moves its
folder's mtime. A file rewritten in place under its own name is not seen (as by make); deleting
it, or the output folder, is.
"""
from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

from site_builder.build import spare
from site_builder.build.cache import BuildCache
from site_builder.build.file_records import racy_files, stat_signature
from site_builder.overlay import Overlay
from site_builder.build.state_store import OutDirs, OutputRecord, StateSummary


def files_unchanged(summary: StateSummary, stat: dict[str, list]) -> bool:
    """Every article file has the stat the last build saw, and none had changed just before it
    looked (file_records.racy_files)."""
    return (summary.files_sig == stat_signature(stat)
            and not racy_files(stat, summary.files_at))


def out_dirs_snapshot(out_dir: Path, records: Mapping[str, OutputRecord],
                      before: OutDirs | None = None) -> OutDirs | None:
    """The output's folders now (those holding recorded files, and the output itself). An edit's
    records (an Overlay) name only its own paths: their folders and those of the last snapshot
    (`before`) are measured, the records are not listed."""
    root = spare.dir_id(out_dir)
    if root is None:
        return None
    if isinstance(records, Overlay) and before is not None:
        folders = set(before.dirs) | spare.ancestors(records.changes)
    else:
        folders = spare.ancestors(records)
    dirs, stamp = spare.measure(out_dir, folders)
    return OutDirs(root, stamp, dirs)


def out_dirs_settled(out_dir: Path, records: Mapping[str, OutputRecord],
                     before: OutDirs | None = None) -> OutDirs | None:
    """out_dirs_snapshot, taken once no folder is too fresh for its time to vouch for it
    (spare.folder_moved): a build's last writes are milliseconds old when it ends, and a snapshot
    of them would make the next build look at every output. Waits at most spare.RACY_NS (not
    for whole-second times: their window is 2 s)."""
    snap = out_dirs_snapshot(out_dir, records, before)
    if snap is None:
        return None
    newest = max((m for m in snap.dirs.values() if m % 1_000_000_000), default=None)
    if newest is not None and newest >= snap.stamp - spare.RACY_NS:
        time.sleep((newest + spare.RACY_NS - snap.stamp) / 1e9 + 0.002)
        snap = out_dirs_snapshot(out_dir, records, before)
    return snap


def out_dirs_unchanged(out_dir: Path, snap: OutDirs | None) -> bool:
    """Every recorded folder is there with its mtime, none too close to its recording to tell,
    and the output folder is the one recorded."""
    if snap is None or spare.dir_id(out_dir) != snap.root:
        return False
    base = str(out_dir)
    return not any(spare.folder_moved(os.path.join(base, d), mtime, snap.stamp) for d, mtime in snap.dirs.items())


def outputs_as_recorded(cache: BuildCache, out_dir: Path,
                        records: Mapping[str, OutputRecord]) -> tuple[bool, OutDirs | None]:
    """The recorded outputs are all there: by their folders when the snapshot the last build
    took vouches for them, else by a stat of each file. With it, the folders' snapshot that
    vouches for them now (None if none does)."""
    from site_builder.build.render_stage import outputs_intact
    if out_dirs_unchanged(out_dir, cache.state.out_dirs):
        return True, cache.state.out_dirs
    snap = out_dirs_snapshot(out_dir, records)  # before the files: a change after it moves a folder
    if outputs_intact(records, out_dir):
        return True, snap
    return False, None


def outputs_unchanged(cache: BuildCache, out_dir: Path, summary: StateSummary) -> bool:
    """outputs_as_recorded, from the summary: the records are read only when the folders cannot
    vouch, and then the folders are recorded for the next build."""
    if out_dirs_unchanged(out_dir, summary.out_dirs):
        return True
    from site_builder.build.render_stage import outputs_intact
    records = cache.previous_outputs(out_dir)
    snap = out_dirs_snapshot(out_dir, records)  # before the files: a change after it moves a folder
    if not records or snap is None or not outputs_intact(records, out_dir):
        return False
    cache.record_out_dirs(snap)
    return True


def settle(cache: BuildCache, out_dir: Path, before: OutDirs | None) -> OutDirs | None:
    """A dev server's, between builds: the output's folders once they have settled, kept with the
    records, so that its next edit trusts the output by them as a command-line build does (no
    listing of the search files, no sweep of the spare's folders). `before`: the last snapshot
    (an edit's records name only its own paths). Returns the snapshot."""
    records = cache.pages
    snap = out_dirs_settled(out_dir, records, before) if records else None
    if snap is not None:
        cache.record_out_dirs(snap)
    return snap
