"""One step per kind of task: fetch it (conditionally), record it in the raw store, and return
the follow-up tasks its content calls for. The crawl loop (``crawl.py``) schedules them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from pipeline.clock import utc_now
from pipeline.config import FetchConfig
from pipeline.extract.discovery import Frontier
from pipeline.extract.fetcher import Expect, Fetched, Fetcher, FetchGaveUp
from pipeline.extract.links import extract_links
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.summary import Tally
from pipeline.raw import BodyRef, FetchRecord, PageKey, PageState, RawStore
from pipeline.urls import commitment_url, parse_commitment_url

# Lower runs first. Sitemaps before everything (their lastmod decides what to skip);
# commitment pages before member pages, so a crawl goes member by member (a --max-pages smoke
# run gets pages early, and the queue stays short); ID probes last, once all IDs are known.
PRIORITY = {"sitemap": 0, "commitment": 1, "page": 2, "probe": 3}


@dataclass(frozen=True, slots=True, order=True)
class Task:
    priority: int
    seq: int
    kind: str = field(compare=False)  # sitemap, commitment, page, probe
    url: str = field(compare=False)  # for a probe: the member slug
    depth: int = field(default=0, compare=False)  # sitemap nesting depth
    number: int = field(default=0, compare=False)  # probe: the ID number to try
    misses: int = field(default=0, compare=False)  # probe: consecutive misses so far
    prefix: str = field(default="", compare=False)  # probe: the ID prefix


def task(kind: str, url: str, **extra: int | str) -> Task:
    """A task; ``seq`` is filled in by the crawl when it is queued."""
    return Task(PRIORITY[kind], 0, kind, url, **extra)  # type: ignore[arg-type]


class Steps:
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

    # -- commitment pages ---------------------------------------------------------------------
    async def commitment(self, url: str) -> list[Task]:
        ref = self.frontier.refs[url]
        key = PageKey(url, ref.commitment_id, ref.member_slug, ref.language)
        state = self.db.page_for(key)
        if not self.fetcher.allowed(url):
            return self._page_failed(key, None, "disallowed by robots.txt", 0)
        if self._unchanged_by_lastmod(url, state):
            assert state is not None and state.sha256 is not None
            self.tally.not_modified += 1
            self.tally.skipped_by_lastmod += 1
            self.tally.bytes_saved += state.body_size or 0
            self.current.add(url)
            return self._follow_cached(state.sha256)
        has_body = state is not None and state.has_body
        validators = (state.etag, state.last_modified) if state and has_body else (None, None)
        try:
            if state is not None and state.state == "gone":
                # Known gone: ask with HEAD first, so a page still gone costs no body.
                fetched = await self.fetcher.fetch(url, self.page_expect, method="HEAD")
                if fetched.status in GONE_STATUSES:
                    return self._gone(key, url, fetched)
            fetched = await self.fetcher.fetch(url, self.page_expect, validators=validators)
        except FetchGaveUp as exc:
            return self._page_failed(key, exc.status, str(exc), exc.attempts)
        if fetched.status == 304 and state is not None and state.sha256 is not None:
            return self._not_modified(url, state, fetched)
        if fetched.status in GONE_STATUSES:
            return self._gone(key, url, fetched)
        if fetched.status != 200 or fetched.body is None:
            return self._page_failed(key, fetched.status, "304 for a page never stored", 1)
        return await self._page_body(key, fetched)

    def _gone(self, key: PageKey, url: str, fetched: Fetched) -> list[Task]:
        self.db.record_page_outcome(
            key, self.fetch_record(fetched.attempts), state="gone", http_status=fetched.status,
            error=None,
        )  # fmt: skip
        self.tally.gone.add(url)
        return []

    def _unchanged_by_lastmod(self, url: str, state: PageState | None) -> bool:
        changed_by = self.frontier.changed_by.get(url)
        return (
            not self.config.full
            and changed_by is not None
            and state is not None
            and state.state == "ok"
            and state.sha256 is not None
            and state.checked_at is not None
            and changed_by <= state.checked_at
        )

    def _not_modified(self, url: str, state: PageState, fetched: Fetched) -> list[Task]:
        self.db.record_page_not_modified(state.url, self.fetch_record_for(fetched))
        self.tally.not_modified += 1
        self.tally.bytes_saved += state.body_size or 0
        self.current.add(url)
        assert state.sha256 is not None
        return self._follow_cached(state.sha256)

    async def _page_body(self, key: PageKey, fetched: Fetched) -> list[Task]:
        final = parse_commitment_url(fetched.url)
        if final is None or final.commitment_id != key.commitment_id:
            reason = f"redirected to {fetched.url}, which is not this commitment's page"
            return self._page_failed(key, 200, reason, fetched.attempts)
        if final.member_slug != key.member_slug:  # the member's slug changed: follow the site
            url = commitment_url(replace(final, language=key.language), self.config.base_url)
            key = PageKey(url, key.commitment_id, final.member_slug, key.language)
        assert fetched.body is not None
        body, links = await self._keep(fetched.body, fetched.url)
        changed = self.db.record_page_body(
            key,
            self.fetch_record_for(fetched),
            fetched_url=fetched.url,
            body=body,
            discoveries=links,
        )
        if changed:
            self.tally.fetched += 1
        else:
            self.tally.unchanged += 1
        self.current.update({key.url, fetched.url})
        return self._follow(links)

    def _page_failed(
        self, key: PageKey, status: int | None, reason: str, attempts: int
    ) -> list[Task]:
        self.db.record_page_outcome(
            key, self.fetch_record(attempts), state="failed", http_status=status, error=reason
        )
        self.tally.fail(key.url, reason)
        return []

    def fetch_record(self, attempts: int) -> FetchRecord:
        return FetchRecord(self.run_id, utc_now(), attempts)

    def fetch_record_for(self, fetched: Fetched) -> FetchRecord:
        """What the raw store keeps of an answer: run, time, attempts and validators."""
        return FetchRecord(
            self.run_id, utc_now(), fetched.attempts, fetched.etag, fetched.last_modified
        )

    async def _keep(self, body: bytes, url: str) -> tuple[BodyRef, list[str]]:
        """Store the body (in a worker thread: hashing, zstd and fsync release the GIL, so
        transfers go on meanwhile) and find its links (here: a regex holds the GIL anyway)."""
        stored = asyncio.to_thread(self.store.write_body, body)
        links = extract_links(body, url)
        return await stored, links

    # -- links ----------------------------------------------------------------------------------
    def _follow_cached(self, sha256: str) -> list[Task]:
        links = self.db.discoveries(sha256)
        return self._follow(links or [])

    def _follow(self, links: list[str]) -> list[Task]:
        if not self.config.crawl_links:
            return []
        tasks = []
        for link in links:
            offered = self.frontier.offer_link(link)
            if offered is not None:
                kind, url = offered
                tasks.append(task("commitment" if kind == "commitment" else "page", url))
        return tasks
