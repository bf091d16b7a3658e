"""The raw store's state database (SQLite, WAL): one row per URL. No network.

``pages``: one row per commitment page (unique per language and commitment ID): the last
HTTP outcome, validators, the sha256 of the stored body and its provenance (``fetched_at`` and
``fetch_run_id`` of the fetch that first produced that exact body; ``checked_at`` of the last
200 or 304 that confirmed it). ``documents``: robots.txt, sitemaps, listing and member pages,
with validators. ``bodies``: size of every stored body. ``discoveries``: what discovery found in
a body (links, sitemap entries), keyed by the body's sha256, so a 304 needs no re-parse.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import StoreCorrupt

if TYPE_CHECKING:
    from pipeline.rawstore import BodyRef

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bodies (
    sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, stored_size INTEGER NOT NULL,
    stored_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, commitment_id TEXT NOT NULL, member_slug TEXT NOT NULL,
    language TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('ok', 'gone', 'failed')),
    http_status INTEGER, fetched_url TEXT, etag TEXT, last_modified TEXT,
    sha256 TEXT REFERENCES bodies (sha256), fetched_at TEXT, fetch_run_id TEXT,
    checked_at TEXT, check_run_id TEXT, attempts INTEGER NOT NULL, last_error TEXT,
    UNIQUE (language, commitment_id));
CREATE TABLE IF NOT EXISTS documents (
    url TEXT PRIMARY KEY, kind TEXT NOT NULL, http_status INTEGER, etag TEXT,
    last_modified TEXT, sha256 TEXT REFERENCES bodies (sha256), checked_at TEXT,
    check_run_id TEXT);
CREATE TABLE IF NOT EXISTS discoveries (sha256 TEXT PRIMARY KEY, entries BLOB NOT NULL);
"""
_PAGE_COLUMNS = (
    "p.url, p.commitment_id, p.member_slug, p.language, p.state, p.http_status, p.fetched_url,"
    " p.etag, p.last_modified, p.sha256, p.fetched_at, p.fetch_run_id, p.checked_at,"
    " p.check_run_id, p.attempts, p.last_error, b.size"
)
_PAGE_SELECT = f"SELECT {_PAGE_COLUMNS} FROM pages p LEFT JOIN bodies b ON b.sha256 = p.sha256"


@dataclass(frozen=True, slots=True)
class PageKey:
    """Which commitment page a row is about."""

    url: str
    commitment_id: str
    member_slug: str
    language: str


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer about a URL: in which run, when, after how many attempts, with which
    validators (ETag, Last-Modified) to send back next time."""

    run_id: str
    at: datetime
    attempts: int = 1
    etag: str | None = None
    last_modified: str | None = None


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
    body_size: int | None

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


def _page(row: tuple[object, ...]) -> PageState:
    values = list(row)
    for index in (10, 12):  # fetched_at, checked_at
        values[index] = _time(values[index])  # type: ignore[arg-type]
    return PageState(*values)  # type: ignore[arg-type]


class StateDB:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection

    @classmethod
    def open(cls, path: Path, *, writable: bool) -> StateDB:
        try:
            if writable:
                conn = sqlite3.connect(path)
                # WAL: readers never block the writer. NORMAL sync: a killed process loses
                # nothing committed; only a power cut may lose the last commits, never corrupt.
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                with conn:
                    conn.executescript(_SCHEMA)
                    conn.execute(
                        "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                        (str(SCHEMA_VERSION),),
                    )
            else:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreCorrupt(f"{path}: cannot read the state database: {exc}") from exc
        if version is None or int(version[0]) != SCHEMA_VERSION:
            conn.close()
            raise StoreCorrupt(
                f"{path}: state schema version {version and version[0]}, this code reads "
                f"{SCHEMA_VERSION}"
            )
        return cls(conn)

    def close(self) -> None:
        self._conn.close()

    # -- reading ----------------------------------------------------------------------------
    def page(self, url: str) -> PageState | None:
        row = self._conn.execute(f"{_PAGE_SELECT} WHERE p.url = ?", (url,)).fetchone()
        return _page(row) if row else None

    def page_by_id(self, language: str, commitment_id: str) -> PageState | None:
        row = self._conn.execute(
            f"{_PAGE_SELECT} WHERE p.language = ? AND p.commitment_id = ?",
            (language, commitment_id),
        ).fetchone()
        return _page(row) if row else None

    def page_for(self, key: PageKey) -> PageState | None:
        """The row of this page: by URL, or by language and ID if stored under another URL."""
        row = self._conn.execute(
            f"{_PAGE_SELECT} WHERE p.url = ? OR (p.language = ? AND p.commitment_id = ?)"
            " ORDER BY p.url = ? DESC LIMIT 1",
            (key.url, key.language, key.commitment_id, key.url),
        ).fetchone()
        return _page(row) if row else None

    def pages(self) -> list[PageState]:
        return [_page(r) for r in self._conn.execute(f"{_PAGE_SELECT} ORDER BY p.url")]

    def current_pages(self) -> list[PageState]:
        query = f"{_PAGE_SELECT} WHERE p.sha256 IS NOT NULL AND p.state != 'gone' ORDER BY p.url"
        return [_page(r) for r in self._conn.execute(query)]

    def body_size(self, sha256: str) -> int | None:
        row = self._conn.execute("SELECT size FROM bodies WHERE sha256 = ?", (sha256,)).fetchone()
        return int(row[0]) if row else None

    def document(self, url: str) -> DocumentState | None:
        row = self._conn.execute(
            "SELECT url, kind, http_status, etag, last_modified, sha256, checked_at"
            " FROM documents WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        url, kind, status, etag, last_modified, sha256, checked_at = row
        return DocumentState(url, kind, status, etag, last_modified, sha256, _time(checked_at))

    def discoveries(self, sha256: str) -> list[str] | None:
        """What discovery found in this body (opaque lines), or None if never recorded."""
        row = self._conn.execute(
            "SELECT entries FROM discoveries WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None:
            return None
        text = zlib.decompress(row[0]).decode()
        return text.split("\n") if text else []

    # -- writing: each method is one transaction ----------------------------------------------
    def record_page_body(
        self, key: PageKey, answer: Answer, *, fetched_url: str, body: BodyRef,
        discoveries: list[str],
    ) -> bool:  # fmt: skip
        """A 200 with a stored body. Returns True when the body is new for this page; an
        identical body keeps its first fetch's provenance and only moves ``checked_at``."""
        with self._conn:
            self._add_body(body, discoveries, answer.at)
            previous = self._claim_row(key)
            same = previous is not None and previous.sha256 == body.sha256
            if same and previous is not None:
                first = (previous.fetched_url, _iso(previous.fetched_at), previous.fetch_run_id)
            else:
                first = (fetched_url, answer.at.isoformat(), answer.run_id)
            self._conn.execute(
                "INSERT OR REPLACE INTO pages VALUES (?,?,?,?,'ok',200,?,?,?,?,?,?,?,?,?,NULL)",
                (key.url, key.commitment_id, key.member_slug, key.language, first[0],
                 answer.etag, answer.last_modified, body.sha256, first[1], first[2],
                 answer.at.isoformat(), answer.run_id, answer.attempts),
            )  # fmt: skip
        return not same

    def record_page_not_modified(self, url: str, answer: Answer) -> None:
        """A 304: the stored body is still current; only the check time moves."""
        with self._conn:
            self._conn.execute(
                "UPDATE pages SET state='ok', http_status=304, etag=COALESCE(?, etag),"
                " last_modified=COALESCE(?, last_modified), checked_at=?, check_run_id=?,"
                " attempts=?, last_error=NULL WHERE url = ?",
                (answer.etag, answer.last_modified, answer.at.isoformat(), answer.run_id,
                 answer.attempts, url),
            )  # fmt: skip

    def record_page_outcome(
        self, key: PageKey, answer: Answer, *, state: str, http_status: int | None,
        error: str | None,
    ) -> None:  # fmt: skip
        """A page gone (404/410) or failed: the row keeps any earlier body and provenance."""
        with self._conn:
            if self._claim_row(key) is None:
                self._conn.execute(
                    "INSERT INTO pages (url, commitment_id, member_slug, language, state,"
                    " attempts) VALUES (?,?,?,?,?,0)",
                    (key.url, key.commitment_id, key.member_slug, key.language, state),
                )
            self._conn.execute(
                "UPDATE pages SET state=?, http_status=?, last_error=?, check_run_id=?,"
                " attempts=? WHERE url = ?",
                (state, http_status, error, answer.run_id, answer.attempts, key.url),
            )

    def record_document(
        self, url: str, kind: str, answer: Answer, *, http_status: int, body: BodyRef,
        discoveries: list[str] | None,
    ) -> None:  # fmt: skip
        with self._conn:
            self._add_body(body, discoveries, answer.at)
            self._conn.execute(
                "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?)",
                (url, kind, http_status, answer.etag, answer.last_modified, body.sha256,
                 answer.at.isoformat(), answer.run_id),
            )  # fmt: skip

    def record_document_checked(self, url: str, answer: Answer) -> None:
        with self._conn:
            self._conn.execute(
                "UPDATE documents SET http_status=304, checked_at=?, check_run_id=? WHERE url=?",
                (answer.at.isoformat(), answer.run_id, url),
            )

    def _add_body(self, body: BodyRef, discoveries: list[str] | None, now: datetime) -> None:
        self._conn.execute(
            "INSERT OR IGNORE INTO bodies VALUES (?,?,?,?)",
            (body.sha256, body.size, body.stored_size, now.isoformat()),
        )
        if discoveries is not None:
            blob = zlib.compress("\n".join(discoveries).encode(), 6)
            self._conn.execute(
                "INSERT OR IGNORE INTO discoveries VALUES (?,?)", (body.sha256, blob)
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
