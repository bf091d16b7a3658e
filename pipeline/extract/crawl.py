"""The crawl loop: a bounded pool of workers over one priority queue, in phases.

1. robots.txt (once per run; may forbid everything, or ask for a Crawl-delay over the cap).
2. Sitemaps: their ``lastmod`` must be known before any page is considered.
3. Seed file, pages already in the raw store, and start pages; then whatever their links and
   the sitemaps lead to (commitment pages, member pages).
4. ID probes past the highest known ID of every member series, and the pages they find.

Each phase runs until the queue is empty; the ID probes start once the pages left are only
waiting out a retry (those finish meanwhile, and a page they add moves its series' probes on).
``--max-pages`` stops taking new pages. A signal
(SIGINT/SIGTERM) or the end of the ``--max-runtime`` window stops everything at once: requests
in flight, throttle waits and backoffs are cancelled, what was stored stays. An unexpected
error while handling one task fails that task's URL (recorded with the reason) and the crawl
goes on; only the raw store failing (full disk, damaged database) stops the run.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import signal
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace

from pipeline.config import FetchConfig
from pipeline.errors import RawStoreError, RobotsDisallowed
from pipeline.extract.commitment_pages import fetch_commitment, record_failed_page
from pipeline.extract.discovery.links import crawl_page
from pipeline.extract.discovery.probe import first_probes, probe_id, window
from pipeline.extract.discovery.sitemaps import read_sitemap, sitemap_tasks
from pipeline.extract.progress import Progress
from pipeline.extract.robots import check_crawl_delay, read_robots
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import Task, task
from pipeline.ids import id_prefix
from pipeline.urls import CommitmentRef, commitment_url, parse_member_url

log = logging.getLogger("pipeline.extract")

Step = Callable[[StepContext, Task], Awaitable[list[Task]]]
# The step of each kind of task (see tasks.PRIORITY for the order they run in).
STEPS: dict[str, Step] = {
    "sitemap": read_sitemap,
    "commitment": fetch_commitment,
    "page": crawl_page,
    "probe": probe_id,
}
# The start of a failure reason whose traceback was logged when it happened (_task_failed).
UNEXPECTED = "unexpected error: "
# Errors after which nothing more can be recorded: the run stops (exit 4 with the message).
FATAL = (RawStoreError, sqlite3.Error, MemoryError)
# Workers per connection: a worker waiting out a retry (backoff or Retry-After) holds no
# connection, so a second one keeps the connection busy meanwhile. Connections, not workers,
# bound the load on the site (Fetcher).
_WORKERS_PER_CONNECTION = 2


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
        self._stop = asyncio.Event()  # a signal, or the --max-runtime window closing
        self._deferred: list[Task] | None = None
        self._busy = 0  # tasks being handled by a worker
        self._changed = asyncio.Event()  # set when _busy or the fetcher's retry waits change
        self._probing = False
        ctx.fetcher.on_wait_change = self._changed.set

    async def run(
        self, start_urls: list[str], seeds: list[CommitmentRef], sitemaps: list[str]
    ) -> str:
        """Runs every phase; returns the finish reason ("complete", "max_pages",
        "max_runtime", "interrupted"). Raises RobotsDisallowed when robots.txt leaves nothing
        to fetch, CrawlDelayTooLong for a Crawl-delay over the cap, RawStoreError."""
        loop = asyncio.get_running_loop()
        phases = asyncio.create_task(self._phases(start_urls, seeds, sitemaps))
        stopped = asyncio.create_task(self._stop.wait())
        window = self.config.max_runtime_s
        timer = loop.call_later(window, self._window_over) if window is not None else None
        try:
            with self._interruptible():
                await asyncio.wait({phases, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if timer is not None:
                timer.cancel()
            for waiter in (phases, stopped):
                waiter.cancel()
            await asyncio.gather(phases, stopped, return_exceptions=True)
        if not phases.cancelled() and phases.exception() is not None:
            raise phases.exception()  # type: ignore[misc]
        return self.stop_reason or "complete"

    async def _phases(
        self, start_urls: list[str], seeds: list[CommitmentRef], sitemaps: list[str]
    ) -> None:
        # Known pages join the frontier first: a run stopped even before robots.txt is read
        # (a signal, the --max-runtime window) still knows which pages it did not reach.
        seed_urls = [url for ref in seeds if (url := self.frontier.offer_commitment(ref))]
        policy = await read_robots(self.ctx)
        self.policy_decision = policy.decision
        check_crawl_delay(policy, self.config)
        needed = [*start_urls, *(commitment_url(ref, self.config.base_url) for ref in seeds)]
        if not any(policy.allowed(url) for url in needed or [self._sample()]):
            raise RobotsDisallowed(f"{policy.decision}: nothing this run needs may be fetched")
        self.ctx.fetcher.allowed = policy.allowed
        self.ctx.fetcher.throttle.honour_crawl_delay(policy.crawl_delay)
        count = self.config.concurrency * _WORKERS_PER_CONNECTION
        workers = [asyncio.create_task(self._worker()) for _ in range(count)]
        try:
            if self.config.use_sitemaps:
                self._deferred = []  # pages wait until every sitemap lastmod is known
                self.put_all(sitemap_tasks(self.ctx, [*policy.sitemaps, *sitemaps]))
                await self._drain()
                deferred, self._deferred = self._deferred, None
                self.put_all(deferred)
            self.put_all([task("commitment", url) for url in seed_urls])
            self._put_start_pages(start_urls)
            if self.config.probe_ids:
                await self._drain(until_only_retries=True)
                self._probing = True
                self.put_all(first_probes(self.frontier, self.config.probe_misses))
            await self._drain()
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

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

    async def _drain(self, *, until_only_retries: bool = False) -> None:
        """Wait until every queued task is done (or, ``until_only_retries``, until the tasks
        not done are all waiting out a retry). Re-raises what stopped a worker for good."""
        done = self._only_retries_left() if until_only_retries else self.queue.join()
        joined = asyncio.create_task(done)
        crashed = asyncio.create_task(self._crashed.wait())
        try:
            await asyncio.wait({joined, crashed}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (joined, crashed):
                waiter.cancel()
            await asyncio.gather(joined, crashed, return_exceptions=True)
        if self._failure is not None:
            raise self._failure

    async def _only_retries_left(self) -> None:
        while self.queue.qsize() or self._busy > self.ctx.fetcher.retry_waits:
            self._changed.clear()
            await self._changed.wait()

    async def _worker(self) -> None:
        while True:
            item = await self.queue.get()
            self._busy += 1
            try:
                if not self._skip(item):
                    self.put_all(await self._step(item))
            except FATAL as exc:  # the raw store itself failed: _drain re-raises it
                self._fail_run(exc)
                return
            except Exception as exc:  # noqa: BLE001 - one task's bug is that URL's failure
                try:
                    self._task_failed(item, exc)
                except FATAL as fatal:
                    self._fail_run(fatal)
                    return
            finally:
                self._busy -= 1
                self._changed.set()
                self.queue.task_done()

    def _fail_run(self, exc: BaseException) -> None:
        self._failure = exc
        self._crashed.set()

    def _task_failed(self, item: Task, exc: Exception) -> None:
        """An unexpected error while handling one task: that URL fails, with the reason; the
        traceback goes to the log for a bug report."""
        url = item.url or self._probe_url(item)
        reason = f"{UNEXPECTED}{type(exc).__name__}: {exc}"
        log.error("%s: %s", url, reason, exc_info=exc, extra={"event": "page_failed", "url": url})
        self.tally.fail(url, reason)
        if item.kind == "commitment" and url in self.frontier.refs:
            record_failed_page(self.ctx, url, reason)
            self._page_done(item)

    def _probe_url(self, item: Task) -> str:
        target = item.probe
        if target is None:
            return f"({item.kind} task)"
        ref = self.frontier.probe_ref(target.member_slug, target.prefix, target.number)
        return commitment_url(ref, self.config.base_url)

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
            self._page_done(item)
            if self._probing:  # a page that came late may move its series' probes on
                ref = self.frontier.refs[item.url]
                prefix = id_prefix(ref.commitment_id)
                follow += window(self.frontier, ref.member_slug, prefix, self.config.probe_misses)
        return follow

    def _page_done(self, item: Task) -> None:
        self.ctx.done.add(item.url)
        self.tally.commitments_done += 1
        self.progress.page_done()

    def _window_over(self) -> None:
        if self.stop_reason is None:
            log.warning("--max-runtime of %g s is over: stopping fetching now",
                        self.config.max_runtime_s)  # fmt: skip
            self.stop_reason = "max_runtime"
        self._stop.set()

    @contextmanager
    def _interruptible(self) -> Iterator[None]:
        """SIGINT/SIGTERM stop the run now (cancelling requests in flight, waits and
        backoffs); a second one raises KeyboardInterrupt. Only where signal handlers can be
        set (a main thread); the handlers that were there before come back after."""
        loop = asyncio.get_running_loop()
        installed = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(signum)
            try:
                loop.add_signal_handler(signum, self._interrupt, signum)
            except (RuntimeError, ValueError, NotImplementedError):
                continue  # not the main thread (e.g. a test harness): the default stays
            installed.append((signum, previous))
        try:
            yield
        finally:
            for signum, previous in installed:
                loop.remove_signal_handler(signum)
                with suppress(TypeError, ValueError):  # a handler not set from Python
                    signal.signal(signum, previous)

    def _interrupt(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if self.stop_reason == "interrupted":  # a second signal: do not wait for anything
            log.warning("%s received again: stopping at once", name)
            raise KeyboardInterrupt
        log.warning("%s received: stopping now; what was fetched is kept in raw/", name)
        self.stop_reason = "interrupted"
        self._stop.set()
