"""The layout of processed/ and the file-system moves that keep it consistent.

processed/runs/<run_id>/      one folder per published run (tables, datapackage, report)
processed/current             relative symlink to the published run folder
processed/<table>.parquet ... static symlinks through current/ (one switch moves them all)
processed/runs.jsonl          append-only ledger: one line per run, published or not
processed/runs.parquet, .csv  the runs table, rebuilt from the ledger after every run
processed/last_run_report.json  the latest run's report, published or not
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from pipeline.errors import DiskFull, ProcessedCorrupt, ProcessedNotWritable

RUNS_DIR = "runs"
CURRENT = "current"
LEDGER = "runs.jsonl"
RUNS_TABLE = "runs"  # processed/runs.parquet and processed/runs.csv
LAST_REPORT = "last_run_report.json"
RUN_REPORT = "run_report.json"
DATAPACKAGE = "datapackage.json"
TMP_SUFFIX = ".tmp"
_LOCK = ".publish.lock"
# OS errors that mean "processed/ cannot take this write"; any other OSError is not ours to
# explain (a bug, a hardware fault) and keeps its traceback.
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}

log = logging.getLogger(__name__)


@contextmanager
def publish_lock(processed_dir: Path) -> Iterator[None]:
    """Hold the exclusive lock on processed/ (released by the kernel if the process dies).
    A second publisher waits rather than fails: a publish takes seconds, and it must not
    delete the first one's unfinished folder as a leftover."""
    processed_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(processed_dir / _LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextmanager
def writing(processed_dir: Path) -> Iterator[None]:
    """Turn a full disk (DiskFull) or a read-only or forbidden processed/
    (ProcessedNotWritable) into an error naming the path it could not write."""
    try:
        yield
    except OSError as exc:
        error = write_error(processed_dir, exc)
        if error is None:
            raise
        raise error from exc


def write_error(processed_dir: Path, exc: OSError) -> ProcessedNotWritable | None:
    """The pipeline's error for an OSError met writing to processed/, None for other errors."""
    where = f"{exc.filename}" if exc.filename else f"to {processed_dir}"
    if exc.errno in _NO_SPACE:
        return DiskFull(f"no space left to write {where}: {exc.strerror}")
    if exc.errno in _NOT_WRITABLE:
        return ProcessedNotWritable(f"cannot write {where}: {exc.strerror}")
    return None


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """Give an OSError raised while writing ``path`` (a write or fsync error has no file name)
    the path, so that the message says which file could not be written."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def current_run_dir(processed_dir: Path) -> Path | None:
    """The published run folder, or None when nothing was published yet."""
    link = processed_dir / CURRENT
    if not link.is_symlink():
        if link.exists():
            raise ProcessedCorrupt(f"{link} should be a symlink to a run folder")
        return None
    target = processed_dir / link.readlink()
    if not target.is_dir():
        raise ProcessedCorrupt(f"{link} points to {target}, which is not a folder")
    return target


def temporary_run_dir(processed_dir: Path, run_id: str) -> Path:
    return processed_dir / RUNS_DIR / f"{run_id}{TMP_SUFFIX}"


def remove_leftovers(processed_dir: Path) -> None:
    """Remove unfinished run folders and temporary links of publishes that were killed.
    Only called under the publish lock, so no live publish owns them."""
    runs = processed_dir / RUNS_DIR
    for leftover in sorted(runs.glob(f"*{TMP_SUFFIX}")) if runs.is_dir() else []:
        log.warning("removing %s, left by a publish that did not finish", leftover)
        shutil.rmtree(leftover)
    for stale in processed_dir.glob(f".*{TMP_SUFFIX}"):
        stale.unlink()


def switch_current(processed_dir: Path, run_dir: Path) -> None:
    """Point processed/current at run_dir in one atomic rename."""
    _replace_with_symlink(processed_dir / CURRENT, Path(os.path.relpath(run_dir, processed_dir)))


def ensure_reader_links(processed_dir: Path, names: Iterable[str]) -> None:
    """processed/<name> -> current/<name> for every published file name (created once)."""
    for name in names:
        link, target = processed_dir / name, Path(CURRENT) / name
        if link.is_symlink() and link.readlink() == target:
            continue
        if link.exists() or link.is_symlink():
            log.warning("replacing %s with a link to %s", link, target)
        _replace_with_symlink(link, target)


def prune_runs(processed_dir: Path, keep: int) -> list[str]:
    """Remove the oldest run folders beyond ``keep`` besides the current one (run ids sort
    by start time); never the current one. Returns the removed folder names."""
    current = current_run_dir(processed_dir)
    runs = processed_dir / RUNS_DIR
    kept = {current.name} if current else set()
    previous = sorted(
        p.name
        for p in runs.iterdir()
        if p.is_dir() and not p.name.endswith(TMP_SUFFIX) and p.name not in kept
    )
    doomed = previous[: max(0, len(previous) - keep)]
    for name in doomed:
        shutil.rmtree(runs / name)
    return doomed


def open_for_writing(path: Path, mode: str) -> BinaryIO:
    """Every file the load stage writes data to is opened here (``mode``: "xb", "wb" or "ab"):
    the one place a disk-fault test replaces where no file system can be mounted for it."""
    return cast(BinaryIO, path.open(mode))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace a file so that readers see the old or the new content, never a part."""
    temporary = path.with_name(f".{path.name}{TMP_SUFFIX}")
    with naming(temporary), open_for_writing(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make renames and new entries in folder durable (a crash cannot undo a switch)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_with_symlink(link: Path, target: Path) -> None:
    temporary = link.with_name(f".{link.name}{TMP_SUFFIX}")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    temporary.replace(link)
    fsync_dir(link.parent)
