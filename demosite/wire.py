"""HTTP/1.1 on the wire for the demo server: request and response records, reading a
request head, conditional GET, chunked framing, a TCP reset. No routing, no faults."""

from __future__ import annotations

import asyncio
import socket
import struct
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from typing import Protocol

MAX_HEADER_BYTES = 64 * 1024  # far above any real request head; stops a runaway client


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None  # quoted, e.g. '"a1b2"'
    last_modified: float | None = None  # POSIX seconds
    location: str | None = None
    extra_headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the server saw it, for test assertions. status 0: no HTTP answer."""

    method: str
    path: str
    status: int
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None
    from_header: str | None
    body_bytes: int
    fault: str | None = None

    @property
    def conditional(self) -> bool:
        return self.if_none_match is not None or self.if_modified_since is not None


class App(Protocol):
    def bind(self, base_url: str) -> None: ...
    def respond(self, request: Request) -> Response: ...


def not_modified(request: Request, response: Response) -> bool:
    if response.status != 200:
        return False
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and response.etag is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return response.etag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since is None or response.last_modified is None:
        return False
    try:
        return parsedate_to_datetime(since).timestamp() >= int(response.last_modified)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as RFC 9110 says


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None  # the client closed a kept-alive connection: the normal end
    if len(head) > MAX_HEADER_BYTES:
        return None
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _version = request_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    if length:
        await reader.readexactly(length)  # GET/HEAD carry no body; drain one if sent anyway
    path, _, query = target.partition("?")
    return Request(method.upper(), path, query, headers)


def reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        # Linger 0 turns close() into a TCP RST: what a crashed upstream looks like.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def chunked(piece: bytes) -> bytes:
    return f"{len(piece):x}\r\n".encode() + piece + b"\r\n"


def http_now() -> str:
    return formatdate(usegmt=True)


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified"}
_REASONS |= {404: "Not Found", 408: "Request Timeout", 410: "Gone", 429: "Too Many Requests"}
_REASONS |= {500: "Internal Server Error", 503: "Service Unavailable"}


def reason(status: int) -> str:
    return _REASONS.get(status, "Status")
