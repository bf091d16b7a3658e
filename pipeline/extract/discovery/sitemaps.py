"""Discovery by sitemaps: the sitemap step, and sitemap and sitemap-index parsing (gzip or plain,
size-capped, no entity expansion). Sitemaps (from robots.txt ``Sitemap:`` lines or an index)
are read only on the allowed hosts (the site's host or its www twin, same scheme and port);
others are refused and reported, never requested.

The parsing functions are pure, on bytes. ``lastmod`` is turned into the latest
moment the change could have happened (a date alone means "some time that day"), so comparing
it with our last check never skips a page that changed after it.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from pipeline.errors import FetchGaveUp, SitemapError
from pipeline.extract.fetcher import Expect
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import Task, task
from pipeline.urls import on_allowed_host, site_root

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    changed_by: datetime | None  # upper bound of lastmod (UTC); None when no lastmod


@dataclass(frozen=True)
class Sitemap:
    children: tuple[SitemapEntry, ...]  # entries of a sitemap index: more sitemaps
    urls: tuple[SitemapEntry, ...]  # entries of a urlset: pages


def decompress(body: bytes, max_bytes: int) -> bytes:
    """The XML of a sitemap body, gunzipped when it is gzip (by magic bytes, not by name or
    header: servers label .xml.gz inconsistently). Refuses to inflate past max_bytes."""
    if not body.startswith(_GZIP_MAGIC):
        if len(body) > max_bytes:
            raise SitemapError(f"sitemap is {len(body)} bytes, over the {max_bytes}-byte cap")
        return body
    inflater = zlib.decompressobj(wbits=31)
    try:
        xml = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise SitemapError(f"sitemap is not valid gzip: {exc}") from exc
    if len(xml) > max_bytes:
        raise SitemapError(f"sitemap inflates past the {max_bytes}-byte cap")
    return xml


def parse_sitemap(body: bytes, max_bytes: int) -> Sitemap:
    xml = decompress(body, max_bytes)
    try:
        root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SitemapError(f"sitemap refused: {type(exc).__name__} (no DTDs or entities)") from exc
    except ParseError as exc:
        raise SitemapError(f"sitemap is not well-formed XML: {exc}") from exc
    kind = _local(root.tag)
    if kind == "sitemapindex":
        return Sitemap(children=tuple(_entries(root, "sitemap")), urls=())
    if kind == "urlset":
        return Sitemap(children=(), urls=tuple(_entries(root, "url")))
    raise SitemapError(f"not a sitemap: root element <{kind}>")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _entries(root: Element, item_tag: str) -> list[SitemapEntry]:
    entries = []
    for item in root:
        if _local(item.tag) != item_tag:
            continue
        fields = {_local(child.tag): (child.text or "").strip() for child in item}
        if fields.get("loc"):
            entries.append(SitemapEntry(fields["loc"], changed_by(fields.get("lastmod"))))
    return entries


def changed_by(lastmod: str | None) -> datetime | None:
    """The latest moment a W3C-datetime lastmod can stand for, in UTC: a date alone is the end
    of that day anywhere on Earth (the UTC-12 zone ends it last); a time is rounded up to the
    next whole second. None when absent or unreadable (then the page is always revalidated)."""
    if not lastmod:
        return None
    text = lastmod.strip().replace("Z", "+00:00")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(), UTC) + timedelta(days=1, hours=12)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC) + timedelta(hours=12)  # zone unknown: the latest
    return moment.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)


async def read_sitemap(ctx: StepContext, item: Task) -> list[Task]:
    """The step of a sitemap or sitemap index: what it lists, with lastmod, is offered to the
    frontier (a 304 takes the entries recorded for the stored copy)."""
    url, config = item.url, ctx.config
    expect = Expect(config.sitemap_max_bytes, html_only=False)
    try:
        fetched, cached = await ctx.fetch_document(url, expect)
    except FetchGaveUp as exc:
        ctx.tally.fail(url, f"sitemap: {exc}")
        return []
    if fetched.status in GONE_STATUSES:
        ctx.tally.fail(url, f"sitemap: HTTP {fetched.status}")
        return []
    if cached is None:
        assert fetched.body is not None
        try:
            found = await asyncio.to_thread(parse_sitemap, fetched.body, expect.max_bytes)
        except SitemapError as exc:
            ctx.tally.fail(url, f"sitemap: {exc}")
            return []
        cached = [_encode("S", e) for e in found.children] + [_encode("U", e) for e in found.urls]
        meta = ctx.body_meta("sitemap", url, fetched)
        body = await ctx.write_body(fetched.body, meta)
        ctx.record_document(url, "sitemap", fetched, body, cached)
    return _follow_sitemap(ctx, cached, item.depth)


def sitemap_tasks(ctx: StepContext, urls: list[str], *, depth: int = 0) -> list[Task]:
    """Tasks for the sitemaps at these URLs (robots.txt Sitemap: lines, the configured ones,
    an index's entries): only those on the allowed hosts; the others are reported."""
    tasks = []
    for url in dict.fromkeys(urls):
        if on_allowed_host(url, ctx.config.base_url):
            tasks.append(task("sitemap", url, depth=depth))
        else:
            root = site_root(ctx.config.base_url)
            ctx.tally.fail(url, f"sitemap not on {root} (nor its www twin): refused, not requested")
    return tasks


def _follow_sitemap(ctx: StepContext, entries: list[str], depth: int) -> list[Task]:
    config = ctx.config
    tasks: list[Task] = []
    for text in entries:
        decoded = _decode(text)
        if decoded is None:
            continue  # unreadable (a damaged row): the sitemap is read again next time
        kind, entry = decoded
        if kind == "S":
            if depth + 1 > config.sitemap_max_depth:
                ctx.tally.fail(entry.url, f"sitemap nested deeper than {config.sitemap_max_depth}")
            else:
                tasks += sitemap_tasks(ctx, [entry.url], depth=depth + 1)
            continue
        offered = ctx.frontier.offer_link(entry.url, entry.changed_by, "sitemaps")
        if offered is not None and offered[0] == "commitment":
            tasks.append(task("commitment", offered[1]))
        elif offered is not None and config.crawl_links:
            tasks.append(task("page", offered[1]))
    return tasks


def _encode(kind: str, entry: SitemapEntry) -> str:
    """One stored entry: a JSON array, which no character of a <loc> can break."""
    stamp = entry.changed_by.isoformat() if entry.changed_by else ""
    return json.dumps([kind, entry.url, stamp])


def _decode(text: str) -> tuple[str, SitemapEntry] | None:
    try:
        kind, url, stamp = json.loads(text)
        return str(kind), SitemapEntry(str(url), datetime.fromisoformat(stamp) if stamp else None)
    except (ValueError, TypeError):
        return None
