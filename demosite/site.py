"""The demo site: a local copy of the OGP site's structure built from ``DemoPage``s.

Serves robots.txt, the member listing (at ``/our-members/``, the default start page of the
extract stage, and at ``/members/``), member pages listing their commitments (or an empty list,
as the 2023-24 site shows), commitment pages (Spanish ones under ``/es/``), optional sitemaps
(an index, a plain member sitemap and a gzipped commitment sitemap, with ``lastmod``),
redirects for no-slash and lower-case-ID addresses, and a 404 page. Tests change, remove and
add pages while it runs. Links to the live site inside pages are rewritten to this server, as
a mirror would, so a crawl stays on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from html import escape

from demosite.pages import DemoPage
from demosite.sample import LIVE_ORIGINS, listing_html, member_html
from demosite.server import Request, Response

LISTING_PATHS = ("/our-members/", "/members/")
SITEMAP_INDEX = "/sitemap_index.xml"
SITEMAP_MEMBERS = "/sitemap-members.xml"
SITEMAP_COMMITMENTS = "/sitemap-commitments.xml.gz"
# A fixed moment (2024-01-01T00:00:00Z) for pages nobody changed: ETags and Last-Modified stay
# the same from one server start to the next, as on a real site between two nightly runs.
SITE_EPOCH = 1704067200.0
DEFAULT_ROBOTS = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"

_COMMITMENT_RE = re.compile(
    r"^(?:/(?P<lang>es|fr))?/members/(?P<slug>[^/]+)/commitments/(?P<id>(?a:[A-Za-z]{2,5}[0-9]{4}))(?P<slash>/?)$"
)
_MEMBER_RE = re.compile(r"^(?:/(?P<lang>es|fr))?/members/(?P<slug>[^/]+)(?P<slash>/?)$")
_XML = "application/xml; charset=utf-8"


@dataclass(slots=True)
class _Entry:
    page: DemoPage
    modified: float
    gone_status: int | None = None


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'


def _lang_prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


def commitment_path(page: DemoPage) -> str:
    prefix = _lang_prefix(page.language)
    return f"{prefix}/members/{page.member_slug}/commitments/{page.commitment_id}/"


class Site:
    """What the demo server answers. Thread-safe: tests mutate it while the server runs."""

    def __init__(
        self,
        pages: Iterable[DemoPage],
        *,
        robots_txt: str = DEFAULT_ROBOTS,
        sitemaps: bool = False,
        empty_member_lists: bool = False,
    ) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        for page in pages:
            self._entries[(page.language, page.commitment_id)] = _Entry(page, SITE_EPOCH)
        self.robots_txt = robots_txt
        self.robots_status = 200
        self.sitemaps = sitemaps
        self.empty_member_lists = empty_member_lists
        self.redirects: dict[str, tuple[str, int]] = {}
        # Extra entries, verbatim (hostile ones too): URLs in the member sitemap, sitemaps in
        # the index. Set before the first request for them (answers are cached).
        self.sitemap_extra: list[str] = []
        self.sitemap_index_extra: list[str] = []
        self.base_url = "http://127.0.0.1"
        self._lock = threading.Lock()
        self._bodies: dict[tuple[str, str], tuple[bytes, str]] = {}  # cache, cleared on change
        self._derived: dict[str, Response] = {}  # member pages, listings, sitemaps

    # -- set-up and mutation (called by tests and the CLI) --------------------------------
    def bind(self, base_url: str) -> None:
        with self._lock:
            self.base_url = base_url
            self._bodies.clear()
            self._derived.clear()

    def pages(self) -> list[DemoPage]:
        with self._lock:
            return [e.page for e in self._entries.values() if e.gone_status is None]

    def url_of(self, commitment_id: str, language: str = "en") -> str:
        return self.base_url + commitment_path(self._entries[(language, commitment_id)].page)

    def change(self, commitment_id: str, html: str | None = None, language: str = "en") -> None:
        """Give a page new content (by default a marker comment appended): new ETag, new
        Last-Modified and sitemap lastmod, strictly later than the previous one."""
        with self._lock:
            entry = self._entries[(language, commitment_id)]
            new_html = html if html is not None else entry.page.html + f"<!-- v{time.time()} -->"
            entry.page = replace(entry.page, html=new_html)
            entry.modified = max(time.time(), entry.modified + 1)
            self._invalidate()

    def remove(self, commitment_id: str, status: int = 404, language: str = "en") -> None:
        with self._lock:
            entry = self._entries[(language, commitment_id)]
            entry.gone_status = status
            entry.modified = max(time.time(), entry.modified + 1)
            self._invalidate()

    def add(self, page: DemoPage) -> None:
        with self._lock:
            self._entries[(page.language, page.commitment_id)] = _Entry(page, time.time())
            self._invalidate()

    def set_robots(self, text: str | None = None, status: int = 200) -> None:
        with self._lock:
            self.robots_txt = text if text is not None else self.robots_txt
            self.robots_status = status

    def redirect(self, path: str, location: str, code: int = 301) -> None:
        """A permanent redirect rule (use two to make a loop; an absolute URL to leave)."""
        with self._lock:
            self.redirects[path] = (location, code)

    def _invalidate(self) -> None:
        self._bodies.clear()
        self._derived.clear()

    # -- answering ------------------------------------------------------------------------
    def respond(self, request: Request) -> Response:
        with self._lock:
            return self._route(request.path)

    def _route(self, path: str) -> Response:
        if path in self.redirects:
            location, code = self.redirects[path]
            return Response(code, location=self._absolute(location))
        if path == "/robots.txt":
            return self._robots()
        if path.startswith(("/sitemap", "/es/sitemap")) and self.sitemaps:
            return self._derived_response(path, self._sitemap)
        listing_language = self._listing_language(path)
        if listing_language is not None:
            return self._derived_response(path, lambda _: self._listing(listing_language))
        match = _COMMITMENT_RE.match(path)
        if match is not None:
            return self._commitment(path, match)
        match = _MEMBER_RE.match(path)
        if match is not None:
            return self._member(path, match)
        return self._not_found()

    def _absolute(self, location: str) -> str:
        return self.base_url + location if location.startswith("/") else location

    def _listing_language(self, path: str) -> str | None:
        for language in ("en", "es", "fr"):
            if path in {_lang_prefix(language) + listing for listing in LISTING_PATHS}:
                return language
        return None

    def _robots(self) -> Response:
        if self.robots_status != 200:
            return Response(self.robots_status, b"<html><body>robots unavailable</body></html>")
        text = self.robots_txt
        if self.sitemaps:
            text += f"\nSitemap: {self.base_url}{SITEMAP_INDEX}\n"
        body = text.encode()
        return Response(200, body, "text/plain; charset=utf-8", _etag(body), SITE_EPOCH)

    def _commitment(self, path: str, match: re.Match[str]) -> Response:
        language = match["lang"] or "en"
        entry = self._entries.get((language, match["id"].upper()))
        if entry is None or entry.page.member_slug != match["slug"].lower():
            return self._not_found()
        canonical = commitment_path(entry.page)
        if path != canonical:
            return Response(301, location=self.base_url + canonical)
        if entry.gone_status is not None:
            return self._not_found(entry.gone_status)
        key = (language, entry.page.commitment_id)
        if key not in self._bodies:
            body = self.localize(entry.page.html).encode()
            self._bodies[key] = (body, _etag(body))
        body, etag = self._bodies[key]
        return Response(200, body, etag=etag, last_modified=entry.modified)

    def _member(self, path: str, match: re.Match[str]) -> Response:
        language, slug = match["lang"] or "en", match["slug"]
        entries = self._member_entries(language, slug.lower())
        if not entries:
            return self._not_found()
        if slug != slug.lower() or not match["slash"]:
            return Response(
                301, location=f"{self.base_url}{_lang_prefix(language)}/members/{slug.lower()}/"
            )
        return self._derived_response(path, lambda _: self._member_page(entries))

    def _member_entries(self, language: str, slug: str) -> list[_Entry]:
        return [
            e
            for e in self._entries.values()
            if e.page.language == language and e.page.member_slug == slug
        ]

    def _member_page(self, entries: list[_Entry]) -> Response:
        live = [e.page for e in entries if e.gone_status is None]
        listed = [] if self.empty_member_lists else live
        html = member_html(entries[0].page, listed)
        return self._html(html, max(e.modified for e in entries))

    def _listing(self, language: str) -> Response:
        members = {
            e.page.member_slug: e.page
            for e in self._entries.values()
            if e.page.language == language
        }
        html = listing_html(sorted(members.values(), key=lambda p: p.member_slug), language)
        return self._html(
            html, max((e.modified for e in self._entries.values()), default=SITE_EPOCH)
        )

    def _sitemap(self, path: str) -> Response:
        if path == SITEMAP_INDEX:
            children = [self.base_url + SITEMAP_MEMBERS, self.base_url + SITEMAP_COMMITMENTS]
            items = "".join(
                f"<sitemap><loc>{escape(child)}</loc></sitemap>"
                for child in [*children, *self.sitemap_index_extra]
            )
            return self._xml(f'<sitemapindex xmlns="{_SITEMAP_NS}">{items}</sitemapindex>')
        live = [e for e in self._entries.values() if e.gone_status is None]
        if path == SITEMAP_MEMBERS:
            slugs = sorted({(e.page.language, e.page.member_slug) for e in live})
            members: list[tuple[str, float | None]] = [
                (f"{self.base_url}{_lang_prefix(lang)}/members/{slug}/", None)
                for lang, slug in slugs
            ]
            members += [(url, None) for url in self.sitemap_extra]
            return self._xml(_urlset("", members))
        if path in (SITEMAP_COMMITMENTS, SITEMAP_COMMITMENTS.removesuffix(".gz")):
            xml = _urlset(self.base_url, [(commitment_path(e.page), e.modified) for e in live])
            if path.endswith(".gz"):
                body = gzip.compress(xml.encode(), mtime=0)
                return Response(200, body, "application/gzip", _etag(body), SITE_EPOCH)
            return self._xml(xml)
        return self._not_found()

    def _derived_response(self, path: str, build: Callable[[str], Response]) -> Response:
        if path not in self._derived:
            self._derived[path] = build(path)
        return self._derived[path]

    def _html(self, html: str, modified: float) -> Response:
        body = self.localize(html).encode()
        return Response(200, body, etag=_etag(body), last_modified=modified)

    def _xml(self, xml: str) -> Response:
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xml).encode()
        return Response(200, body, _XML, _etag(body), SITE_EPOCH)

    def _not_found(self, status: int = 404) -> Response:
        body = b"<!doctype html><html><head><title>Page not found</title></head>"
        body += b"<body><h1>Page not found</h1></body></html>"
        return Response(status, body)

    def localize(self, html: str) -> str:
        """Live-site absolute links rewritten to this server (a mirror's job)."""
        for origin in LIVE_ORIGINS:
            html = html.replace(origin, self.base_url)
        return html


_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _urlset(base_url: str, urls: Sequence[tuple[str, float | None]]) -> str:
    items = []
    for path, modified in urls:
        lastmod = ""
        if modified is not None:
            stamp = datetime.fromtimestamp(int(modified), UTC).isoformat()
            lastmod = f"<lastmod>{stamp}</lastmod>"
        items.append(f"<url><loc>{escape(base_url + path)}</loc>{lastmod}</url>")
    return f'<urlset xmlns="{_SITEMAP_NS}">{"".join(items)}</urlset>'
