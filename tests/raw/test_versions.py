"""A raw/ written by an older version is migrated (or refused untouched), a damaged state
database is refused with the way to rebuild it, and the rebuild restores the pages (no
network: the extract side of these cases is in tests/extract/test_store_faults.py)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.errors import RawStoreVersion, StateDamaged
from pipeline.raw import BodyMeta, FetchRecord, PageKey, RawStore
from pipeline.raw.migrations import SCHEMA_VERSION
from pipeline.raw.rebuild import rebuild_state

BASE = "https://www.opengovpartnership.org"
URL = f"{BASE}/members/mongolia/commitments/MN0002/"

# The layout version 1 wrote, as released (a frozen copy: this is what old stores hold).
V1_DDL = """
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
    UNIQUE (language, commitment_id));
CREATE TABLE documents (
    url TEXT PRIMARY KEY, kind TEXT NOT NULL, http_status INTEGER, etag TEXT,
    last_modified TEXT, sha256 TEXT REFERENCES bodies (sha256), checked_at TEXT,
    check_run_id TEXT);
CREATE TABLE discoveries (sha256 TEXT PRIMARY KEY, entries BLOB NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
"""
PAGE_LINKS = [f"{BASE}/members/mongolia/", f"{BASE}/members/mongolia/commitments/MN0003/"]
SITEMAP_ENTRY = f"U\t{BASE}/members/mongolia/commitments/MN0002/\t2024-01-01T00:00:00+00:00"


def v1_store(raw: Path) -> dict[str, str]:
    """A raw/ as version 1 left it: two pages (one with a non-ASCII ETag as version 1 kept
    it, decoded text), their bodies without metadata, the links of one, a sitemap's entries.
    Returns the sha256 of each body by name."""
    bodies = {"page": b"<html>MN0002</html>", "other": b"<html>MN0003</html>", "map": b"<x/>"}
    sha = {name: hashlib.sha256(body).hexdigest() for name, body in bodies.items()}
    codec = pa.Codec("zstd", compression_level=3)
    raw.mkdir()
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn, conn:
        conn.execute("PRAGMA journal_mode=WAL")  # as version 1 opened it
        conn.executescript(V1_DDL)
        for name, body in bodies.items():
            path = raw / "bodies" / sha[name][:2] / f"{sha[name]}.zst"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(codec.compress(body, asbytes=True))
            row = (sha[name], len(body), path.stat().st_size, "2025-01-01T00:00:00+00:00")
            conn.execute("INSERT INTO bodies VALUES (?,?,?,?)", row)
        for cid, name, etag in [("MN0002", "page", '"café"'), ("MN0003", "other", '"e3"')]:
            conn.execute(
                "INSERT INTO pages VALUES (?,?,?,?,'ok',200,?,?,?,?,?,?,?,?,1,NULL)",
                (URL.replace("MN0002", cid), cid, "mongolia", "en", URL.replace("MN0002", cid),
                 etag, "Wed, 01 Jan 2025 00:00:00 GMT", sha[name], "2025-01-01T00:00:00+00:00",
                 "run-old", "2025-01-01T00:00:00+00:00", "run-old"),
            )  # fmt: skip
        conn.execute("INSERT INTO discoveries VALUES (?,?)",
                     (sha["page"], zlib.compress("\n".join(PAGE_LINKS).encode())))  # fmt: skip
        conn.execute("INSERT INTO discoveries VALUES (?,?)",
                     (sha["map"], zlib.compress(SITEMAP_ENTRY.encode())))  # fmt: skip
    return sha


def snapshot(raw: Path) -> dict[str, str]:
    """Every file under raw/ with the hash of its bytes."""
    return {
        str(p.relative_to(raw)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(raw.rglob("*"))
        if p.is_file()
    }


def version_of(database: Path) -> str:
    with closing(sqlite3.connect(database)) as conn:
        return str(conn.execute("SELECT value FROM meta").fetchone()[0])


def test_a_version_1_store_is_migrated_by_a_writer_and_kept_as_a_backup(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    sha = v1_store(raw)
    with RawStore(raw, writable=True) as store:
        pages = {p.commitment_id: p for p in store.current_pages()}
        assert {p.content_type for p in pages.values()} == {None}
        assert store.read_body(sha["page"]) == b"<html>MN0002</html>"  # old bodies still read
        assert store.db.discoveries(sha["page"]) == PAGE_LINKS
        assert store.db.discoveries(sha["map"]) is None  # sitemap entries: read again
        mn2, mn3 = store.db.page(URL), store.db.page(URL.replace("MN0002", "MN0003"))
        assert mn2 is not None and mn3 is not None
        assert (mn2.etag, mn2.last_modified) == (None, None)  # its bytes were not kept
        assert mn3.etag == '"e3"'
    assert version_of(raw / "state.sqlite") == str(SCHEMA_VERSION) == "3"
    assert version_of(raw / "state.v1-backup.sqlite") == "1"
    with RawStore(raw) as store:  # the chain ran on to schema 3: each body in the fetch log
        assert [(e.run_id, e.commitment_id, e.state) for e in store.db.fetch_log()] == [
            ("run-old", "MN0002", "ok"),
            ("run-old", "MN0003", "ok"),
        ]


def test_a_reader_asks_for_a_writer_to_migrate_and_changes_nothing(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    v1_store(raw)
    before = snapshot(raw)
    with pytest.raises(RawStoreVersion, match=r"older version.*extract or refresh migrates"):
        RawStore(raw).open()
    after = snapshot(raw)
    # A read-only SQLite connection leaves its (empty) log and shared-memory index behind; the
    # database and the bodies are unchanged.
    assert after.pop("state.sqlite-wal") == hashlib.sha256(b"").hexdigest()
    after.pop("state.sqlite-shm")
    assert after == before


@pytest.mark.parametrize(("version", "message"), [("4", "newer version"), ("0", "cannot migrate")])
def test_a_store_of_a_version_without_a_path_is_refused_untouched(
    tmp_path: Path, version: str, message: str
) -> None:
    raw = tmp_path / "raw"
    v1_store(raw)
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn, conn:
        conn.execute("UPDATE meta SET value = ?", (version,))
    before = snapshot(raw)
    with pytest.raises(RawStoreVersion, match=message):
        RawStore(raw, writable=True).open()
    assert snapshot(raw) == before  # not even bodies/tmp/ was created


def test_a_migration_that_fails_is_rolled_back(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    v1_store(raw)
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn, conn:
        conn.execute("ALTER TABLE pages ADD COLUMN content_type TEXT")  # the step will clash
    with pytest.raises(RawStoreVersion, match=r"failed.*rolled back"):
        RawStore(raw, writable=True).open()
    assert version_of(raw / "state.sqlite") == "1"
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn:
        (entries,) = conn.execute("SELECT count(*) FROM discoveries").fetchone()
    assert entries == 2


def _a_real_store(raw: Path, pages: int) -> None:
    with RawStore(raw, writable=True) as store:
        for number in range(pages):
            cid = f"MN{number:04d}"
            url = URL.replace("MN0002", cid)
            body = f"<html>{cid} {'text ' * 200}</html>".encode()
            meta = BodyMeta("page", url, url, "2025-03-01T02:00:00+00:00", "run-1",
                            "text/html; charset=utf-8", f'"{cid}"')  # fmt: skip
            ref = store.write_body(body, meta)
            record = FetchRecord("run-1", datetime(2025, 3, 1, 2, tzinfo=UTC), 1, f'"{cid}"',
                                 None, "text/html; charset=utf-8")  # fmt: skip
            store.db.record_page_body(PageKey(url, cid, "mongolia", "en"), record,
                                      fetched_url=url, body=ref, discoveries=[])  # fmt: skip


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_state_database_names_the_file_and_the_rebuild_command(
    tmp_path: Path, damage: str
) -> None:
    raw = tmp_path / "raw"
    _a_real_store(raw, 300)
    state = raw / "state.sqlite"
    data = state.read_bytes()
    state.write_bytes(b"not a database " * 300 if damage == "garbage" else data[: len(data) // 2])
    for writable in (True, False):
        with pytest.raises(StateDamaged) as caught:
            RawStore(raw, writable=writable).open()
        assert str(state) in str(caught.value)
        assert f"python -m pipeline rebuild-state --raw-dir {raw}" in str(caught.value)


def test_the_state_is_rebuilt_from_the_bodies_with_their_metadata(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    _a_real_store(raw, 5)
    with RawStore(raw) as store:
        before = store.current_pages()
        validators = {p.url: p.etag for p in store.db.pages()}
    old = raw / "bodies" / "0a" / ("0a" + "1" * 62 + ".zst")  # a body of no known page
    old.parent.mkdir()
    old.write_bytes(b"not zstd")
    (raw / "state.sqlite").write_bytes(b"damaged")
    report = rebuild_state(raw, BASE)
    assert (report.body_files, report.pages, report.damaged) == (6, 5, 1)
    moved = {p.name.split(".damaged-")[0] for p in report.moved_aside}
    assert "state.sqlite" in moved <= {"state.sqlite", "state.sqlite-wal", "state.sqlite-shm"}
    assert (raw / "bodies" / "damaged").is_dir() and not old.exists()
    with RawStore(raw) as store:
        assert store.current_pages() == before  # URLs, bodies, provenance, Content-Type
        assert {p.url: p.etag for p in store.db.pages()} == validators


def test_bodies_of_an_older_version_are_attributed_by_their_canonical_link(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    sha = v1_store(raw)
    codec = pa.Codec("zstd", compression_level=3)
    page = b'<html><head><link rel="canonical" href="/members/mongolia/commitments/MN0009/">'
    digest = hashlib.sha256(page).hexdigest()
    path = raw / "bodies" / digest[:2] / f"{digest}.zst"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(codec.compress(page, asbytes=True))
    report = rebuild_state(raw, BASE)
    assert (report.pages, report.unattributed) == (1, 3)
    with RawStore(raw) as store:
        (restored,) = store.current_pages()
        assert store.db.discoveries(sha["page"]) is None
    assert (restored.url, restored.sha256, restored.content_type) == (
        URL.replace("MN0002", "MN0009"),
        digest,
        None,
    )
    assert json.loads(json.dumps(restored.fetch_run_id)) == "rebuilt-from-bodies"
