"""Versions of the raw store, and the steps that migrate an older one.

``SCHEMA_VERSION`` is the version this code writes. A change to what raw/ holds bumps it and
adds one ``Migration`` here, keyed by the version it starts from; ``migrate`` runs the chain
from a store's version to this one. A migration:

- runs only in a writer holding the raw/ lock, after a backup copy of the database is written
  next to it (``state.v<N>-backup.sqlite``);
- changes the database in one transaction with the version bump, so a failed or killed
  migration leaves the store exactly as it was (and it runs again next time);
- may also touch files under raw/ (a later step might move bodies or start a log): such changes
  must be idempotent and made before the transaction commits.

A store whose version has no path here is refused, untouched.

History:
1. the first released layout.
2. ``pages.content_type`` (the Content-Type header of the stored body; None for bodies stored
   before); ``discoveries`` stored as a JSON list (a newline or tab inside a URL cannot break
   it); validators with non-ASCII characters dropped, since their bytes were not kept exactly
   (the page is fetched unconditionally once); body files carry a metadata frame (older bodies
   simply lack it: nothing to migrate).
3. ``fetch_log``: one row each time a commitment page's state, body, Content-Type or URL
   changes (a new body, a 404/410, a failure, a recovery), in the run it happened; the body a
   page had in any run is that of its latest row up to that run (see ``pipeline.raw.fetchlog``).
   The step seeds it from ``pages``: the stored body in the run that first fetched it, then
   the failure or the 404/410 in the run that last checked the page. Older bodies of a page are
   on disk but not in the log (their metadata frames name them; see ``rebuild-state``).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RawStoreVersion
from pipeline.raw.failures import database_access

log = logging.getLogger("pipeline.raw")

# The fetch log (schema 3): the table and its index, created here so that the migration step
# and a new store (``state_schema``) create exactly the same thing.
FETCH_LOG_DDL = """
CREATE TABLE fetch_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, at TEXT NOT NULL,
    url TEXT NOT NULL, commitment_id TEXT NOT NULL, member_slug TEXT NOT NULL,
    language TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('ok', 'gone', 'failed')),
    http_status INTEGER, sha256 TEXT, fetched_url TEXT, fetched_at TEXT, fetch_run_id TEXT,
    content_type TEXT, error TEXT);
CREATE INDEX fetch_log_page ON fetch_log (language, commitment_id, seq);
"""

SCHEMA_VERSION = 3


@dataclass(frozen=True)
class Migration:
    to_version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE pages ADD COLUMN content_type TEXT")
    for sha256, blob in conn.execute("SELECT sha256, entries FROM discoveries").fetchall():
        entries = _v1_discoveries(blob)
        if entries is None:  # sitemap entries or unreadable: that document is read again
            conn.execute("DELETE FROM discoveries WHERE sha256 = ?", (sha256,))
        else:
            conn.execute(
                "UPDATE discoveries SET entries = ? WHERE sha256 = ?",
                (zlib.compress(json.dumps(entries).encode(), 6), sha256),
            )
    for select, clear in _VALIDATORS:
        for url, etag, last_modified in conn.execute(select).fetchall():
            if not (_ascii(etag) and _ascii(last_modified)):
                conn.execute(clear, (url,))


_VALIDATORS = [
    (
        f"SELECT url, etag, last_modified FROM {table}",
        f"UPDATE {table} SET etag = NULL, last_modified = NULL WHERE url = ?",
    )
    for table in ("pages", "documents")
]


def _v1_discoveries(blob: bytes) -> list[str] | None:
    """Version 1 joined entries with newlines (sitemap entries with tabs inside): the links of
    a page become a JSON list; sitemap entries are dropped (None)."""
    try:
        text = zlib.decompress(blob).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        return None
    lines = text.split("\n") if text else []
    return None if any("\t" in line for line in lines) else lines


def _ascii(value: str | None) -> bool:
    return value is None or value.isascii()


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    # One statement at a time: executescript would commit the migration's transaction.
    for statement in FETCH_LOG_DDL.split(";"):
        if statement.strip():
            conn.execute(statement)
    columns = "url, commitment_id, member_slug, language"
    # The body each page has, from the run that first fetched it (every page with a body).
    conn.execute(
        f"INSERT INTO fetch_log (run_id, at, {columns}, state, http_status, sha256,"
        " fetched_url, fetched_at, fetch_run_id, content_type, error)"
        f" SELECT fetch_run_id, fetched_at, {columns}, 'ok', 200, sha256, fetched_url,"
        " fetched_at, fetch_run_id, content_type, NULL FROM pages"
        " WHERE sha256 IS NOT NULL AND fetch_run_id IS NOT NULL ORDER BY fetched_at, url"
    )
    # Then a page's 404/410 or failure, in the run that last checked it.
    conn.execute(
        f"INSERT INTO fetch_log (run_id, at, {columns}, state, http_status, sha256,"
        " fetched_url, fetched_at, fetch_run_id, content_type, error)"
        f" SELECT check_run_id, COALESCE(checked_at, fetched_at, ''), {columns}, state,"
        " http_status, sha256, fetched_url, fetched_at, fetch_run_id, content_type, last_error"
        " FROM pages WHERE state != 'ok' AND check_run_id IS NOT NULL ORDER BY url"
    )


# Keyed by the version a step starts from.
MIGRATIONS: dict[int, Migration] = {
    1: Migration(2, "content type column, discoveries as JSON, exact validators", _v1_to_v2),
    2: Migration(3, "fetch log of every page's bodies and 404/410 outcomes", _v2_to_v3),
}


def plan(path: Path, version: int) -> list[Migration]:
    """The steps from ``version`` to SCHEMA_VERSION; raises RawStoreVersion when one is
    missing (checked before anything is written)."""
    chain: list[Migration] = []
    while version + len(chain) < SCHEMA_VERSION:
        step = MIGRATIONS.get(version + len(chain))
        if step is None:
            raise RawStoreVersion(
                f"{path.parent} was written by an older version (raw store schema {version}) "
                f"that this version cannot migrate (no step from schema {version + len(chain)})."
                " Nothing was changed; keep it for an older release, or start a new raw/."
            )
        chain.append(step)
    return chain


def migrate(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Bring the database at ``path`` from ``version`` to SCHEMA_VERSION (see the module
    docstring); raises RawStoreVersion, with nothing changed, when that is not possible."""
    chain = plan(path, version)
    backup = path.with_name(f"state.v{version}-backup.sqlite")
    with database_access(path):
        _backup(conn, backup)
        conn.execute("BEGIN IMMEDIATE")
        try:
            for step in chain:
                step.apply(conn)
                log.info("raw store %s: migrated to schema %d (%s)", path.parent,
                         step.to_version, step.summary)  # fmt: skip
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
            if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_FULL"):
                raise  # database_access says: no space
            raise RawStoreVersion(
                f"{path}: the migration from schema {version} failed ({exc}); it was rolled "
                "back, nothing was changed"
            ) from exc
        except BaseException:
            conn.rollback()
            raise
    log.info("raw store %s: the schema %d database is kept as %s", path.parent, version, backup)


def _backup(conn: sqlite3.Connection, backup: Path) -> None:
    if backup.exists():  # an earlier attempt made it: the original is still what it copied
        return
    partial = backup.with_name(backup.name + ".partial")
    target = sqlite3.connect(partial)
    try:
        conn.backup(target)
    finally:
        target.close()
    partial.replace(backup)
