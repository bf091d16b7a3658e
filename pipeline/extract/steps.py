"""What every step of a run shares: the settings, the raw store, the fetcher, the counters and
the frontier, plus the conditional fetch and record of a discovery document.

A step is an ``async`` function ``(StepContext, Task) -> list[Task]``: it fetches its task's URL
(conditionally), records the answer in the raw store, and returns the follow-up tasks. The
steps live with what they do (``commitment_pages``, ``robots``, ``discovery/*``); the crawl
loop (``crawl.py``) schedules them.
"""

from __future__ import annotations

import asyncio
import hashlib

from pipeline.clock import utc_now
from pipeline.config import FetchConfig
from pipeline.errors import FetchGaveUp
from pipeline.extract.discovery.frontier import Frontier
from pipeline.extract.fetcher import Expect, Fetched, Fetcher
from pipeline.extract.summary import Tally
from pipeline.raw import BodyMeta, BodyRef, FetchRecord, RawStore


class StepContext:
    def __init__(
        self,
        config: FetchConfig,
        run_id: str,
        store: RawStore,
        fetcher: Fetcher,
        tally: Tally,
        frontier: Frontier,
    ) -> None:
        self.config = config
        self.run_id = run_id
        self.store = store
        self.db = store.db
        self.fetcher = fetcher
        self.tally = tally
        self.frontier = frontier
        self.page_expect = Expect(config.max_body_bytes, html_only=True)
        self.current: set[str] = set()  # commitment URLs confirmed current this run
        self.done: set[str] = set()  # commitment URLs (as queued) whose step finished
        # A dry run writes nothing to raw/ (which it opens read-only): every write below is
        # skipped, and a commitment page is planned instead of fetched (commitment_pages.py).
        self.dry_run = config.dry_run
        self.planned: dict[str, str] = {}  # dry run: commitment URL -> what a run would do

    def fetch_record(self, attempts: int) -> FetchRecord:
        return FetchRecord(self.run_id, utc_now(), attempts)

    def fetch_record_for(self, fetched: Fetched) -> FetchRecord:
        """What the raw store keeps of an answer: run, time, attempts and validators."""
        return FetchRecord(
            self.run_id, utc_now(), fetched.attempts, fetched.etag, fetched.last_modified,
            fetched.content_type,
        )  # fmt: skip

    def body_meta(self, kind: str, url: str, fetched: Fetched) -> BodyMeta:
        """What the body file of this answer records about it (see pipeline.raw.bodies)."""
        return BodyMeta(
            kind, url, fetched.url, utc_now().isoformat(), self.run_id, fetched.content_type,
            fetched.etag, fetched.last_modified,
        )  # fmt: skip

    async def write_body(self, body: bytes, meta: BodyMeta) -> BodyRef:
        """Store a body (in a worker thread: hashing, zstd and fsync release the GIL). A dry
        run only hashes it."""
        if self.dry_run:
            return BodyRef(hashlib.sha256(body).hexdigest(), len(body), 0)
        return await asyncio.to_thread(self.store.write_body, body, meta)

    def record_discoveries(self, sha256: str, entries: list[str]) -> None:
        if not self.dry_run:
            self.db.record_discoveries(sha256, entries)

    async def read_body(self, sha256: str) -> bytes:
        """A stored body, verified, read in a worker thread (the state is read here: SQLite
        connections stay on the loop's thread). Raises StoreCorrupt."""
        size = self.db.body_size(sha256)
        return await asyncio.to_thread(self.store.bodies.read, sha256, size)

    def body_intact(self, sha256: str, url: str) -> bool:
        """The stored body is there, whole (one stat); if not, noted as damaged."""
        if self.store.body_intact(sha256, self.db.body_stored_size(sha256)):
            return True
        self.tally.damaged.add(url)
        return False

    async def fetch_document(
        self, url: str, expect: Expect, *, use_cache: bool = True
    ) -> tuple[Fetched, list[str] | None]:
        """Fetch a discovery document (robots.txt, sitemap, start or member page) conditionally
        when the store holds what the last copy said, intact; returns the answer and, on a
        304, that stored content (discovered entries, or [] for robots)."""
        doc = self.db.document(url) if use_cache else None
        if doc is not None and doc.sha256 is not None and not self.body_intact(doc.sha256, url):
            doc = None
        cached = self.db.discoveries(doc.sha256) if doc and doc.sha256 else None
        if doc is not None and doc.kind == "robots" and doc.sha256 is not None:
            cached = []
        validators = (doc.etag, doc.last_modified) if doc and cached is not None else (None, None)
        if not self.fetcher.allowed(url):
            raise FetchGaveUp("disallowed by robots.txt", 0, None)
        fetched = await self.fetcher.fetch(url, expect, validators=validators)
        if fetched.status == 304 and cached is not None:
            if not self.dry_run:
                self.db.record_document_checked(url, self.fetch_record(fetched.attempts))
            return fetched, cached
        if fetched.status == 304:
            raise FetchGaveUp("304 for a document never stored", fetched.attempts, 304)
        return fetched, None

    def record_document(
        self, url: str, kind: str, fetched: Fetched, body: BodyRef, found: list[str] | None
    ) -> None:
        if self.dry_run:
            return
        self.db.record_document(
            url, kind, self.fetch_record_for(fetched), http_status=fetched.status, body=body,
            discoveries=found,
        )  # fmt: skip
