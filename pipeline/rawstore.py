"""The raw store: what extract fetched, kept so that transform can run offline from it.

Layout of ``raw/``::

    state.sqlite            one row per URL (WAL mode; schema version in ``meta``)
    bodies/ab/abcd....zst   page bodies, zstd-compressed, named by the sha256 of the body
    bodies/tmp/             bodies being written (emptied when a writer opens the store)
    .lock                   held by the run writing here (see ``raw_lock``)

Crash safety: a body is written to ``bodies/tmp``, fsynced and renamed into place before the
SQLite row that names it is committed, so a row never points at a missing or partial body; a
kill between the two leaves an unreferenced body, harmless because bodies are content-addressed.
No network here.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

import pyarrow as pa

from pipeline.errors import LockHeld, StoreCorrupt
from pipeline.rawstate import PageState, StateDB

STATE_FILE = "state.sqlite"
LOCK_FILE = ".lock"
# zstd level 3 (zstd's own default): ~0.1 ms and ~6x smaller for a 100 KB page, where gzip -6
# takes ~2 ms for a larger file. Fast enough not to slow a 500 pages/s extract.
_ZSTD_LEVEL = 3

__all__ = ["BodyRef", "PageState", "RawStore", "StoredPage", "raw_lock"]


@dataclass(frozen=True, slots=True)
class StoredPage:
    url: str  # canonical commitment URL (pipeline.urls) - the state key
    fetched_url: str  # final URL actually fetched (after redirects)
    commitment_id: str
    member_slug: str
    language: str
    sha256: str  # of the uncompressed body
    fetched_at: datetime  # UTC, of the fetch that first produced this exact body
    fetch_run_id: str  # run id of that fetch


@dataclass(frozen=True, slots=True)
class BodyRef:
    """A body written to the store: its hash, its size, and what it takes on disk."""

    sha256: str
    size: int
    stored_size: int


class RawStore:
    """The state database and the body files of one ``raw/`` folder.

    Read-only by default (what transform needs; safe while no extract runs). Extract opens it
    with ``writable=True`` while holding ``raw_lock``.
    """

    def __init__(self, raw_dir: Path, *, writable: bool = False) -> None:
        self.raw_dir = Path(raw_dir)
        self.writable = writable
        self.bodies_dir = self.raw_dir / "bodies"
        self._codec = pa.Codec("zstd", compression_level=_ZSTD_LEVEL)
        self._db: StateDB | None = None

    def __enter__(self) -> RawStore:
        self.open()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> None:
        path = self.raw_dir / STATE_FILE
        if self.writable:
            (self.bodies_dir / "tmp").mkdir(parents=True, exist_ok=True)
            self._remove_partial_bodies()
        elif not path.exists():
            return  # nothing was ever extracted here: an empty store
        self._db = StateDB.open(path, writable=self.writable)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> StateDB:
        """The state database (extract's read-write access to rows)."""
        if self._db is None:
            raise StoreCorrupt(f"{self.raw_dir}: the raw store is not open (or has no state)")
        return self._db

    # -- what transform reads ---------------------------------------------------------------
    def current_pages(self) -> list[StoredPage]:
        """Commitment pages with a stored body whose latest state is not gone, by URL."""
        if self._db is None:
            return []
        return [
            StoredPage(
                url=s.url,
                fetched_url=s.fetched_url or s.url,
                commitment_id=s.commitment_id,
                member_slug=s.member_slug,
                language=s.language,
                sha256=s.sha256,
                fetched_at=s.fetched_at,
                fetch_run_id=s.fetch_run_id or "",
            )
            for s in self._db.current_pages()
            if s.sha256 is not None and s.fetched_at is not None
        ]

    def read_body(self, sha256: str) -> bytes:
        """The body with this hash, verified; raises StoreCorrupt if missing or altered."""
        size = self.db.body_size(sha256)
        path = self.body_path(sha256)
        if size is None or not path.is_file():
            raise StoreCorrupt(f"{self.raw_dir}: no stored body {sha256}")
        try:
            body: bytes = self._codec.decompress(
                path.read_bytes(), decompressed_size=size, asbytes=True
            )
        except (OSError, pa.ArrowException) as exc:
            raise StoreCorrupt(f"{path}: cannot decompress stored body: {exc}") from exc
        if hashlib.sha256(body).hexdigest() != sha256:
            raise StoreCorrupt(f"{path}: body does not hash to its name (altered or corrupt)")
        return body

    # -- what extract writes ----------------------------------------------------------------
    def body_path(self, sha256: str) -> Path:
        return self.bodies_dir / sha256[:2] / f"{sha256}.zst"

    def write_body(self, body: bytes) -> BodyRef:
        """Compress and store a body under its hash (temp file, fsync, rename), unless that
        exact body is already stored. Touches only files: safe to call from worker threads."""
        sha256 = hashlib.sha256(body).hexdigest()
        path = self.body_path(sha256)
        if path.exists():  # renamed into place only when complete, so an existing file is whole
            return BodyRef(sha256, len(body), path.stat().st_size)
        compressed = self._codec.compress(body, asbytes=True)
        path.parent.mkdir(exist_ok=True)
        tmp = self.bodies_dir / "tmp" / f"{sha256}.{os.getpid()}.{id(body)}"
        with tmp.open("wb") as handle:
            handle.write(compressed)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
        return BodyRef(sha256, len(body), len(compressed))

    def _remove_partial_bodies(self) -> None:
        # Called only by a writer holding the lock: whatever is in tmp/ is from a killed run.
        for leftover in (self.bodies_dir / "tmp").iterdir():
            leftover.unlink()


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
