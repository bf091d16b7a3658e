"""A response body's Content-Encoding, decoded as it arrives and never past the size cap.

httpx decodes each received chunk in one go: a 64 KB chunk of a gzip bomb becomes ~64 MB
before any cap is checked, and ``Content-Encoding: gzip, gzip`` multiplies that again (a 3.5 KB
body reached 4.3 GB). Here the fetcher reads the raw bytes and inflates them with zlib's
``max_length``, so at most the cap (plus one byte) is ever produced, whatever the encoding.
We ask for gzip or deflate only; a stacked or unknown encoding is refused.
"""

from __future__ import annotations

import io
import zlib

from pipeline.errors import RefusedResponse, TransientFetchError

_GZIP_WBITS = 31  # zlib's gzip container
_ZLIB_WBITS = 15  # "deflate" as RFC 9110 means it: a zlib stream
_RAW_WBITS = -15  # "deflate" as some servers send it: raw deflate


class BodyDecoder:
    """Collects a body from raw chunks. Over the cap it raises RefusedResponse, or with
    ``truncate`` keeps the first ``max_bytes`` and says so (robots.txt: its first 500 KiB
    count). Memory held: the decoded body (at most the cap) and zlib's window."""

    def __init__(self, content_encoding: str | None, max_bytes: int, *, truncate: bool) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1:
            raise RefusedResponse(
                f"stacked Content-Encoding {content_encoding!r} refused (we ask for one of "
                "gzip or deflate)"
            )
        self._coding = codings[0] if codings else None
        self._inflater = _inflater(self._coding)
        self._max = max_bytes
        self._truncate = truncate
        self._out = io.BytesIO()
        self._size = 0
        self.truncated = False

    def feed(self, chunk: bytes) -> bool:
        """Add the next raw chunk; True once the body is complete at the cap (truncate mode:
        stop reading)."""
        if self._inflater is None:
            self._add(chunk)
            return self.truncated
        data = chunk
        while data and not self._inflater.eof:
            piece = self._inflate(data)
            self._add(piece)
            if self.truncated:
                return True
            data = self._inflater.unconsumed_tail
        return False

    def finish(self) -> bytes:
        """The decoded body; raises TransientFetchError if a compressed body ended early."""
        if self._inflater is not None and not self.truncated and not self._inflater.eof:
            raise TransientFetchError("truncated", f"{self._coding} body cut short")
        return self._out.getvalue()

    def _inflate(self, data: bytes) -> bytes:
        assert self._inflater is not None
        room = self._max + 1 - self._size  # one byte past the cap is enough to know
        try:
            return self._inflater.decompress(data, room)
        except zlib.error as exc:
            if self._coding == "deflate" and self._size == 0 and not self._raw_tried:
                self._inflater = zlib.decompressobj(_RAW_WBITS)
                self._raw_tried = True
                return self._inflate(data)
            raise TransientFetchError("truncated", f"{self._coding} body corrupt: {exc}") from exc

    _raw_tried = False

    def _add(self, piece: bytes) -> None:
        if self._size + len(piece) > self._max:
            if not self._truncate:
                raise RefusedResponse(f"body grew past the {self._max}-byte cap")
            piece = piece[: self._max - self._size]
            self.truncated = True
        self._out.write(piece)
        self._size += len(piece)


def _inflater(coding: str | None) -> zlib._Decompress | None:
    if coding is None:
        return None
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(_GZIP_WBITS)
    if coding == "deflate":
        return zlib.decompressobj(_ZLIB_WBITS)
    raise RefusedResponse(f"Content-Encoding {coding!r} not supported (we ask for gzip or deflate)")
