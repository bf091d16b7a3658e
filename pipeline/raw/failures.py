"""What can go wrong with raw/ itself, turned into errors that say what to do: a full disk (or
quota, or file size limit), a damaged state database, an I/O error. The CLI prints the message
and exits 4; nothing here is a per-page failure."""

from __future__ import annotations

import errno
import os
import resource
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import RawStoreError, RawStoreFull, StateDamaged

# Errors that mean "no room": the disk or the user's quota is full, or a file size limit
# (RLIMIT_FSIZE) is reached.
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
# Less free than this, or this close to a file size limit, and a write error is taken to be
# for lack of room: SQLite grows its files by a few pages (4 KiB each) at a time.
_NEARLY_FULL_BYTES = 1024 * 1024
REBUILD_COMMAND = "python -m pipeline rebuild-state --raw-dir"


def damaged_message(path: Path, exc: BaseException) -> str:
    return (
        f"{path} is damaged ({exc}). The page bodies in {path.parent / 'bodies'} are kept; "
        f"rebuild the state from them with: {REBUILD_COMMAND} {path.parent} "
        "(it moves the damaged file aside first)"
    )


def full_message(where: Path, exc: BaseException) -> str:
    return (
        f"no space left to write under {where} ({exc}). Everything committed before is kept; "
        "free some space (or move raw/ with --raw-dir) and run again to resume."
    )


def is_no_space(exc: OSError) -> bool:
    return exc.errno in _NO_SPACE


@contextmanager
def file_writes(where: Path) -> Iterator[None]:
    """Turns an OSError while writing under ``where`` into RawStoreFull (no space) or
    RawStoreError (anything else: read-only file system, permissions, I/O error)."""
    try:
        yield
    except OSError as exc:
        if is_no_space(exc):
            raise RawStoreFull(full_message(where, exc)) from exc
        raise RawStoreError(f"cannot write under {where}: {exc}") from exc


@contextmanager
def database_access(path: Path) -> Iterator[None]:
    """Turns SQLite's errors about the file into ours: SQLITE_FULL -> RawStoreFull, a damaged
    file -> StateDamaged (with the rebuild command), an I/O error -> RawStoreError. Errors of
    our own SQL (constraints, a read-only connection) pass through unchanged."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith("SQLITE_FULL") or "disk is full" in str(exc):
            raise RawStoreFull(full_message(path.parent, exc)) from exc
        if (
            name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
            or type(exc) is sqlite3.DatabaseError
        ):
            raise StateDamaged(damaged_message(path, exc)) from exc
        if name.startswith("SQLITE_IOERR"):
            if no_room_left(path):
                raise RawStoreFull(full_message(path.parent, exc)) from exc
            raise RawStoreError(f"cannot read or write {path}: {exc}") from exc
        raise


def no_room_left(path: Path) -> bool:
    """Whether an I/O error writing this database (SQLite does not say which) is for lack of
    room: its file system nearly full, or the database or its log at the process's file size
    limit."""
    try:
        disk = os.statvfs(path.parent)
    except OSError:
        return False
    if disk.f_bavail * disk.f_frsize < _NEARLY_FULL_BYTES:
        return True
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    sizes = [p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    return any(size + _NEARLY_FULL_BYTES > limit for size in sizes)
