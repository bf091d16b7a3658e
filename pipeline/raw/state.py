"""The raw store's state database (SQLite, WAL): one row per URL. No network.

``pages``: one row per commitment page (unique per language and commitment ID): the last
HTTP outcome, validators, the sha256 of the stored body and its provenance (``fetched_at`` and
``fetch_run_id`` of the fetch that first produced that exact body; ``checked_at`` of the last
200 or 304 that confirmed it). ``documents``: robots.txt, sitemaps, listing and member pages,
with validators. ``bodies``: size of every stored body. ``discoveries``: what discovery found in
a body (links, sitemap entries), keyed by the body's sha256, so a 304 needs no re-parse; a JSON
list of strings (zlib-compressed), which no character inside an entry can break.

Every call goes through ``database_access``: a full disk or a damaged file becomes our error
with a message saying what to do, never a traceback.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from pipeline.raw.bodies import BodyRef
from pipeline.raw.failures import database_access
from pipeline.raw.fetchlog import LoggedPage, log_change, read_log
from pipeline.raw.state_schema import connect

# Every column of a PageState, as selected: pages joined with the size of its stored body.
_PAGE_SELECT = (
    "SELECT p.url, p.commitment_id, p.member_slug, p.language, p.state, p.http_status,"
    " p.fetched_url, p.etag, p.last_modified, p.sha256, p.fetched_at, p.fetch_run_id,"
    " p.checked_at, p.check_run_id, p.attempts, p.last_error, p.content_type,"
    " b.size AS body_size, b.stored_size AS stored_size"
    " FROM pages p LEFT JOIN bodies b ON b.sha256 = p.sha256"
)
_TIMES = frozenset({"fetched_at", "checked_at"})  # stored as ISO text, read as datetimes


@dataclass(frozen=True, slots=True)
class PageKey:
    """Which commitment page a row is about."""

    url: str
    commitment_id: str
    member_slug: str
    language: str


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What the state keeps about one fetch of a URL: in which run, when, after how many
    attempts, the validators (ETag, Last-Modified) to send back next time (their bytes as
    latin-1 text, so they go back exactly as received), and the body's Content-Type."""

    run_id: str
    at: datetime
    attempts: int = 1
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class PageState:
    url: str
    commitment_id: str
    member_slug: str
    language: str
    state: str  # ok, gone, failed
    http_status: int | None  # of the last answer; None when none came (timeout, reset)
    fetched_url: str | None
    etag: str | None
    last_modified: str | None
    sha256: str | None  # stored body, kept through later failures
    fetched_at: datetime | None
    fetch_run_id: str | None
    checked_at: datetime | None
    check_run_id: str | None
    attempts: int
    last_error: str | None
    content_type: str | None  # of the stored body's response; None before schema 2
    body_size: int | None
    stored_size: int | None  # of the body file

    @property
    def has_body(self) -> bool:
        return self.sha256 is not None


@dataclass(frozen=True, slots=True)
class DocumentState:
    url: str
    kind: str
    http_status: int | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    checked_at: datetime | None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _page(row: sqlite3.Row) -> PageState:
    values = {name: row[name] for name in row.keys()}  # noqa: SIM118 - Row is not a mapping
    for name in _TIMES:
        values[name] = _time(values[name])
    return PageState(**values)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guarded(
    method: Callable[Concatenate[StateDB, _P], _R],
) -> Callable[Concatenate[StateDB, _P], _R]:
    """Runs a StateDB method inside ``database_access`` (full disk, damaged file)."""

    def guarded(self: StateDB, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with database_access(self.path):
            return method(self, *args, **kwargs)

    guarded.__doc__ = method.__doc__
    return guarded


class StateDB:
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._conn = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, *, writable: bool) -> StateDB:
        """Raises StateDamaged for a database that cannot be read, RawStoreVersion for one of
        a version this code cannot use (an older one is migrated by a writer)."""
        return cls(connect(path, writable=writable), path)

    def close(self) -> None:
        self._conn.close()

    # -- reading ----------------------------------------------------------------------------
    @_guarded
    def page(self, url: str) -> PageState | None:
        row = self._conn.execute(f"{_PAGE_SELECT} WHERE p.url = ?", (url,)).fetchone()
        return _page(row) if row else None

    @_guarded
    def page_by_id(self, language: str, commitment_id: str) -> PageState | None:
        row = self._conn.execute(
            f"{_PAGE_SELECT} WHERE p.language = ? AND p.commitment_id = ?",
            (language, commitment_id),
        ).fetchone()
        return _page(row) if row else None

    @_guarded
    def page_for(self, key: PageKey) -> PageState | None:
        """The row of this page: by URL, or by language and ID if stored under another URL."""
        row = self._conn.execute(
            f"{_PAGE_SELECT} WHERE p.url = ? OR (p.language = ? AND p.commitment_id = ?)"
            " ORDER BY p.url = ? DESC LIMIT 1",
            (key.url, key.language, key.commitment_id, key.url),
        ).fetchone()
        return _page(row) if row else None

    @_guarded
    def pages(self) -> list[PageState]:
        return [_page(r) for r in self._conn.execute(f"{_PAGE_SELECT} ORDER BY p.url")]

    @_guarded
    def current_pages(self) -> list[PageState]:
        query = f"{_PAGE_SELECT} WHERE p.sha256 IS NOT NULL AND p.state != 'gone' ORDER BY p.url"
        return [_page(r) for r in self._conn.execute(query)]

    @_guarded
    def referenced_bodies(self) -> set[str]:
        """The bodies the state points at: each page's and each document's latest."""
        rows = self._conn.execute(
            "SELECT sha256 FROM pages WHERE sha256 IS NOT NULL"
            " UNION SELECT sha256 FROM documents WHERE sha256 IS NOT NULL"
        )
        return {str(row[0]) for row in rows}

    @_guarded
    def forget_bodies(self, shas: list[str]) -> None:
        """Drop the rows of bodies about to be deleted (their sizes and discoveries), in one
        transaction; the fetch log keeps naming them (that body is no longer stored)."""
        with self._conn:
            for sha in shas:
                self._conn.execute("DELETE FROM bodies WHERE sha256 = ?", (sha,))
                self._conn.execute("DELETE FROM discoveries WHERE sha256 = ?", (sha,))

    @_guarded
    def fetch_log(self) -> list[LoggedPage]:
        """The fetch log (see ``pipeline.raw.fetchlog``), in the order written."""
        return read_log(self._conn)

    @_guarded
    def body_size(self, sha256: str) -> int | None:
        row = self._conn.execute("SELECT size FROM bodies WHERE sha256 = ?", (sha256,)).fetchone()
        return int(row["size"]) if row else None

    @_guarded
    def document(self, url: str) -> DocumentState | None:
        row = self._conn.execute(
            "SELECT url, kind, http_status, etag, last_modified, sha256, checked_at"
            " FROM documents WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        return DocumentState(
            url=row["url"],
            kind=row["kind"],
            http_status=row["http_status"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            sha256=row["sha256"],
            checked_at=_time(row["checked_at"]),
        )

    @_guarded
    def body_stored_size(self, sha256: str) -> int | None:
        row = self._conn.execute(
            "SELECT stored_size FROM bodies WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return int(row["stored_size"]) if row else None

    @_guarded
    def discoveries(self, sha256: str) -> list[str] | None:
        """What discovery found in this body (opaque entries), or None if never recorded or
        unreadable (then the caller finds them again)."""
        row = self._conn.execute(
            "SELECT entries FROM discoveries WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None:
            return None
        try:
            entries = json.loads(zlib.decompress(row["entries"]))
        except (zlib.error, ValueError):
            return None
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            return None
        return entries

    # -- writing: each method is one transaction ----------------------------------------------
    @_guarded
    def record_page_body(
        self, key: PageKey, record: FetchRecord, *, fetched_url: str, body: BodyRef,
        discoveries: list[str] | None,
    ) -> bool:  # fmt: skip
        """A 200 with a stored body. Returns True when the body is new for this page; an
        identical body keeps its first fetch's provenance and only moves ``checked_at``."""
        with self._conn:
            self._add_body(body, discoveries, record.at)
            previous = self._claim_row(key)
            same = previous is not None and previous.sha256 == body.sha256
            row: dict[str, object] = {
                "url": key.url,
                "commitment_id": key.commitment_id,
                "member_slug": key.member_slug,
                "language": key.language,
                "etag": record.etag,
                "last_modified": record.last_modified,
                "sha256": body.sha256,
                "checked_at": record.at.isoformat(),
                "check_run_id": record.run_id,
                "attempts": record.attempts,
                "content_type": record.content_type,
            }
            if same and previous is not None:  # provenance of the fetch that first got it
                row["fetched_url"] = previous.fetched_url
                row["fetched_at"] = _iso(previous.fetched_at)
                row["fetch_run_id"] = previous.fetch_run_id
            else:
                row["fetched_url"] = fetched_url
                row["fetched_at"] = record.at.isoformat()
                row["fetch_run_id"] = record.run_id
            self._conn.execute(
                "INSERT OR REPLACE INTO pages (url, commitment_id, member_slug, language, state,"
                " http_status, fetched_url, etag, last_modified, sha256, fetched_at,"
                " fetch_run_id, checked_at, check_run_id, attempts, last_error, content_type)"
                " VALUES (:url, :commitment_id, :member_slug, :language, 'ok', 200,"
                " :fetched_url, :etag, :last_modified, :sha256, :fetched_at, :fetch_run_id,"
                " :checked_at, :check_run_id, :attempts, NULL, :content_type)",
                row,
            )
            log_change(self._conn, key.url, record.run_id, record.at)
        return not same

    @_guarded
    def record_discoveries(self, sha256: str, entries: list[str]) -> None:
        """What discovery found in a stored body, recorded after the fact."""
        with self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO discoveries (sha256, entries) VALUES (?,?)",
                (sha256, zlib.compress(json.dumps(entries).encode(), 6)),
            )

    @_guarded
    def record_body(self, body: BodyRef, now: datetime) -> None:
        """A stored body no row names yet (the state rebuilt from the bodies)."""
        with self._conn:
            self._add_body(body, None, now)

    @_guarded
    def record_page_not_modified(self, url: str, record: FetchRecord) -> None:
        """A 304: the stored body is still current; only the check time moves."""
        with self._conn:
            self._conn.execute(
                "UPDATE pages SET state='ok', http_status=304, etag=COALESCE(?, etag),"
                " last_modified=COALESCE(?, last_modified), checked_at=?, check_run_id=?,"
                " attempts=?, last_error=NULL WHERE url = ?",
                (record.etag, record.last_modified, record.at.isoformat(), record.run_id,
                 record.attempts, url),
            )  # fmt: skip
            log_change(self._conn, url, record.run_id, record.at)

    @_guarded
    def record_page_outcome(
        self, key: PageKey, record: FetchRecord, *, state: str, http_status: int | None,
        error: str | None,
    ) -> None:  # fmt: skip
        """A page gone (404/410) or failed: the row keeps any earlier body and provenance. A
        page known gone whose check fails (a timeout, a 500) stays gone: the failure does not
        bring its old body back into the tables (the error and the run are recorded)."""
        with self._conn:
            previous = self._claim_row(key)
            if previous is not None and previous.state == "gone" and state == "failed":
                state = "gone"
            if previous is None:
                self._conn.execute(
                    "INSERT INTO pages (url, commitment_id, member_slug, language, state,"
                    " attempts) VALUES (?,?,?,?,?,0)",
                    (key.url, key.commitment_id, key.member_slug, key.language, state),
                )
            self._conn.execute(
                "UPDATE pages SET state=?, http_status=?, last_error=?, check_run_id=?,"
                " attempts=? WHERE url = ?",
                (state, http_status, error, record.run_id, record.attempts, key.url),
            )
            log_change(self._conn, key.url, record.run_id, record.at)

    @_guarded
    def record_document(
        self, url: str, kind: str, record: FetchRecord, *, http_status: int, body: BodyRef,
        discoveries: list[str] | None,
    ) -> None:  # fmt: skip
        with self._conn:
            self._add_body(body, discoveries, record.at)
            self._conn.execute(
                "INSERT OR REPLACE INTO documents (url, kind, http_status, etag, last_modified,"
                " sha256, checked_at, check_run_id) VALUES (?,?,?,?,?,?,?,?)",
                (url, kind, http_status, record.etag, record.last_modified, body.sha256,
                 record.at.isoformat(), record.run_id),
            )  # fmt: skip

    @_guarded
    def record_document_checked(self, url: str, record: FetchRecord) -> None:
        with self._conn:
            self._conn.execute(
                "UPDATE documents SET http_status=304, checked_at=?, check_run_id=? WHERE url=?",
                (record.at.isoformat(), record.run_id, url),
            )

    def _add_body(self, body: BodyRef, discoveries: list[str] | None, now: datetime) -> None:
        # A body written again (its file was damaged) may differ in stored size.
        self._conn.execute(
            "INSERT INTO bodies (sha256, size, stored_size, stored_at) VALUES (?,?,?,?)"
            " ON CONFLICT (sha256) DO UPDATE SET stored_size = excluded.stored_size",
            (body.sha256, body.size, body.stored_size, now.isoformat()),
        )
        if discoveries is not None:
            blob = zlib.compress(json.dumps(discoveries).encode(), 6)
            self._conn.execute(
                "INSERT OR REPLACE INTO discoveries (sha256, entries) VALUES (?,?)",
                (body.sha256, blob),
            )

    def _claim_row(self, key: PageKey) -> PageState | None:
        """The page's row, moved to ``key.url`` if it was stored under another URL for the
        same commitment (a renamed member slug): one row per language and commitment ID."""
        previous = self.page_by_id(key.language, key.commitment_id)
        if previous is not None and previous.url != key.url:
            self._conn.execute(
                "UPDATE pages SET url=?, member_slug=? WHERE url=?",
                (key.url, key.member_slug, previous.url),
            )
        return previous


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
