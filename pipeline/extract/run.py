"""``run_extract``: one extract run, from opening the raw store to the summary."""

from __future__ import annotations

import asyncio
from contextlib import AbstractContextManager, AsyncExitStack, nullcontext
from dataclasses import replace
from datetime import datetime

from pipeline.clock import utc_now
from pipeline.config import Config, FetchConfig
from pipeline.extract.client import http_client
from pipeline.extract.commitment_pages import record_failed_page
from pipeline.extract.crawl import Crawl
from pipeline.extract.discovery.frontier import Frontier
from pipeline.extract.discovery.links import start_urls
from pipeline.extract.discovery.seeds import parse_seed_file
from pipeline.extract.dryrun import dry_run_store, plan_of
from pipeline.extract.fetcher import Fetcher
from pipeline.extract.progress import Progress
from pipeline.extract.ratelimit import HostThrottle
from pipeline.extract.steps import StepContext
from pipeline.extract.summary import FailedFetch, FetchSummary, Tally
from pipeline.raw import RawStore, raw_lock
from pipeline.urls import CommitmentRef, site_root


def run_extract(config: Config, run_id: str, *, lock: bool = True) -> FetchSummary:
    """Discover and fetch every commitment page into ``config.raw_dir``.

    ``lock=False`` when the caller (the refresh orchestrator) already holds the raw/ lock.
    Raises LockHeld, RobotsDisallowed (robots.txt forbids everything, including a robots.txt
    answering 5xx or unreachable), CrawlDelayTooLong (a guard: Crawl-delay over the cap),
    ConfigError (a malformed seed file), RawStoreError (raw/ full, damaged or of another
    version). A signal ends it with finish_reason "interrupted" (not an exception).
    """
    fetch = config.fetch
    seeds = parse_seed_file(fetch.seed_file, fetch.base_url) if fetch.seed_file else []
    if fetch.dry_run:  # reads raw/ only, so it takes no lock (see dryrun.py)
        with dry_run_store(config) as store:
            return asyncio.run(_extract(fetch, run_id, store, seeds))
    guard: AbstractContextManager[None] = raw_lock(config.raw_dir) if lock else nullcontext()
    with guard, RawStore(config.raw_dir, writable=True) as store:
        return asyncio.run(_extract(fetch, run_id, store, seeds))


async def _extract(
    fetch: FetchConfig, run_id: str, store: RawStore, seeds: list[CommitmentRef]
) -> FetchSummary:
    started = utc_now()
    tally = Tally()
    frontier = Frontier(fetch.base_url, fetch.language, fetch.only_member)
    throttle = HostThrottle(
        site_root(fetch.base_url), fetch.delay_s, max_delay_s=max(fetch.max_delay_s, fetch.delay_s)
    )
    known = [
        CommitmentRef(page.member_slug, page.commitment_id, page.language)
        for page in store.db.pages()
        if page.state != "gone" and page.language == fetch.language
    ]
    async with AsyncExitStack() as clients:
        pool = [
            await clients.enter_async_context(http_client(fetch)) for _ in range(fetch.concurrency)
        ]
        fetcher = Fetcher(pool, fetch, throttle, tally)
        ctx = StepContext(fetch, run_id, store, fetcher, tally, frontier)
        progress = Progress(
            tally, lambda: len(frontier.commitments), bar=fetch.progress,
            log_every_s=fetch.log_every_s,
        )  # fmt: skip
        try:
            crawl = Crawl(fetch, ctx, progress)
            reason = await crawl.run(start_urls(fetch), [*seeds, *known], list(fetch.sitemap_urls))
        finally:
            progress.close()
    if reason != "complete":
        progress.log_line()
    not_reached = _record_not_reached(ctx) if reason == "max_runtime" else 0
    summary = _summary(run_id, started, reason, ctx, throttle, crawl.policy_decision, not_reached)
    return replace(summary, plan=plan_of(ctx, seeds, known)) if fetch.dry_run else summary


NOT_REACHED = "not reached before --max-runtime"


def _record_not_reached(ctx: StepContext) -> int:
    """The window closed: every known commitment page not handled in this run is recorded
    as failed for this run (keeping its stored body, so it is published from that, marked
    stale), and listed with the failures."""
    handled = ctx.done | ctx.current | ctx.tally.gone | set(ctx.tally.failed)
    missed = [url for url in sorted(ctx.frontier.refs) if url not in handled]
    for url in missed:
        record_failed_page(ctx, url, NOT_REACHED)
        ctx.tally.fail(url, NOT_REACHED)
    return len(missed)


def _summary(
    run_id: str,
    started: datetime,
    reason: str,
    ctx: StepContext,
    throttle: HostThrottle,
    robots: str,
    not_reached: int,
) -> FetchSummary:
    tally, frontier, db = ctx.tally, ctx.frontier, ctx.db
    unfetched = []
    for url in sorted(frontier.refs):
        if url in ctx.current or url in tally.gone:
            continue
        state = db.page(url)
        if state is None or not state.has_body:
            unfetched.append(url)
    return FetchSummary(
        run_id=run_id,
        started_at=started,
        finished_at=utc_now(),
        finish_reason=reason,
        discovered=len(frontier.commitments),
        fetched=tally.fetched,
        not_modified=tally.not_modified,
        failed=tuple(FailedFetch(url, why) for url, why in sorted(tally.failed.items())),
        gone=tuple(sorted(tally.gone)),
        referenced_not_fetched=tuple(unfetched),
        requests_by_status=dict(tally.requests_by_status),
        retries_by_reason=dict(tally.retries_by_reason),
        bytes_downloaded=tally.bytes_downloaded,
        bytes_saved=tally.bytes_saved,
        slowdowns=throttle.slowdowns,
        retry_after_s=tally.retry_after_s,
        robots=robots,
        unchanged=tally.unchanged,
        skipped_by_lastmod=tally.skipped_by_lastmod,
        damaged_bodies=tuple(sorted(tally.damaged)),
        not_reached=not_reached,
    )
