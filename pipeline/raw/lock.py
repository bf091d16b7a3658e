"""The lock that keeps two runs from writing one ``raw/`` folder at the same time."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pipeline.errors import LockHeld

LOCK_FILE = ".lock"


@contextmanager
def raw_lock(raw_dir: Path) -> Iterator[None]:
    """Exclusive lock on a raw/ folder for one run; raises LockHeld if another run has it.

    An OS file lock (flock), so a run killed with -9 releases it: no stale lock files to clean.
    """
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    handle = (raw_dir / LOCK_FILE).open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            raise LockHeld(
                f"another run is using {raw_dir} ({holder}); wait for it to finish or stop it, "
                "then run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            f"pid {os.getpid()}, started {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %Z}"
        )
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the flock
