"""The step that fetches one commitment page (conditionally), records it in the raw store, and
follows its links. Pages known gone are re-checked with HEAD; pages a sitemap says are
unchanged since the last check are not requested at all. A page whose stored body is missing
or damaged is fetched unconditionally (no validators), and its body written again."""

from __future__ import annotations

from dataclasses import replace

from pipeline.errors import FetchGaveUp
from pipeline.extract.discovery.links import (
    follow_cached_links,
    follow_links,
    keep_body_and_links,
)
from pipeline.extract.fetcher import Fetched
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import Task
from pipeline.raw import PageKey, PageState
from pipeline.urls import commitment_url, parse_commitment_url


async def fetch_commitment(ctx: StepContext, item: Task) -> list[Task]:
    url = item.url
    key = page_key(ctx, url)
    state = ctx.db.page_for(key)
    if ctx.dry_run:
        return await _plan(ctx, url, state)
    if not ctx.fetcher.allowed(url):
        return _page_failed(ctx, key, None, "disallowed by robots.txt", 0)
    has_body = state is not None and state.sha256 is not None and ctx.body_intact(state.sha256, url)
    if has_body and _unchanged_by_lastmod(ctx, url, state):
        assert state is not None
        ctx.tally.not_modified += 1
        ctx.tally.skipped_by_lastmod += 1
        ctx.tally.bytes_saved += state.body_size or 0
        ctx.current.add(url)
        return await follow_cached_links(ctx, state)
    validators = (state.etag, state.last_modified) if state and has_body else (None, None)
    try:
        if state is not None and state.state == "gone":
            # Known gone: ask with HEAD first, so a page still gone costs no body.
            fetched = await ctx.fetcher.fetch(url, ctx.page_expect, method="HEAD")
            if fetched.status in GONE_STATUSES:
                return _gone(ctx, key, url, fetched)
        fetched = await ctx.fetcher.fetch(url, ctx.page_expect, validators=validators)
    except FetchGaveUp as exc:
        return _page_failed(ctx, key, exc.status, str(exc), exc.attempts)
    if fetched.status == 304 and state is not None and has_body:
        return await _not_modified(ctx, url, state, fetched)
    if fetched.status in GONE_STATUSES:
        return _gone(ctx, key, url, fetched)
    if fetched.status != 200 or fetched.body is None:
        return _page_failed(ctx, key, fetched.status, "304 for a page never stored", 1)
    return await _page_body(ctx, key, fetched)


async def _plan(ctx: StepContext, url: str, state: PageState | None) -> list[Task]:
    """Dry run: what a run would do with this page, decided without asking the site; the
    links of its stored copy are followed as a run would on a 304."""
    has_body = state is not None and state.sha256 is not None and ctx.body_intact(state.sha256, url)
    if not ctx.fetcher.allowed(url):
        action = "disallowed"
    elif state is not None and state.state == "gone":
        action = "recheck_gone"  # HEAD first: a page still gone costs no body
    elif not has_body:
        action = "download"  # new, or its stored body is missing or damaged
    elif _unchanged_by_lastmod(ctx, url, state):
        action = "skip"  # the sitemap's lastmod says unchanged since the last check
    else:
        action = "revalidate"  # a conditional request: most answer 304, no body
    ctx.planned[url] = action
    if has_body and state is not None and action != "disallowed":
        return await follow_cached_links(ctx, state)
    return []


def _gone(ctx: StepContext, key: PageKey, url: str, fetched: Fetched) -> list[Task]:
    ctx.db.record_page_outcome(
        key, ctx.fetch_record(fetched.attempts), state="gone", http_status=fetched.status,
        error=None,
    )  # fmt: skip
    ctx.tally.gone.add(url)
    return []


def _unchanged_by_lastmod(ctx: StepContext, url: str, state: PageState | None) -> bool:
    changed_by = ctx.frontier.changed_by.get(url)
    return (
        not ctx.config.full
        and changed_by is not None
        and state is not None
        and state.state == "ok"
        and state.sha256 is not None
        and state.checked_at is not None
        and changed_by <= state.checked_at
    )


async def _not_modified(
    ctx: StepContext, url: str, state: PageState, fetched: Fetched
) -> list[Task]:
    ctx.db.record_page_not_modified(state.url, ctx.fetch_record_for(fetched))
    ctx.tally.not_modified += 1
    ctx.tally.bytes_saved += state.body_size or 0
    ctx.current.add(url)
    return await follow_cached_links(ctx, state)


async def _page_body(ctx: StepContext, key: PageKey, fetched: Fetched) -> list[Task]:
    final = parse_commitment_url(fetched.url)
    if final is None or final.commitment_id != key.commitment_id:
        reason = f"redirected to {fetched.url}, which is not this commitment's page"
        return _page_failed(ctx, key, 200, reason, fetched.attempts)
    if final.member_slug != key.member_slug:  # the member's slug changed: follow the site
        url = commitment_url(replace(final, language=key.language), ctx.config.base_url)
        key = PageKey(url, key.commitment_id, final.member_slug, key.language)
    assert fetched.body is not None
    body, links = await keep_body_and_links(ctx, fetched.body, "page", key.url, fetched)
    changed = ctx.db.record_page_body(
        key, ctx.fetch_record_for(fetched), fetched_url=fetched.url, body=body, discoveries=links
    )
    if changed:
        ctx.tally.fetched += 1
    else:
        ctx.tally.unchanged += 1
    ctx.current.update({key.url, fetched.url})
    return follow_links(ctx, links, key.url)


def page_key(ctx: StepContext, url: str) -> PageKey:
    ref = ctx.frontier.refs[url]
    return PageKey(url, ref.commitment_id, ref.member_slug, ref.language)


def record_failed_page(ctx: StepContext, url: str, reason: str) -> None:
    """A commitment page of the frontier failed without an answer to record (an unexpected
    error, or the run's window closed first): its row says so and keeps any stored body."""
    _page_failed(ctx, page_key(ctx, url), None, reason, 0)


def _page_failed(
    ctx: StepContext, key: PageKey, status: int | None, reason: str, attempts: int
) -> list[Task]:
    if not ctx.dry_run:
        ctx.db.record_page_outcome(
            key, ctx.fetch_record(attempts), state="failed", http_status=status, error=reason
        )
    ctx.tally.fail(key.url, reason)
    return []
