"""Steps for the documents discovery reads: robots.txt, sitemaps, start and member pages, and
ID probes. Each is fetched conditionally; on a 304 what it said is taken from the raw store."""

from __future__ import annotations

import asyncio
from datetime import datetime

from pipeline.extract import robots as robots_policy
from pipeline.extract.fetcher import Expect, Fetched, FetchGaveUp
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.robots import RobotsPolicy
from pipeline.extract.sitemaps import SitemapEntry, SitemapError, parse_sitemap
from pipeline.extract.steps import Steps, Task, task
from pipeline.raw import BodyRef
from pipeline.urls import commitment_url, parse_commitment_url, same_site, site_root


class DocumentSteps(Steps):
    async def robots(self) -> RobotsPolicy:
        url = site_root(self.config.base_url) + "/robots.txt"
        agent = self.config.user_agent
        try:
            fetched, cached = await self._document(url, Expect(self.config.max_body_bytes, False))
        except FetchGaveUp as exc:
            status = exc.status
            if status is not None and 400 <= status < 500 and status not in (408, 429):
                return robots_policy.allow_all(status, agent)
            return robots_policy.disallow_all(str(exc), agent)
        if fetched.status in GONE_STATUSES:
            return robots_policy.allow_all(fetched.status, agent)
        if cached is not None:  # 304: the stored copy is current
            doc = self.db.document(url)
            assert doc is not None and doc.sha256 is not None
            return robots_policy.from_rules(self.store.read_body(doc.sha256), 304, agent)
        assert fetched.body is not None
        body = await asyncio.to_thread(self.store.write_body, fetched.body)
        self._record(url, "robots", fetched, body, None)
        return robots_policy.from_rules(fetched.body, fetched.status, agent)

    async def sitemap(self, url: str, depth: int) -> list[Task]:
        expect = Expect(self.config.sitemap_max_bytes, html_only=False)
        try:
            fetched, cached = await self._document(url, expect)
        except FetchGaveUp as exc:
            self.tally.fail(url, f"sitemap: {exc}")
            return []
        if fetched.status in GONE_STATUSES:
            self.tally.fail(url, f"sitemap: HTTP {fetched.status}")
            return []
        if cached is None:
            assert fetched.body is not None
            try:
                found = await asyncio.to_thread(parse_sitemap, fetched.body, expect.max_bytes)
            except SitemapError as exc:
                self.tally.fail(url, f"sitemap: {exc}")
                return []
            cached = [_encode("S", e) for e in found.children] + [
                _encode("U", e) for e in found.urls
            ]
            body = await asyncio.to_thread(self.store.write_body, fetched.body)
            self._record(url, "sitemap", fetched, body, cached)
        return self._follow_sitemap(url, cached, depth)

    def _follow_sitemap(self, url: str, lines: list[str], depth: int) -> list[Task]:
        tasks: list[Task] = []
        for line in lines:
            kind, loc, stamp = line.split("\t")
            if kind == "S":
                if depth + 1 > self.config.sitemap_max_depth:
                    self.tally.fail(
                        loc, f"sitemap nested deeper than {self.config.sitemap_max_depth}"
                    )
                elif same_site(loc, self.config.base_url):
                    tasks.append(task("sitemap", loc, depth=depth + 1))
                continue
            entry = _decode(loc, stamp)
            offered = self.frontier.offer_link(entry.url, entry.changed_by)
            if offered is not None and offered[0] == "commitment":
                tasks.append(task("commitment", offered[1]))
            elif offered is not None and self.config.crawl_links:
                tasks.append(task("page", offered[1]))
        return tasks

    async def page(self, url: str) -> list[Task]:
        """A start page or member page: only its links matter."""
        try:
            fetched, cached = await self._document(url, self.page_expect)
        except FetchGaveUp as exc:
            self.tally.fail(url, str(exc))
            return []
        if fetched.status in GONE_STATUSES:
            self.tally.fail(url, f"HTTP {fetched.status}")
            return []
        if cached is not None:
            return self._follow(cached)
        assert fetched.body is not None
        body, links = await self._keep(fetched.body, fetched.url)
        self._record(url, "page", fetched, body, links)
        return self._follow(links)

    async def _document(self, url: str, expect: Expect) -> tuple[Fetched, list[str] | None]:
        """Fetch conditionally when the store holds what the last copy said; returns the
        answer and, on a 304, that stored content (lines of discoveries, or [] for robots)."""
        doc = self.db.document(url)
        cached = self.db.discoveries(doc.sha256) if doc and doc.sha256 else None
        if doc is not None and doc.kind == "robots" and doc.sha256 is not None:
            cached = []
        validators = (doc.etag, doc.last_modified) if doc and cached is not None else (None, None)
        if not self.fetcher.allowed(url):
            raise FetchGaveUp("disallowed by robots.txt", 0, None)
        fetched = await self.fetcher.fetch(url, expect, validators=validators)
        if fetched.status == 304 and cached is not None:
            self.db.record_document_checked(url, self.fetch_record(fetched.attempts))
            return fetched, cached
        if fetched.status == 304:
            raise FetchGaveUp("304 for a document never stored", fetched.attempts, 304)
        return fetched, None

    def _record(
        self, url: str, kind: str, fetched: Fetched, body: BodyRef, found: list[str] | None
    ) -> None:
        self.db.record_document(
            url, kind, self.fetch_record_for(fetched), http_status=fetched.status, body=body,
            discoveries=found,
        )  # fmt: skip

    # -- ID probes --------------------------------------------------------------------------------
    async def probe(self, slug: str, prefix: str, number: int, misses: int) -> list[Task]:
        """HEAD the next ID of a member's series: no body crosses the wire for a miss, so a
        refresh where nothing changed stays at conditional requests and bodiless probes."""
        ref = self.frontier.probe_ref(slug, prefix, number)
        if number > 9999:
            return []
        if self.frontier.is_known(ref.commitment_id):
            return [self._next_probe(slug, prefix, number, 0)]
        url = commitment_url(ref, self.config.base_url)
        if not self.fetcher.allowed(url):
            return []
        try:
            fetched = await self.fetcher.fetch(url, self.page_expect, method="HEAD")
        except FetchGaveUp as exc:
            self.tally.fail(url, f"ID probe: {exc}")
            return []
        if fetched.status in GONE_STATUSES:
            if misses + 1 >= self.config.probe_misses:
                return []
            return [self._next_probe(slug, prefix, number, misses + 1)]
        found = parse_commitment_url(fetched.url) or ref
        new = self.frontier.offer_commitment(found)
        follow = [task("commitment", new)] if new else []
        return [*follow, self._next_probe(slug, prefix, number, 0)]

    def _next_probe(self, slug: str, prefix: str, number: int, misses: int) -> Task:
        after = max(number, self.frontier.highest(slug, prefix)) + 1 if misses == 0 else number + 1
        return task("probe", slug, prefix=prefix, number=after, misses=misses)


def _encode(kind: str, entry: SitemapEntry) -> str:
    stamp = entry.changed_by.isoformat() if entry.changed_by else ""
    return f"{kind}\t{entry.url}\t{stamp}"


def _decode(url: str, stamp: str) -> SitemapEntry:
    return SitemapEntry(url, datetime.fromisoformat(stamp) if stamp else None)
