"""Discovery by following links: the start pages, the links found in every fetched page (the
listing, member pages, commitment pages), and the step that fetches a start or member page.

Only member pages (``/members/{slug}/``) and commitment pages
(``/members/{slug}/commitments/{ID}/``) are ever followed, so the raw bytes are searched for
``href`` values containing ``members/`` with one case-sensitive regular expression (see
``_HREF``): cheaper than building a DOM, and than checking every ``members/`` substring.
"""

from __future__ import annotations

import asyncio
import html
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from pipeline.config import FetchConfig
from pipeline.errors import FetchGaveUp
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import Task, task
from pipeline.raw import BodyRef
from pipeline.urls import member_url, site_root

# The site's member listing. No archived copy shows its real path; "/our-members/" is the best
# guess. A wrong guess fails loudly (the start page is reported as failed) and --start-url
# replaces it; the seed file and ID probes do not depend on it. The demo site serves the
# listing here and at /members/.
DEFAULT_START_PATH = "/our-members/"

# An href whose value contains "members/", quoted either way or bare. Case-sensitive so that
# the regex engine can jump between literal "href" occurrences (~0.2 ms for a 120 KB page,
# against ~1 ms case-insensitively); pages that spell it otherwise take the slow path.
# (No lookbehind for "data-href": it would cost the literal-prefix speed-up; the byte before a
# match is checked in Python instead, for the few hundred matches only.)
_HREF = (
    rb"""href\s*=\s*(?:"([^"]*?members/[^"]*)"|'([^']*?members/[^']*)'"""
    rb"""|([^"'\s>]*members/[^"'\s>]*))"""
)
_HREF_RE = re.compile(_HREF)
_HREF_ANY_CASE_RE = re.compile(_HREF, re.IGNORECASE)
_ABSOLUTE = ("http://", "https://")


@lru_cache(maxsize=1 << 16)
def _resolve(base: str, link: str) -> str:
    # Pages of one site repeat the same menu and member-list links thousands of times; urljoin
    # costs ~20 us, a cache hit well under 1 us.
    return urljoin(base, link)


def extract_links(body: bytes, page_url: str) -> list[str]:
    """Absolute URLs of the member and commitment links in a page, in page order, once each."""
    found: dict[str, None] = {}
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}/"  # "/members/..." resolves the same on every page
    pattern = _HREF_RE if b"HREF" not in body and b"Href" not in body else _HREF_ANY_CASE_RE
    for match in pattern.finditer(body):
        before = body[match.start() - 1 : match.start()]
        if before and (before.isalnum() or before in b"-_:"):
            continue  # data-href=, xlink:href= and the like are not links to follow
        value = match.group(1) or match.group(2) or match.group(3)
        raw = value.decode("utf-8", errors="replace")
        link = (html.unescape(raw) if "&" in raw else raw).strip().split("#", 1)[0]
        if link.startswith(_ABSOLUTE):
            found.setdefault(link, None)
        else:
            found.setdefault(_resolve(root if link.startswith("/") else page_url, link), None)
    return list(found)


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
        return follow_links(ctx, cached)
    assert fetched.body is not None
    body, links = await keep_body_and_links(ctx, fetched.body, fetched.url)
    ctx.record_document(url, "page", fetched, body, links)
    return follow_links(ctx, links)


async def keep_body_and_links(ctx: StepContext, body: bytes, url: str) -> tuple[BodyRef, list[str]]:
    """Store the body (in a worker thread: hashing, zstd and fsync release the GIL, so
    transfers go on meanwhile) and find its links (here: a regex holds the GIL anyway)."""
    stored = asyncio.to_thread(ctx.store.write_body, body)
    links = extract_links(body, url)
    return await stored, links


def follow_cached_links(ctx: StepContext, sha256: str) -> list[Task]:
    """The tasks for the links recorded for a stored body (a 304 needs no re-parse)."""
    return follow_links(ctx, ctx.db.discoveries(sha256) or [])


def follow_links(ctx: StepContext, links: list[str]) -> list[Task]:
    if not ctx.config.crawl_links:
        return []
    tasks = []
    for link in links:
        offered = ctx.frontier.offer_link(link)
        if offered is not None:
            kind, url = offered
            tasks.append(task("commitment" if kind == "commitment" else "page", url))
    return tasks
