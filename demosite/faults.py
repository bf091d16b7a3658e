"""Faults the demo server can inject, one per request, queued per path.

Tests queue faults on a path; each request to that path consumes the next one. A path with an
empty queue is served normally. Kept apart from the server loop so the loop stays readable.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Status:
    """Answer with this status instead of the page, optionally with a Retry-After header
    (seconds as "120" or an HTTP-date) and a small HTML body."""

    code: int
    retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class Reset:
    """Read the request, then drop the connection with a TCP reset and send nothing."""


@dataclass(frozen=True, slots=True)
class Truncate:
    """Send the headers with the page's full Content-Length and only part of the body, then
    close: the client sees a body shorter than announced."""

    fraction: float = 0.5


@dataclass(frozen=True, slots=True)
class Stall:
    """Send nothing until the client gives up (closes) or ``seconds`` pass; tests rely on the
    client's read timeout ending it."""

    seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class Redirect:
    """Answer with a redirect to ``location`` (a path on this server or an absolute URL)."""

    location: str
    code: int = 302


@dataclass(frozen=True, slots=True)
class Oversize:
    """A 200 text/html body of ``size`` bytes. With ``declare_length`` the Content-Length says
    so up front; without it the body is chunked and only its length gives it away."""

    size: int
    declare_length: bool = True


@dataclass(frozen=True, slots=True)
class WrongType:
    """The page's body, served with another Content-Type (a PDF, an image...)."""

    content_type: str = "application/pdf"


@dataclass(frozen=True, slots=True)
class Recoded:
    """The page's body re-encoded into ``charset``, which only the HTTP Content-Type names
    (the page's own <meta charset> is removed), as a server configured for Latin-1 sends it."""

    charset: str = "windows-1252"


@dataclass(frozen=True, slots=True)
class IgnoreValidators:
    """Answer 200 with the full body even to a matching If-None-Match / If-Modified-Since,
    as servers without validator support do."""


@dataclass(frozen=True, slots=True)
class Trickle:
    """The page with its full Content-Length, the body sent one byte every ``interval_s``:
    every byte comes well within a read timeout, the whole never within a deadline."""

    interval_s: float = 0.1


@dataclass(frozen=True, slots=True)
class Encoded:
    """The page's body gzipped ``layers`` times, announced as ``Content-Encoding: gzip, gzip``
    (one ``gzip`` per layer)."""

    layers: int = 2


@dataclass(frozen=True, slots=True)
class Bomb:
    """A 200 text/html answer of ``size`` zero bytes, gzipped ``layers`` times: a few KB on
    the wire that inflate to ``size`` bytes (or far more, for a client that decodes each layer
    of a stacked encoding in one go)."""

    size: int
    layers: int = 1


@dataclass(frozen=True, slots=True)
class Validators:
    """The page with exactly these ETag / Last-Modified header values (the characters are the
    header's bytes: latin-1 text, so non-ASCII bytes can be served); a request sending them
    back exactly is answered 304."""

    etag: str | None
    last_modified: str | None = None


Fault = (
    Status | Reset | Truncate | Stall | Redirect | Oversize | WrongType | Recoded
    | IgnoreValidators | Trickle | Encoded | Bomb | Validators
)  # fmt: skip


class FaultQueue:
    """Per-path queues of faults; safe to fill from the test thread while the server runs."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()

    def push(self, path: str, *faults: Fault) -> None:
        with self._lock:
            self._queues.setdefault(path, deque()).extend(faults)

    def pop(self, path: str) -> Fault | None:
        with self._lock:
            queue = self._queues.get(path)
            if not queue:
                return None
            return queue.popleft()

    def pending(self, path: str) -> int:
        with self._lock:
            return len(self._queues.get(path, ()))

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
