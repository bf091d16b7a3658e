"""The crawl loop: a bounded pool of workers over one priority queue, in phases.

1. robots.txt (once per run; may forbid everything).
2. Sitemaps: their ``lastmod`` must be known before any page is considered.
3. Seed file, pages already in the raw store, and start pages; then whatever their links and
   the sitemaps lead to (commitment pages, member pages).
4. ID probes past the highest known ID of every member series, and the pages they find.

Each phase runs until the queue is empty. ``--max-pages`` and an interrupt (SIGINT/SIGTERM)
stop it cleanly: requests in flight finish, the rest is skipped, and the summary says why.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from pipeline.config import FetchConfig
from pipeline.errors import RobotsDisallowed
from pipeline.extract.commitment_pages import fetch_commitment
from pipeline.extract.discovery.links import crawl_page
from pipeline.extract.discovery.probe import first_probes, probe_next_id
from pipeline.extract.discovery.sitemaps import read_sitemap
from pipeline.extract.progress import Progress
from pipeline.extract.robots import read_robots
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import Task, task
from pipeline.urls import CommitmentRef, commitment_url, parse_member_url

log = logging.getLogger("pipeline.extract")

Step = Callable[[StepContext, Task], Awaitable[list[Task]]]
# The step of each kind of task (see tasks.PRIORITY for the order they run in).
STEPS: dict[str, Step] = {
    "sitemap": read_sitemap,
    "commitment": fetch_commitment,
    "page": crawl_page,
    "probe": probe_next_id,
}


class Crawl:
    def __init__(self, config: FetchConfig, ctx: StepContext, progress: Progress) -> None:
        self.config = config
        self.ctx = ctx
        self.tally = ctx.tally
        self.frontier = ctx.frontier
        self.progress = progress
        self.queue: asyncio.PriorityQueue[Task] = asyncio.PriorityQueue()
        self._seq = itertools.count()
        self.stop_reason: str | None = None
        self.policy_decision = "robots.txt not read"
        self._started_pages = 0
        self._failure: BaseException | None = None
        self._crashed = asyncio.Event()
        self._deferred: list[Task] | None = None

    async def run(
        self, start_urls: list[str], seeds: list[CommitmentRef], sitemaps: list[str]
    ) -> str:
        """Runs every phase; returns the finish reason ("complete", "max_pages",
        "interrupted"). Raises RobotsDisallowed when robots.txt leaves nothing to fetch."""
        policy = await read_robots(self.ctx)
        self.policy_decision = policy.decision
        needed = [*start_urls, *(commitment_url(ref, self.config.base_url) for ref in seeds)]
        if not any(policy.allowed(url) for url in needed or [self._sample()]):
            raise RobotsDisallowed(f"{policy.decision}: nothing this run needs may be fetched")
        self.ctx.fetcher.allowed = policy.allowed
        self.ctx.fetcher.throttle.honour_crawl_delay(policy.crawl_delay)
        workers = [asyncio.create_task(self._worker()) for _ in range(self.config.concurrency)]
        try:
            with self._interruptible():
                if self.config.use_sitemaps:
                    self._deferred = []  # pages wait until every sitemap lastmod is known
                    self.put_all(
                        [task("sitemap", u) for u in dict.fromkeys([*policy.sitemaps, *sitemaps])]
                    )
                    await self._drain()
                    deferred, self._deferred = self._deferred, None
                    self.put_all(deferred)
                self._put_seeds(seeds)
                self._put_start_pages(start_urls)
                await self._drain()
                if self.config.probe_ids:
                    self.put_all(first_probes(self.frontier))
                    await self._drain()
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        return self.stop_reason or "complete"

    def _put_seeds(self, seeds: list[CommitmentRef]) -> None:
        for ref in seeds:
            url = self.frontier.offer_commitment(ref)
            if url is not None:
                self.put(task("commitment", url))

    def _put_start_pages(self, start_urls: list[str]) -> None:
        for url in start_urls:
            member = parse_member_url(url)
            if member is None:
                self.put(task("page", url))
            elif (page := self.frontier.offer_member(member[0])) is not None:
                self.put(task("page", page))

    def _sample(self) -> str:
        return f"{self.config.base_url.rstrip('/')}/members/a/commitments/AA0001/"

    def put(self, item: Task) -> None:
        if self._deferred is not None and item.kind != "sitemap":
            self._deferred.append(item)
            return
        self.queue.put_nowait(replace(item, seq=next(self._seq)))  # FIFO within a priority

    def put_all(self, items: list[Task]) -> None:
        for item in items:
            self.put(item)

    async def _drain(self) -> None:
        joined = asyncio.create_task(self.queue.join())
        crashed = asyncio.create_task(self._crashed.wait())
        await asyncio.wait({joined, crashed}, return_when=asyncio.FIRST_COMPLETED)
        for waiter in (joined, crashed):
            waiter.cancel()
        await asyncio.gather(joined, crashed, return_exceptions=True)
        if self._failure is not None:
            raise self._failure

    async def _worker(self) -> None:
        while True:
            item = await self.queue.get()
            try:
                if not self._skip(item):
                    self.put_all(await self._step(item))
            except Exception as exc:  # noqa: BLE001 - a bug or a broken store: _drain re-raises it
                self._failure = exc
                self._crashed.set()
                return
            finally:
                self.queue.task_done()

    def _skip(self, item: Task) -> bool:
        if self.stop_reason is not None:
            return True
        limit = self.config.max_pages
        if item.kind in ("commitment", "probe") and limit is not None:
            if self._started_pages >= limit:
                self.stop_reason = "max_pages"
                log.info("stopping: --max-pages %d reached", limit)
                return True
            self._started_pages += item.kind == "commitment"
        return False

    async def _step(self, item: Task) -> list[Task]:
        follow = await STEPS[item.kind](self.ctx, item)
        if item.kind == "commitment":
            self.tally.commitments_done += 1
            self.progress.page_done()
        return follow

    @contextmanager
    def _interruptible(self) -> Iterator[None]:
        """SIGINT/SIGTERM end the run cleanly (finish in-flight requests, report the rest); a
        second one stops at once. Only where signal handlers can be set (a main thread)."""
        loop = asyncio.get_running_loop()
        installed = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self._interrupt, signum)
            except (RuntimeError, ValueError, NotImplementedError):
                continue  # not the main thread (e.g. a test harness): Ctrl-C stays the default
            installed.append(signum)
        try:
            yield
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)

    def _interrupt(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if self.stop_reason == "interrupted":  # a second signal: do not wait for anything
            log.warning("%s received again: stopping now (requests in flight are lost)", name)
            self._failure = KeyboardInterrupt()
            self._crashed.set()
            return
        log.warning("%s received: finishing requests in flight, then stopping", name)
        self.stop_reason = "interrupted"
