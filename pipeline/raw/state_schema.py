"""The state database's tables and schema version, and opening a connection to it.

Opening checks, in this order, before anything is written: that the file is a readable SQLite
database (else ``StateDamaged``, naming the file and the command that rebuilds it from the
bodies), and its schema version. An older version is migrated by a writer (``migrations``), in
one transaction after a backup copy; a reader asks for a writer to run first. A newer or an
unknown version is refused (``RawStoreVersion``) and the folder is left as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.errors import RawStoreVersion, StateDamaged
from pipeline.raw.failures import damaged_message, database_access, file_writes
from pipeline.raw.migrations import FETCH_LOG_DDL, SCHEMA_VERSION, migrate, plan

DDL = (
    """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE bodies (
    sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, stored_size INTEGER NOT NULL,
    stored_at TEXT NOT NULL);
CREATE TABLE pages (
    url TEXT PRIMARY KEY, commitment_id TEXT NOT NULL, member_slug TEXT NOT NULL,
    language TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('ok', 'gone', 'failed')),
    http_status INTEGER, fetched_url TEXT, etag TEXT, last_modified TEXT,
    sha256 TEXT REFERENCES bodies (sha256), fetched_at TEXT, fetch_run_id TEXT,
    checked_at TEXT, check_run_id TEXT, attempts INTEGER NOT NULL, last_error TEXT,
    content_type TEXT,
    UNIQUE (language, commitment_id));
CREATE TABLE documents (
    url TEXT PRIMARY KEY, kind TEXT NOT NULL, http_status INTEGER, etag TEXT,
    last_modified TEXT, sha256 TEXT REFERENCES bodies (sha256), checked_at TEXT,
    check_run_id TEXT);
CREATE TABLE discoveries (sha256 TEXT PRIMARY KEY, entries BLOB NOT NULL);
"""
    + FETCH_LOG_DDL
)


def create(path: Path) -> sqlite3.Connection:
    """A new, empty state database of this version (the caller made sure none exists)."""
    with file_writes(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
    with database_access(path):
        conn = sqlite3.connect(path)
        _set_pragmas(conn)
        with conn:
            conn.executescript(DDL)
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    conn.row_factory = sqlite3.Row
    return conn


def connect(path: Path, *, writable: bool) -> sqlite3.Connection:
    """A connection whose rows are read by column name (sqlite3.Row). A writer creates the
    database if there is none and migrates an older one. Raises StateDamaged for a file that
    is not a readable database, RawStoreVersion for a version that cannot be used."""
    if writable and not path.exists():
        return create(path)
    uri = f"{path.resolve().as_uri()}?mode={'rw' if writable else 'ro'}"
    try:
        conn = sqlite3.connect(uri, uri=True)
        version = _checked_version(conn, path)
    except sqlite3.DatabaseError as exc:
        raise StateDamaged(damaged_message(path, exc)) from exc
    try:
        if version > SCHEMA_VERSION:
            raise RawStoreVersion(
                f"{path.parent} was written by a newer version of the pipeline (raw store "
                f"schema {version}; this version reads up to {SCHEMA_VERSION}). Nothing was "
                "changed; run the newer version, or point --raw-dir at another folder."
            )
        if version < SCHEMA_VERSION and not writable:
            raise RawStoreVersion(
                f"{path.parent} was written by an older version (raw store schema {version}); "
                f"an extract or refresh migrates it to schema {SCHEMA_VERSION}. Nothing was "
                "changed."
            )
        if writable:
            plan(path, version)  # refuses, untouched, a version without a migration path
            _set_pragmas(conn)
            if version < SCHEMA_VERSION:
                migrate(conn, path, version)
    except BaseException:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row
    return conn


def _checked_version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version, after SQLite's own check of the file (``quick_check``: every page
    readable and well-formed; milliseconds for a store of thousands of pages)."""
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise sqlite3.DatabaseError("; ".join(problems[:3]))
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.OperationalError as exc:  # no meta table: not a state database of ours
        raise sqlite3.DatabaseError(f"no schema version ({exc})") from exc
    if row is None or not (str(row[0]).isascii() and str(row[0]).isdigit()):
        raise RawStoreVersion(
            f"{path}: no readable schema version ({row and row[0]!r}); this is not a raw store "
            "this pipeline wrote. Nothing was changed."
        )
    return int(row[0])


def _set_pragmas(conn: sqlite3.Connection) -> None:
    # WAL: readers never block the writer. NORMAL sync: a killed process loses nothing
    # committed; only a power cut may lose the last commits, never corrupt.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
