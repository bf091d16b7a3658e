"""Page bodies on disk: zstd-compressed files named by the sha256 of the uncompressed body.

A body is written to ``bodies/tmp``, fsynced and renamed into place, so a file under its final
name was whole when written; a kill leaves at most a partial file in ``tmp/`` (removed by the
next writer) or an unreferenced whole body (harmless: bodies are content-addressed).

Each file starts with a zstd *skippable frame* holding the body's metadata as JSON (which URL,
when, in which run, its Content-Type and validators): zstd readers skip it, and it lets the
state database be rebuilt from the bodies alone (``pipeline.raw.rebuild``). Files written
before schema 2 have no such frame.

A file that does not decompress to bytes hashing to its name (truncated, altered) is moved to
``bodies/damaged/`` by whoever finds it, so the name is free for a good copy and the next
extract, finding it missing, fetches the page again unconditionally. Writing a body whose name
exists checks the existing file first and replaces it if it is damaged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from pipeline.errors import StoreCorrupt
from pipeline.raw.failures import file_writes

log = logging.getLogger("pipeline.raw")

# zstd level 3 (zstd's own default): ~0.1 ms and ~6x smaller for a 100 KB page, where gzip -6
# takes ~2 ms for a larger file. Fast enough not to slow a 500 pages/s extract.
_ZSTD_LEVEL = 3
# A zstd skippable frame (magic 0x184D2A50-0x184D2A5F, then a 4-byte length): decoders skip it.
_META_MAGIC = 0x184D2A5E
_META_HEAD = struct.Struct("<II")
_META_MAX_BYTES = 64 * 1024  # URLs and a few headers; anything larger is not our frame


@dataclass(frozen=True, slots=True)
class BodyRef:
    """A body written to the store: its hash, its size, and what it takes on disk."""

    sha256: str
    size: int
    stored_size: int


@dataclass(frozen=True, slots=True)
class BodyMeta:
    """What a body file says about where its body came from (first fetch of these bytes)."""

    kind: str  # "page" (a commitment page), "robots", "sitemap", "links" (start/member page)
    url: str  # the URL it was stored for (a commitment page's canonical URL)
    fetched_url: str  # the URL that answered, after redirects
    fetched_at: str  # ISO 8601, UTC
    run_id: str
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    size: int = 0  # of the uncompressed body; filled in by ``BodyFiles.write``

    def frame(self) -> bytes:
        payload = json.dumps(asdict(self), ensure_ascii=True, sort_keys=True).encode("ascii")
        return _META_HEAD.pack(_META_MAGIC, len(payload)) + payload

    @property
    def fetched_time(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.fetched_at)
        except ValueError:
            return None


def meta_of(data: bytes) -> BodyMeta | None:
    """The metadata frame at the start of a body file's bytes, or None (older file, or not
    readable as ours)."""
    if len(data) < _META_HEAD.size:
        return None
    magic, length = _META_HEAD.unpack_from(data)
    if magic != _META_MAGIC or length > _META_MAX_BYTES:
        return None
    try:
        fields = json.loads(data[_META_HEAD.size : _META_HEAD.size + length])
        return BodyMeta(**fields)
    except (ValueError, TypeError):
        return None


class BodyFiles:
    """The ``bodies/`` folder of one raw store. Touches only files: safe from worker threads."""

    def __init__(self, bodies_dir: Path) -> None:
        self.dir = bodies_dir
        self._codec = pa.Codec("zstd", compression_level=_ZSTD_LEVEL)

    def path(self, sha256: str) -> Path:
        return self.dir / sha256[:2] / f"{sha256}.zst"

    def write(self, body: bytes, meta: BodyMeta | None = None) -> BodyRef:
        """Compress and store a body under its hash (temp file, fsync, rename), unless that
        exact body is already stored intact. Raises RawStoreFull / RawStoreError when the disk
        refuses the write."""
        sha256 = hashlib.sha256(body).hexdigest()
        path = self.path(sha256)
        if path.exists():
            try:
                self.decode(path.read_bytes(), sha256, len(body), path)
                return BodyRef(sha256, len(body), path.stat().st_size)
            except (StoreCorrupt, OSError):
                log.warning("%s was damaged; writing it again", path)
        frame = replace(meta, size=len(body)).frame() if meta is not None else b""
        data = frame + self._codec.compress(body, asbytes=True)
        tmp = self.dir / "tmp" / f"{sha256}.{os.getpid()}.{id(body)}"
        with file_writes(self.dir):
            try:
                path.parent.mkdir(exist_ok=True)
                with tmp.open("wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                tmp.replace(path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        return BodyRef(sha256, len(body), len(data))

    def read(self, sha256: str, size: int | None) -> bytes:
        """The body with this hash and recorded size, verified; raises StoreCorrupt if it is
        missing (``size`` None: no row records it) or damaged (then it is moved aside)."""
        path = self.path(sha256)
        if size is None or not path.is_file():
            raise StoreCorrupt(f"{self.dir.parent}: no stored body {sha256}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StoreCorrupt(f"{path}: cannot read stored body: {exc}") from exc
        return self.decode(data, sha256, size, path)

    def decode(self, data: bytes, sha256: str, size: int, path: Path) -> bytes:
        """The body in a file's bytes, checked against its name; a damaged file is moved to
        ``bodies/damaged/`` and StoreCorrupt raised."""
        try:
            body: bytes = self._codec.decompress(data, decompressed_size=size, asbytes=True)
        except (OSError, pa.ArrowException) as exc:
            where = self._quarantine(path)
            raise StoreCorrupt(f"{path}: cannot decompress stored body: {exc}{where}") from exc
        if hashlib.sha256(body).hexdigest() != sha256:
            where = self._quarantine(path)
            raise StoreCorrupt(
                f"{path}: body does not hash to its name (altered or corrupt){where}"
            )
        return body

    def read_file(self, path: Path) -> tuple[bytes, BodyMeta | None] | None:
        """The body in a file found on disk and its metadata, verified against the file's
        name; None when it is damaged (then moved aside) or its size cannot be known."""
        data = path.read_bytes()
        meta = meta_of(data)
        size = meta.size if meta is not None and meta.size else zstd_content_size(data)
        if size is None:
            self._quarantine(path)
            return None
        try:
            return self.decode(data, path.name.removesuffix(".zst"), size, path), meta
        except StoreCorrupt:
            return None

    def intact(self, sha256: str, stored_size: int | None) -> bool:
        """A cheap check (one stat) that the body file is there with the size it was written
        with; a truncated or missing file fails it. Bit flips are caught when it is read."""
        try:
            return stored_size is not None and self.path(sha256).stat().st_size == stored_size
        except OSError:
            return False

    def files(self) -> Iterator[Path]:
        """Every stored body file (not the temporary or damaged ones)."""
        for folder in sorted(self.dir.glob("??")):
            yield from sorted(folder.glob("*.zst"))

    def prepare_for_writing(self) -> None:
        """Create ``tmp/`` and empty it. Called only by a writer holding the raw lock, so
        whatever is in ``tmp/`` is from a killed run."""
        tmp = self.dir / "tmp"
        with file_writes(self.dir):
            tmp.mkdir(parents=True, exist_ok=True)
            for leftover in tmp.iterdir():
                leftover.unlink()

    def _quarantine(self, path: Path) -> str:
        """Move a damaged body file aside; returns the note for the error message."""
        target = self.dir / "damaged" / f"{path.name}.{time.time_ns()}"
        try:
            target.parent.mkdir(exist_ok=True)
            path.replace(target)
        except OSError as exc:  # e.g. a read-only copy of raw/: report it, leave the file
            log.warning("cannot move the damaged body %s aside: %s", path, exc)
            return ""
        return f"; moved to {target} (the next extract fetches the page again)"


_ZSTD_MAGIC = 0xFD2FB528


def zstd_content_size(data: bytes) -> int | None:
    """The uncompressed size a zstd frame declares in its header (zstd writes it when it knows
    it, as when compressing one buffer), skipping a leading skippable frame; None if absent."""
    offset = 0
    if len(data) >= _META_HEAD.size and _META_HEAD.unpack_from(data)[0] == _META_MAGIC:
        offset = _META_HEAD.size + _META_HEAD.unpack_from(data)[1]
    if len(data) < offset + 6 or struct.unpack_from("<I", data, offset)[0] != _ZSTD_MAGIC:
        return None
    descriptor = data[offset + 4]
    single_segment = (descriptor >> 5) & 1
    size_bytes = (1 if single_segment else 0, 2, 4, 8)[descriptor >> 6]
    position = offset + 5 + (0 if single_segment else 1) + (0, 1, 2, 4)[descriptor & 3]
    if size_bytes == 0 or len(data) < position + size_bytes:
        return None
    value = int.from_bytes(data[position : position + size_bytes], "little")
    return value + 256 if size_bytes == 2 else value
