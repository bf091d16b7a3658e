"""Discovery by following links: the start pages, the links found in every fetched page (the
listing, member pages, commitment pages), and the step that fetches a start or member page.

Only member pages (``/members/{slug}/``) and commitment pages
(``/members/{slug}/commitments/{ID}/``) are ever followed, so the raw bytes are searched for
``href`` values with one regular expression (see ``_HREF``): cheaper than building a DOM.

The search is linear in the body's size whatever the body holds: every repetition in the
pattern is bounded, a quoted value ends at its quote, and a bare value is taken whole (its
``members/`` is checked afterwards). An unbounded ``[^"]*members/`` scanned to the end of the
body from every ``href=`` and made 160 KB of repeated ``href=`` take 31 s.
"""

from __future__ import annotations

import asyncio
import html
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from pipeline.config import FetchConfig
from pipeline.errors import FetchGaveUp, StoreCorrupt
from pipeline.extract.fetcher import Fetched
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import Task, task
from pipeline.raw import BodyRef, PageState
from pipeline.urls import member_url, site_root, split_url

# The site's member listing. No archived copy shows its real path; "/our-members/" is the best
# guess. A wrong guess fails loudly (the start page is reported as failed) and --start-url
# replaces it; the seed file and ID probes do not depend on it. The demo site serves the
# listing here and at /members/.
DEFAULT_START_PATH = "/our-members/"

# An href value, quoted either way (containing "members/") or bare (any, filtered after).
# Case-sensitive so that the regex engine can jump between literal "href" occurrences (~0.2 ms
# for a 120 KB page); pages that spell it otherwise take the case-insensitive path. Values are
# at most 4,096 bytes (browsers accept longer URLs, sites do not write them): this bound and the
# quotes are what keep each attempt short.
# (No lookbehind for "data-href": it would cost the literal-prefix speed-up; the byte before a
# match is checked in Python instead, for the few hundred matches only.)
_HREF = (
    rb"""href\s{0,64}=\s{0,64}(?:"([^"]{0,4096}?members/[^"]{0,4096})"|"""
    rb"""'([^']{0,4096}?members/[^']{0,4096})'|([^"'\s>]{1,4096}))"""
)
_HREF_RE = re.compile(_HREF)
_HREF_ANY_CASE_RE = re.compile(_HREF, re.IGNORECASE)
_ABSOLUTE = ("http://", "https://")
# Link finding runs on the event loop for ordinary pages (well under a millisecond); a body
# above 1 MiB (only broken or hostile pages are) is searched in a worker thread instead, so
# other downloads and signal handling are never held up by it.
_INLINE_MAX_BYTES = 1024 * 1024


@lru_cache(maxsize=1 << 16)
def _resolve(base: str, link: str) -> str:
    # Pages of one site repeat the same menu and member-list links thousands of times; urljoin
    # costs ~20 us, a cache hit well under 1 us. A link urljoin cannot parse (a bad IPv6 host)
    # is kept as written and reported when followed.
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def extract_links(body: bytes, page_url: str, max_links: int = 10_000) -> list[str]:
    """Absolute URLs of the member and commitment links in a page, in page order, once each;
    at most ``max_links`` of them (the rest of the page is not searched)."""
    found: dict[str, None] = {}
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}/"  # "/members/..." resolves the same on every page
    pattern = _HREF_RE if b"HREF" not in body and b"Href" not in body else _HREF_ANY_CASE_RE
    for match in pattern.finditer(body):
        value = match.group(1) or match.group(2) or match.group(3)
        if match.group(3) and b"members/" not in value:
            continue
        before = body[match.start() - 1 : match.start()]
        if before and (before.isalnum() or before in b"-_:"):
            continue  # data-href=, xlink:href= and the like are not links to follow
        raw = value.decode("utf-8", errors="replace")
        link = (html.unescape(raw) if "&" in raw else raw).strip().split("#", 1)[0]
        if link.startswith(_ABSOLUTE):
            found.setdefault(link, None)
        else:
            found.setdefault(_resolve(root if link.startswith("/") else page_url, link), None)
        if len(found) >= max_links:
            break
    return list(found)


async def find_links(ctx: StepContext, body: bytes, url: str) -> list[str]:
    """``extract_links`` with the run's cap, off the event loop for a large body."""
    limit = ctx.config.max_links_per_page
    if len(body) <= _INLINE_MAX_BYTES:
        return extract_links(body, url, limit)
    return await asyncio.to_thread(extract_links, body, url, limit)


def start_urls(config: FetchConfig) -> list[str]:
    """The link crawl's start pages: the configured ones, else the member's own page with
    --only, else the member listing in the run's language."""
    if not config.crawl_links:
        return []
    if config.start_urls:
        return [urljoin(config.base_url, url) for url in config.start_urls]
    if config.only_member is not None:
        return [member_url(config.only_member, config.base_url, config.language)]
    prefix = "" if config.language == "en" else f"/{config.language}"
    return [site_root(config.base_url) + prefix + DEFAULT_START_PATH]


async def crawl_page(ctx: StepContext, item: Task) -> list[Task]:
    """The step of a start page or member page: only its links matter."""
    url = item.url
    try:
        fetched, cached = await ctx.fetch_document(url, ctx.page_expect)
    except FetchGaveUp as exc:
        ctx.tally.fail(url, str(exc))
        return []
    if fetched.status in GONE_STATUSES:
        ctx.tally.fail(url, f"HTTP {fetched.status}")
        return []
    if cached is not None:
        return follow_links(ctx, cached, url)
    assert fetched.body is not None
    body, links = await keep_body_and_links(ctx, fetched.body, "links", url, fetched)
    ctx.record_document(url, "page", fetched, body, links)
    return follow_links(ctx, links, url)


async def keep_body_and_links(
    ctx: StepContext, body: bytes, kind: str, url: str, fetched: Fetched
) -> tuple[BodyRef, list[str]]:
    """Store the body with its metadata (in a worker thread: hashing, zstd and fsync release
    the GIL, so transfers go on meanwhile) and find its links."""
    meta = ctx.body_meta(kind, url, fetched)
    stored = ctx.write_body(body, meta)
    links = await find_links(ctx, body, fetched.url)
    return await stored, links


async def follow_cached_links(ctx: StepContext, page: PageState) -> list[Task]:
    """The tasks for the links recorded for a page's stored body (a 304 needs no re-parse).
    A body whose links were never recorded (a migrated or rebuilt store) is searched once."""
    assert page.sha256 is not None
    links = ctx.db.discoveries(page.sha256)
    if links is None:
        try:
            body = await ctx.read_body(page.sha256)
        except StoreCorrupt:  # moved aside: the next run fetches the page again
            ctx.tally.damaged.add(page.url)
            return []
        links = await find_links(ctx, body, page.fetched_url or page.url)
        ctx.record_discoveries(page.sha256, links)
    return follow_links(ctx, links, page.url)


def follow_links(ctx: StepContext, links: list[str], source: str) -> list[Task]:
    if not ctx.config.crawl_links:
        return []
    tasks = []
    for link in links:
        if split_url(link) is None:
            ctx.tally.fail(link, f"invalid URL in a link on {source}")
            continue
        offered = ctx.frontier.offer_link(link, source="links")
        if offered is not None:
            kind, url = offered
            tasks.append(task("commitment" if kind == "commitment" else "page", url))
    return tasks
