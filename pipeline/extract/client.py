"""The HTTP clients the fetcher uses: headers, timeouts, one kept-alive connection each, no
redirects followed on their own (the fetcher checks each hop); the pool that hands them out in
order; and headers as exact bytes (validators go back as they came)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections import deque
from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx

from pipeline.config import FetchConfig


def http_client(config: FetchConfig, connections: int = 1) -> httpx.AsyncClient:
    # gzip or deflate only: the fetcher decodes them itself, under the size cap (decoding.py).
    headers = {"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"}
    if config.from_header:
        headers["From"] = config.from_header
    return httpx.AsyncClient(
        headers=headers,
        timeout=httpx.Timeout(
            connect=config.connect_timeout_s,
            read=config.read_timeout_s,
            write=config.read_timeout_s,  # a GET request is tiny; a stalled send is a dead link
            pool=None,  # never waited on: each worker has its own client and connection
        ),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        follow_redirects=False,  # each hop is checked against the allowed hosts and robots.txt
        # Loopback (tests, the demo site) must never go through a proxy from the environment;
        # the live site honours the usual proxy variables.
        trust_env=not _is_loopback(config.base_url),
    )


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ClientPool:
    """The clients, handed out in the order they were asked for: a released client goes
    straight to the longest waiter (with asyncio.Queue, a running task could take it first and
    starve a waiting one)."""

    def __init__(self, clients: Sequence[httpx.AsyncClient]) -> None:
        self._free = deque(clients)
        self._waiters: deque[asyncio.Future[httpx.AsyncClient]] = deque()

    async def acquire(self) -> httpx.AsyncClient:
        if self._free and not self._waiters:
            return self._free.popleft()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[httpx.AsyncClient] = loop.create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release(waiter.result())  # handed over, but its task is stopping
            else:
                self._waiters.remove(waiter)
            raise

    def release(self, client: httpx.AsyncClient) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(client)
                return
        self._free.append(client)


def raw_header(response: httpx.Response, name: bytes) -> str | None:
    """A header's bytes as latin-1 text (one character per byte: a lossless round trip)."""
    for key, value in response.headers.raw:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _header_bytes(value: str | None) -> bytes | None:
    """A stored validator back to the exact bytes received; None for one that cannot be sent
    (stored by an older version as decoded text, or holding control characters)."""
    if not value:
        return None
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return None
    if any((byte < 0x20 and byte != 0x09) or byte == 0x7F for byte in raw):
        return None
    return raw


def conditional_headers(validators: tuple[str | None, str | None]) -> dict[bytes, bytes]:
    etag, last_modified = (_header_bytes(v) for v in validators)
    headers: dict[bytes, bytes] = {}
    if etag:
        headers[b"If-None-Match"] = etag
    if last_modified:
        headers[b"If-Modified-Since"] = last_modified
    return headers
