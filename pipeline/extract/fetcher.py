"""HTTP for the extract stage: one polite, bounded, verified fetch of one URL (with retries).

The only module that sends requests. Every hop of a redirect chain waits its turn at the host
throttle and is checked against robots.txt and the allowed hosts. Bodies are read as a stream
and refused beyond the size cap; pages must be HTML. Transport failures are classified for the
retry policy and the summary: "timeout", "connect", "reset" (no answer), "truncated" (the body
ended early).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from pipeline.clock import utc_now
from pipeline.config import FetchConfig
from pipeline.errors import FetchGaveUp, RefusedResponse, TransientFetchError
from pipeline.extract.ratelimit import HostThrottle
from pipeline.extract.retry import (
    GONE_STATUSES,
    SLOWDOWN_STATUSES,
    is_retryable_status,
    parse_retry_after,
    retry_policy,
)
from pipeline.extract.summary import Tally
from pipeline.urls import same_site

HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int  # 200, 304, 404 or 410 (anything else raised)
    url: str  # final URL, after redirects
    etag: str | None
    last_modified: str | None
    body: bytes | None  # the body of a 200 GET
    attempts: int


@dataclass(frozen=True, slots=True)
class Expect:
    """What a kind of document may be: its size cap and whether it must be HTML."""

    max_bytes: int
    html_only: bool


class Fetcher:
    def __init__(
        self,
        clients: Sequence[httpx.AsyncClient],
        config: FetchConfig,
        throttle: HostThrottle,
        tally: Tally,
        allowed: Callable[[str], bool] = lambda url: True,
    ) -> None:
        # One client (one kept-alive connection) per worker: httpcore scans every connection
        # of a pool on each request, so small pools cost less CPU than one shared pool.
        self._clients: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        for client in clients:
            self._clients.put_nowait(client)
        self.config = config
        self.throttle = throttle
        self.tally = tally
        self.allowed = allowed  # robots.txt; replaced once robots.txt is read

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
            async for attempt in retry_policy(self.config, self._count_retry):
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    fetched = await self._attempt(url, expect, validators, method)
                    return _with_attempts(fetched, attempts)
        except TransientFetchError as exc:
            suffix = "s" if attempts != 1 else ""
            reason = f"{exc} (after {attempts} attempt{suffix})"
            raise FetchGaveUp(reason, attempts, exc.status) from exc
        except RefusedResponse as exc:
            raise FetchGaveUp(str(exc), attempts, exc.status) from exc
        raise AssertionError("the retry policy ended without an outcome")  # pragma: no cover

    def _count_retry(self, reason: str) -> None:
        self.tally.retries_by_reason[reason] += 1

    async def _attempt(
        self, url: str, expect: Expect, validators: tuple[str | None, str | None], method: str
    ) -> Fetched:
        seen: list[str] = []
        while True:
            if not self.allowed(url):
                raise RefusedResponse(f"disallowed by robots.txt: {url}")
            if url in seen:
                raise RefusedResponse(f"redirect loop: {' -> '.join([*seen, url])}")
            if len(seen) > self.config.max_redirects:
                raise RefusedResponse(f"more than {self.config.max_redirects} redirects")
            seen.append(url)
            await self.throttle.wait_turn()
            answer = await self._request(url, expect, validators, method)
            if isinstance(answer, Fetched):
                return answer
            url = answer  # a redirect: follow it only within the site
            if not same_site(url, self.config.base_url):
                raise RefusedResponse(f"off-site redirect to {url} refused")

    async def _request(
        self, url: str, expect: Expect, validators: tuple[str | None, str | None], method: str
    ) -> Fetched | str:
        headers = _conditional_headers(validators)
        if expect.html_only:
            headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
        outcome = "reset"  # what requests_by_status records for this request
        client = await self._clients.get()
        try:
            async with client.stream(method, url, headers=headers) as response:
                outcome = str(response.status_code)
                return await self._handle(response, expect)
        except TransientFetchError as exc:
            outcome = "truncated" if exc.reason == "truncated" else outcome
            raise
        except httpx.TimeoutException as exc:
            outcome = "timeout"
            raise TransientFetchError("timeout", f"timed out ({type(exc).__name__})") from exc
        except httpx.ConnectError as exc:
            outcome = "connect"
            raise TransientFetchError("connect", f"cannot connect: {exc}") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise TransientFetchError("reset", f"connection reset before an answer: {exc}") from exc
        finally:
            self._clients.put_nowait(client)
            self.tally.requests_by_status[outcome] += 1

    async def _handle(self, response: httpx.Response, expect: Expect) -> Fetched | str:
        status = response.status_code
        if status == 200:
            body = await self._read_body(response, expect)
        else:  # read and drop small bodies so the kept-alive connection can be reused
            await self._read_body(response, Expect(expect.max_bytes, html_only=False))
            body = None
        if status in _REDIRECTS and "location" in response.headers:
            self.throttle.success()
            return str(response.url.join(response.headers["location"]))
        if is_retryable_status(status):
            self._slow_down_if_asked(response)
            raise TransientFetchError(str(status), f"HTTP {status}", status)
        if status not in (200, 304) and status not in GONE_STATUSES:
            raise RefusedResponse(f"HTTP {status}", status)
        self.throttle.success()
        return Fetched(
            status=status,
            url=str(response.url),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            body=body if response.request.method == "GET" else None,
            attempts=1,
        )

    def _slow_down_if_asked(self, response: httpx.Response) -> None:
        if response.status_code not in SLOWDOWN_STATUSES:
            return
        wait = parse_retry_after(response.headers.get("retry-after"), utc_now())
        if wait is not None:
            wait = min(wait, self.config.retry_after_cap_s)
        self.throttle.slow_down(response.status_code, wait)

    async def _read_body(self, response: httpx.Response, expect: Expect) -> bytes:
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if expect.html_only and content_type not in HTML_TYPES:
            raise RefusedResponse(f"not HTML: Content-Type {content_type or 'missing'}")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > expect.max_bytes:
            raise RefusedResponse(f"body of {declared} bytes is over the {expect.max_bytes} cap")
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > expect.max_bytes:
                    raise RefusedResponse(f"body grew past the {expect.max_bytes}-byte cap")
                chunks.append(chunk)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.DecodingError) as exc:
            raise TransientFetchError("truncated", f"body cut short: {exc}") from exc
        finally:
            self.tally.bytes_downloaded += response.num_bytes_downloaded
        return b"".join(chunks)


def _conditional_headers(validators: tuple[str | None, str | None]) -> dict[str, str]:
    etag, last_modified = validators
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _with_attempts(fetched: Fetched, attempts: int) -> Fetched:
    if fetched.attempts == attempts:
        return fetched
    return Fetched(
        fetched.status, fetched.url, fetched.etag, fetched.last_modified, fetched.body, attempts
    )
