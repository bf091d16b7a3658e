"""HTTP for the extract stage: one polite, bounded, verified fetch of one URL (with retries).

The only module that sends requests. Every hop of a redirect chain is checked against the
allowed hosts (the site's host or its www twin, same scheme and port: never another port, never
``https`` -> ``http``) and robots.txt, and waits its turn at the host throttle. Each request has
a total deadline (connect, headers and body) besides the read timeout. Bodies are read raw and
decoded here under the size cap (``decoding``); pages must be HTML. Validators and the
Content-Type are kept as the bytes the server sent. Transport failures are classified for the
retry policy and the summary: "timeout", "deadline", "connect", "reset" (no answer),
"truncated" (the body ended early).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, replace
from typing import cast

import httpx

from pipeline.clock import utc_now
from pipeline.config import FetchConfig
from pipeline.errors import FetchGaveUp, RefusedResponse, TransientFetchError
from pipeline.extract.client import ClientPool, conditional_headers, raw_header
from pipeline.extract.decoding import BodyDecoder
from pipeline.extract.ratelimit import HostThrottle
from pipeline.extract.retry import (
    GONE_STATUSES,
    SLOWDOWN_STATUSES,
    is_retryable_status,
    parse_retry_after,
    retry_policy,
)
from pipeline.extract.summary import Tally
from pipeline.urls import on_allowed_host, site_root, split_url

HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Bodies of other answers (404 pages, redirects) are read only to keep the connection: past
# this much, the connection is dropped instead.
_DISCARD_MAX_BYTES = 64 * 1024
_ACCEPT_HTML = b"text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int  # 200, 304, 404 or 410 (anything else raised)
    url: str  # final URL, after redirects
    etag: str | None  # header bytes as latin-1 text: sent back exactly as received
    last_modified: str | None
    body: bytes | None  # the body of a 200 GET
    attempts: int
    content_type: str | None = None  # as sent (latin-1 text), charset included


@dataclass(frozen=True, slots=True)
class Expect:
    """What a kind of document may be: its size cap, whether it must be HTML, and whether a
    larger body is cut at the cap (robots.txt) instead of refused."""

    max_bytes: int
    html_only: bool
    truncate: bool = False


class Fetcher:
    def __init__(
        self,
        clients: Sequence[httpx.AsyncClient],
        config: FetchConfig,
        throttle: HostThrottle,
        tally: Tally,
        allowed: Callable[[str], bool] = lambda url: True,
    ) -> None:
        # One client (one kept-alive connection) per connection allowed: httpcore scans every
        # connection of a pool on each request, so small pools cost less CPU than one shared
        # pool. A request holds a client only while it is sent and answered.
        self._clients = ClientPool(clients)
        self.config = config
        self.throttle = throttle
        self.tally = tally
        self.allowed = allowed  # robots.txt; replaced once robots.txt is read
        self.retry_waits = 0  # fetches now waiting out a backoff or a Retry-After
        self.on_wait_change: Callable[[], None] = lambda: None

    async def fetch(
        self,
        url: str,
        expect: Expect,
        *,
        validators: tuple[str | None, str | None] = (None, None),
        method: str = "GET",
    ) -> Fetched:
        """Fetch with retries; raises FetchGaveUp with a one-line reason when the URL cannot
        be fetched (after every attempt, or at once for refusals)."""
        attempts = 0
        try:
            async for attempt in retry_policy(self.config, self._count_retry, self._wait):
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    fetched = await self._attempt(url, expect, validators, method)
                    return replace(fetched, attempts=attempts)
        except TransientFetchError as exc:
            suffix = "s" if attempts != 1 else ""
            reason = f"{exc} (after {attempts} attempt{suffix})"
            raise FetchGaveUp(reason, attempts, exc.status) from exc
        except RefusedResponse as exc:
            raise FetchGaveUp(str(exc), attempts, exc.status) from exc
        raise AssertionError("the retry policy ended without an outcome")  # pragma: no cover

    async def _wait(self, seconds: float) -> None:
        """The wait before a retry, counted (the crawl may move on to its next phase while
        fetches only wait)."""
        self.retry_waits += 1
        self.on_wait_change()
        try:
            await asyncio.sleep(seconds)
        finally:
            self.retry_waits -= 1
            self.on_wait_change()

    def _count_retry(self, error: TransientFetchError, wait_s: float) -> None:
        self.tally.retries_by_reason[error.reason] += 1
        if error.retry_after is not None:
            self.tally.retry_after_s += wait_s

    async def _attempt(
        self, url: str, expect: Expect, validators: tuple[str | None, str | None], method: str
    ) -> Fetched:
        if not on_allowed_host(url, self.config.base_url):
            root = site_root(self.config.base_url)
            raise RefusedResponse(f"{url} is not on {root} (nor its www twin): not requested")
        seen: list[str] = []
        while True:
            if not self._robots_allow(url):
                raise RefusedResponse(f"disallowed by robots.txt: {url}")
            if url in seen:
                raise RefusedResponse(f"redirect loop: {' -> '.join([*seen, url])}")
            if len(seen) > self.config.max_redirects:
                raise RefusedResponse(f"more than {self.config.max_redirects} redirects")
            seen.append(url)
            answer = await self._request(url, expect, validators, method)
            if isinstance(answer, Fetched):
                return answer
            url = answer  # a redirect: follow it only within the allowed hosts
            if split_url(url) is None:
                raise RefusedResponse(f"redirect to an invalid URL {url!r} refused")
            if not on_allowed_host(url, self.config.base_url):
                raise RefusedResponse(f"off-site redirect to {url} refused")

    def _robots_allow(self, url: str) -> bool:
        try:
            return self.allowed(url)
        except ValueError:  # a URL the robots.txt matcher cannot take apart
            return False

    async def _request(
        self, url: str, expect: Expect, validators: tuple[str | None, str | None], method: str
    ) -> Fetched | str:
        headers = conditional_headers(validators)
        if expect.html_only:
            headers[b"Accept"] = _ACCEPT_HTML
        outcome = "reset"  # what requests_by_status records for this request
        # The connection first, then the turn: a turn is never spent waiting for a connection,
        # so the gap between request starts holds.
        client = await self._clients.acquire()
        try:
            ticket = await self.throttle.wait_turn()
            async with asyncio.timeout(self.config.request_deadline_s):
                async with client.stream(method, url, headers=headers) as response:
                    outcome = str(response.status_code)
                    return await self._handle(response, expect, ticket)
        except TransientFetchError as exc:
            outcome = "truncated" if exc.reason == "truncated" else outcome
            raise
        except TimeoutError as exc:  # the total deadline (asyncio.timeout)
            outcome = "deadline"
            raise TransientFetchError(
                "deadline",
                f"no complete answer within the {self.config.request_deadline_s:g} s deadline",
            ) from exc
        except httpx.TimeoutException as exc:
            outcome = "timeout"
            raise TransientFetchError("timeout", f"timed out ({type(exc).__name__})") from exc
        except httpx.ConnectError as exc:
            outcome = "connect"
            raise TransientFetchError("connect", f"cannot connect: {exc}") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise TransientFetchError("reset", f"connection reset before an answer: {exc}") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            outcome = "refused"
            raise RefusedResponse(f"cannot request {url!r}: {exc}") from exc
        finally:
            self._clients.release(client)
            self.tally.requests_by_status[outcome] += 1

    async def _handle(self, response: httpx.Response, expect: Expect, ticket: int) -> Fetched | str:
        status = response.status_code
        if status == 200:
            body = await self._read_body(response, expect)
        else:
            await self._discard_body(response)
            body = None
        if status in _REDIRECTS and "location" in response.headers:
            self.throttle.success(ticket)
            return _redirect_target(response)
        if is_retryable_status(status):
            raise TransientFetchError(
                str(status), f"HTTP {status}", status, self._slow_down_if_asked(response, ticket)
            )
        if status not in (200, 304) and status not in GONE_STATUSES:
            raise RefusedResponse(f"HTTP {status}", status)
        self.throttle.success(ticket)
        return Fetched(
            status=status,
            url=str(response.url),
            etag=raw_header(response, b"etag"),
            last_modified=raw_header(response, b"last-modified"),
            body=body if response.request.method == "GET" else None,
            attempts=1,
            content_type=raw_header(response, b"content-type") if body is not None else None,
        )

    def _slow_down_if_asked(self, response: httpx.Response, ticket: int) -> float | None:
        """For a 429/503: tell the throttle, and return the Retry-After to wait (capped)."""
        if response.status_code not in SLOWDOWN_STATUSES:
            return None
        wait = parse_retry_after(response.headers.get("retry-after"), utc_now())
        if wait is not None:
            wait = min(wait, self.config.retry_after_cap_s)
        self.throttle.slow_down(response.status_code, wait, ticket)
        return wait

    async def _read_body(self, response: httpx.Response, expect: Expect) -> bytes:
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if expect.html_only and content_type not in HTML_TYPES:
            raise RefusedResponse(f"not HTML: Content-Type {content_type or 'missing'}")
        declared = response.headers.get("content-length")
        too_long = (
            declared
            and declared.isascii()
            and declared.isdigit()
            and (int(declared) > expect.max_bytes)
        )
        if too_long and not expect.truncate:
            raise RefusedResponse(f"body of {declared} bytes is over the {expect.max_bytes} cap")
        decoder = BodyDecoder(
            response.headers.get("content-encoding"), expect.max_bytes, truncate=expect.truncate
        )
        try:
            async with aclosing(_raw_chunks(response)) as chunks:
                async for chunk in chunks:
                    if decoder.feed(chunk):
                        break  # the part that counts has arrived; the rest is not read
            return decoder.finish()
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise TransientFetchError("truncated", f"body cut short: {exc}") from exc
        finally:
            self.tally.bytes_downloaded += response.num_bytes_downloaded

    async def _discard_body(self, response: httpx.Response) -> None:
        """Read a small body to keep the connection for the next request; a large one is left
        unread and the connection closed with the response."""
        try:
            async with aclosing(_raw_chunks(response)) as chunks:
                async for _chunk in chunks:
                    if response.num_bytes_downloaded > _DISCARD_MAX_BYTES:
                        break
        except (httpx.RemoteProtocolError, httpx.ReadError):
            # The status line and headers are the answer; a broken body we were going to drop
            # only costs the connection, which httpx closes.
            return
        finally:
            self.tally.bytes_downloaded += response.num_bytes_downloaded


def _raw_chunks(response: httpx.Response) -> AsyncGenerator[bytes, None]:
    # An async generator in fact (typed as an iterator): closed at once when left early.
    return cast(AsyncGenerator[bytes, None], response.aiter_raw())


def _redirect_target(response: httpx.Response) -> str:
    location = response.headers["location"]
    try:
        return str(response.url.join(location))
    except (httpx.InvalidURL, ValueError) as exc:
        raise RefusedResponse(f"redirect to an invalid URL {location!r} refused: {exc}") from exc
