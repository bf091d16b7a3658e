"""robots.txt decisions per RFC 9309, parsed with protego.

- 2xx: the rules apply (matched against our User-Agent), with Crawl-delay and Sitemap lines.
- 4xx ("unavailable"): no rules, everything allowed (RFC 9309 section 2.3.1.3).
- 5xx or unreachable after every retry ("unreachable"): everything disallowed (section
  2.3.1.4). Many crawlers get this one wrong and crawl a struggling site at full speed.
  429 is treated as unreachable too: it is the server saying "not now", not "no file".
- Only the first 500 KiB are read and parsed (section 2.5); a larger file is not an error.
- A Crawl-delay above ``max_crawl_delay_s`` stops the run (``CrawlDelayTooLong``): a person
  decides whether to obey it for days.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from protego import Protego

from pipeline.config import FetchConfig
from pipeline.errors import CrawlDelayTooLong, FetchGaveUp, StoreCorrupt
from pipeline.extract.fetcher import Expect
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.steps import StepContext
from pipeline.urls import site_root

log = logging.getLogger("pipeline.extract")

# RFC 9309 section 2.5: crawlers must parse at least 500 KiB; a larger file is not a real
# robots.txt, and the first 500 KiB are what counts (the rest is not even downloaded).
ROBOTS_MAX_BYTES = 500 * 1024
# The number of pages a Crawl-delay is multiplied by in the refusal message: the live site's.
_SITE_PAGES = 6500


@dataclass(frozen=True)
class RobotsPolicy:
    decision: str  # one line, for the log and the summary
    user_agent: str
    disallow_all: bool = False
    rules: Protego | None = field(default=None, repr=False)
    crawl_delay: float | None = None
    sitemaps: tuple[str, ...] = ()

    def allowed(self, url: str) -> bool:
        if self.disallow_all:
            return False
        if self.rules is None:
            return True
        return bool(self.rules.can_fetch(url, self.user_agent))


def from_rules(body: bytes, status: int, user_agent: str) -> RobotsPolicy:
    text = body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
    rules = Protego.parse(text)
    raw_delay = rules.crawl_delay(user_agent)
    delay = float(raw_delay) if raw_delay is not None else None
    if delay is not None and not delay >= 0:  # NaN or negative: no usable Crawl-delay
        delay = None
    sitemaps = tuple(dict.fromkeys(rules.sitemaps))
    details = [f"Crawl-delay {delay:g} s" if delay is not None else "no Crawl-delay"]
    details.append(f"{len(sitemaps)} Sitemap line(s)")
    return _logged(
        RobotsPolicy(
            decision=f"robots.txt {status}: rules apply ({', '.join(details)})",
            user_agent=user_agent,
            rules=rules,
            crawl_delay=delay,
            sitemaps=sitemaps,
        )
    )


def allow_all(status: int, user_agent: str) -> RobotsPolicy:
    return _logged(
        RobotsPolicy(
            decision=f"robots.txt {status}: unavailable, so everything is allowed (RFC 9309)",
            user_agent=user_agent,
        )
    )


def disallow_all(what: str, user_agent: str) -> RobotsPolicy:
    return _logged(
        RobotsPolicy(
            decision=f"robots.txt {what}: unreachable, so everything is disallowed (RFC 9309)",
            user_agent=user_agent,
            disallow_all=True,
        )
    )


def _logged(policy: RobotsPolicy) -> RobotsPolicy:
    log.info("%s", policy.decision)
    return policy


def check_crawl_delay(policy: RobotsPolicy, config: FetchConfig) -> None:
    """Raise CrawlDelayTooLong when robots.txt asks for more than the configured cap."""
    delay = policy.crawl_delay
    if delay is None or delay <= config.max_crawl_delay_s:
        return
    days = delay * _SITE_PAGES / 86400
    raise CrawlDelayTooLong(
        f"robots.txt asks for a Crawl-delay of {delay:g} s, above the {config.max_crawl_delay_s:g}"
        f" s cap: {_SITE_PAGES:,} pages would take {days:.1f} days. Nothing was fetched; to "
        f"obey it anyway, rerun with --max-crawl-delay {delay:g}"
    )


async def read_robots(ctx: StepContext) -> RobotsPolicy:
    """Fetch robots.txt (conditionally) once per run and decide what it allows."""
    try:
        return await _read_robots(ctx, use_cache=True)
    except StoreCorrupt:  # the stored copy a 304 confirmed is damaged (and now moved aside)
        return await _read_robots(ctx, use_cache=False)


async def _read_robots(ctx: StepContext, *, use_cache: bool) -> RobotsPolicy:
    url = site_root(ctx.config.base_url) + "/robots.txt"
    agent = ctx.config.user_agent
    expect = Expect(ROBOTS_MAX_BYTES, html_only=False, truncate=True)
    try:
        fetched, cached = await ctx.fetch_document(url, expect, use_cache=use_cache)
    except FetchGaveUp as exc:
        status = exc.status
        if status is not None and 400 <= status < 500 and status not in (408, 429):
            return allow_all(status, agent)
        return disallow_all(str(exc), agent)
    if fetched.status in GONE_STATUSES:
        return allow_all(fetched.status, agent)
    if cached is not None:  # 304: the stored copy is current
        doc = ctx.db.document(url)
        assert doc is not None and doc.sha256 is not None
        stored = await ctx.read_body(doc.sha256)
        return await asyncio.to_thread(from_rules, stored, 304, agent)
    assert fetched.body is not None
    meta = ctx.body_meta("robots", url, fetched)
    body = await ctx.write_body(fetched.body, meta)
    ctx.record_document(url, "robots", fetched, body, None)
    # Parsed in a worker thread: up to 500 KiB of rules must not hold up the event loop.
    return await asyncio.to_thread(from_rules, fetched.body, fetched.status, agent)
