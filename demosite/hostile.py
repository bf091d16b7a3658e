"""Hostile answers the demo server sends for some faults: a body trickled byte by byte, a body
gzipped several times over, a gzip bomb, an oversize body, odd validators. Kept apart so the
server loop stays readable."""

from __future__ import annotations

import asyncio
import gzip
import re
import zlib
from dataclasses import replace
from functools import lru_cache

from demosite.faults import Validators
from demosite.wire import Request, Response, chunked

_ZEROS = bytes(1 << 20)
_CHUNK = 64 * 1024


@lru_cache(maxsize=4)
def bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped (level 9: about 1,000 to 1 for zeros), built a MiB at a
    time so the server never holds the inflated bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = []
    remaining = size
    while remaining:
        step = min(remaining, len(_ZEROS))
        parts.append(packer.compress(_ZEROS[:step]))
        remaining -= step
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_answer(coded: bytes, layers: int, *, more_layers: int = 0) -> bytes:
    """A whole 200 text/html answer whose body ``coded`` is already gzipped ``layers`` times;
    ``more_layers`` gzips it again that many times first."""
    for _ in range(more_layers):
        coded = gzip.compress(coded, mtime=0)
    encoding = ", ".join(["gzip"] * (layers + more_layers))
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Encoding: {encoding}\r\nContent-Length: {len(coded)}\r\n\r\n"
    )
    return head.encode("latin-1") + coded


async def trickle(
    writer: asyncio.StreamWriter, head: bytes, body: bytes, interval_s: float
) -> None:
    """Send the head at once, then the body one byte every ``interval_s`` until it is all sent
    or the client hangs up."""
    writer.write(head)
    await writer.drain()
    for position in range(len(body)):
        await asyncio.sleep(interval_s)
        writer.write(body[position : position + 1])
        await writer.drain()  # raises ConnectionError once the client has given up


async def oversize(writer: asyncio.StreamWriter, size: int, *, declare_length: bool) -> None:
    """A 200 text/html body of ``size`` bytes, announced by Content-Length or chunked."""
    framing = f"Content-Length: {size}" if declare_length else "Transfer-Encoding: chunked"
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{framing}\r\n\r\n"
    writer.write(head.encode("latin-1"))
    chunk = b"<p>" + b"x" * (_CHUNK - 3)
    sent = 0
    while sent < size:
        piece = chunk[: size - sent]
        writer.write(piece if declare_length else chunked(piece))
        sent += len(piece)
        await writer.drain()  # raises ConnectionError once the client hangs up
    if not declare_length:
        writer.write(b"0\r\n\r\n")
    await writer.drain()


def with_validators(request: Request, response: Response, fault: Validators) -> Response:
    """The response with exactly the fault's validators; 304 when the request sends one back
    exactly (as received, byte for byte)."""
    extra = (("Last-Modified", fault.last_modified),) if fault.last_modified else ()
    sent_etag = request.headers.get("if-none-match")
    sent_date = request.headers.get("if-modified-since")
    if (fault.etag and sent_etag == fault.etag) or (
        fault.last_modified and sent_date == fault.last_modified
    ):
        return Response(304, etag=fault.etag, extra_headers=extra)
    return replace(response, etag=fault.etag, last_modified=None, extra_headers=extra)


_META_CHARSET = re.compile(rb"<meta\s+charset=[\"']?[\w-]+[\"']?\s*/?>", re.IGNORECASE)


def recoded(response: Response, charset: str) -> Response:
    """The response's UTF-8 HTML re-encoded into ``charset``, named only by the HTTP header: the
    page's own <meta charset> goes, so nothing but Content-Type tells a reader the encoding."""
    html = _META_CHARSET.sub(b"", response.body).decode("utf-8")
    body = html.encode(charset, errors="xmlcharrefreplace")
    return replace(response, body=body, content_type=f"text/html; charset={charset}")
