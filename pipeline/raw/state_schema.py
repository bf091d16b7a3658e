"""The state database's tables and schema version, and opening a connection to it.

A change to the tables bumps ``SCHEMA_VERSION``; a database of another version is refused as
StoreCorrupt (a migration step from the old version would go here, next to the DDL it moves).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.errors import StoreCorrupt

SCHEMA_VERSION = 1
DDL = """
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


def connect(path: Path, *, writable: bool) -> sqlite3.Connection:
    """A connection whose rows are read by column name (sqlite3.Row). A writer creates the
    tables if needed; either checks the schema version. Raises StoreCorrupt."""
    try:
        if writable:
            conn = sqlite3.connect(path)
            # WAL: readers never block the writer. NORMAL sync: a killed process loses
            # nothing committed; only a power cut may lose the last commits, never corrupt.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            with conn:
                conn.executescript(DDL)
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
    conn.row_factory = sqlite3.Row
    return conn
