"""The raw store: the state database and the body files of one ``raw/`` folder, together.

Crash safety: a body is written and renamed into place (``bodies``) before the SQLite row that
names it is committed (``state``), so a row never points at a missing or partial body.
No network here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from pipeline.errors import StoreCorrupt
from pipeline.raw.bodies import BodyFiles, BodyMeta, BodyRef
from pipeline.raw.state import StateDB

STATE_FILE = "state.sqlite"


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
    # The response's Content-Type header (its charset decides how the body decodes). None
    # until the store records it; the page's own <meta charset> and BOM still apply.
    content_type: str | None = None


class RawStore:
    """The state database and the body files of one ``raw/`` folder.

    Read-only by default (what transform needs; safe while no extract runs). Extract opens it
    with ``writable=True`` while holding ``raw_lock``.
    """

    def __init__(self, raw_dir: Path, *, writable: bool = False) -> None:
        self.raw_dir = Path(raw_dir)
        self.writable = writable
        self.bodies = BodyFiles(self.raw_dir / "bodies")
        self._db: StateDB | None = None

    def __enter__(self) -> RawStore:
        self.open()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> None:
        """Open (a writer: create or migrate) the state, then ready the body folder. The state
        is checked first, so a store refused for its version or damage is left untouched."""
        path = self.raw_dir / STATE_FILE
        if not self.writable and not path.exists():
            return  # nothing was ever extracted here: an empty store
        self._db = StateDB.open(path, writable=self.writable)
        if self.writable:
            try:
                self.bodies.prepare_for_writing()
            except BaseException:
                self.close()
                raise

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
                content_type=s.content_type,
            )
            for s in self._db.current_pages()
            if s.sha256 is not None and s.fetched_at is not None
        ]

    def read_body(self, sha256: str) -> bytes:
        """The body with this hash, verified; raises StoreCorrupt if missing or altered."""
        return self.bodies.read(sha256, self.db.body_size(sha256))

    # -- what extract writes ----------------------------------------------------------------
    def body_path(self, sha256: str) -> Path:
        return self.bodies.path(sha256)

    def write_body(self, body: bytes, meta: BodyMeta | None = None) -> BodyRef:
        """Store a body under its hash with its metadata (see ``BodyFiles.write``); safe from
        worker threads."""
        return self.bodies.write(body, meta)

    def body_intact(self, sha256: str, stored_size: int | None) -> bool:
        """One stat: the body file is there with its recorded size (see ``BodyFiles.intact``)."""
        return self.bodies.intact(sha256, stored_size)


def upgrade_raw(raw_dir: Path) -> None:
    """Migrate the raw store in ``raw_dir`` to this version if it is older (a writer's open
    does it); nothing happens to a folder without a state database. The caller holds the
    raw/ lock."""
    if (Path(raw_dir) / STATE_FILE).exists():
        with RawStore(raw_dir, writable=True):
            pass
