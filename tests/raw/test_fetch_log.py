"""The fetch log of raw store schema 3: a row for each change of a page (a new body, a 404/410,
a failure, a recovery), none for a fetch that changes nothing; the version 2 -> 3 migration
seeds it from the pages table, in one transaction after a backup; ``rebuild-state`` recovers
every version of a page the bodies keep."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.errors import RawStoreVersion
from pipeline.raw import BodyMeta, FetchRecord, PageKey, RawStore
from pipeline.raw.fetchlog import replay
from pipeline.raw.rebuild import rebuild_state
from tests.raw.test_versions import V1_DDL, snapshot, version_of

BASE = "https://www.opengovpartnership.org"
URL = f"{BASE}/members/mongolia/commitments/MN0002/"
KEY = PageKey(URL, "MN0002", "mongolia", "en")
T0 = datetime(2025, 3, 1, 2, tzinfo=UTC)

# The layout version 2 wrote, as released: version 1's plus pages.content_type.
V2_DDL = V1_DDL.replace(
    "attempts INTEGER NOT NULL, last_error TEXT,",
    "attempts INTEGER NOT NULL, last_error TEXT, content_type TEXT,",
).replace("('schema_version', '1')", "('schema_version', '2')")


def record(run: int, hours: int = 0) -> FetchRecord:
    return FetchRecord(f"run-{run}", T0 + timedelta(days=run, hours=hours), 1, None, None,
                       "text/html")  # fmt: skip


def store_body(store: RawStore, run: int, text: str, key: PageKey = KEY) -> str:
    body = text.encode()
    meta = BodyMeta("page", key.url, key.url, record(run).at.isoformat(), f"run-{run}",
                    "text/html")  # fmt: skip
    ref = store.write_body(body, meta)
    store.db.record_page_body(key, record(run), fetched_url=key.url, body=ref, discoveries=None)
    return ref.sha256


def log_rows(store: RawStore) -> list[tuple[str, str, str | None, int | None]]:
    return [(e.run_id, e.state, e.sha256, e.http_status) for e in store.db.fetch_log()]


def test_only_changes_of_a_page_are_logged(tmp_path: Path) -> None:
    with RawStore(tmp_path / "raw", writable=True) as store:
        first = store_body(store, 1, "<html>one</html>")
        store.db.record_page_not_modified(URL, record(2))  # a 304: nothing new
        store_body(store, 3, "<html>one</html>")  # the same body again: nothing new
        second = store_body(store, 4, "<html>two</html>")
        gone = dict(state="gone", http_status=404, error=None)
        store.db.record_page_outcome(KEY, record(5), **gone)  # type: ignore[arg-type]
        store.db.record_page_outcome(KEY, record(6), **gone)  # type: ignore[arg-type]
        store.db.record_page_not_modified(URL, record(7))  # it came back as it was
        failed = dict(state="failed", http_status=500, error="HTTP 500")
        store.db.record_page_outcome(KEY, record(8), **failed)  # type: ignore[arg-type]
        store.db.record_page_outcome(KEY, record(9), **failed)  # type: ignore[arg-type]
        assert log_rows(store) == [
            ("run-1", "ok", first, 200),
            ("run-4", "ok", second, 200),
            ("run-5", "gone", second, 404),  # the body is kept through the 404
            ("run-7", "ok", second, 304),
            ("run-8", "failed", second, 500),
        ]
        (failure,) = [e for e in store.db.fetch_log() if e.state == "failed"]
        assert (failure.error, failure.fetched_at, failure.fetch_run_id) == (
            "HTTP 500",
            record(4).at,
            "run-4",
        )


def test_a_page_known_gone_whose_check_fails_stays_gone(tmp_path: Path) -> None:
    with RawStore(tmp_path / "raw", writable=True) as store:
        body = store_body(store, 1, "<html>one</html>")
        store.db.record_page_outcome(KEY, record(2), state="gone", http_status=410, error=None)
        store.db.record_page_outcome(
            KEY, record(3), state="failed", http_status=None, error="timed out"
        )
        assert store.current_pages() == []  # the old body does not come back
        page = store.db.page(URL)
        assert page is not None
        assert (page.state, page.last_error, page.check_run_id) == ("gone", "timed out", "run-3")
        assert log_rows(store) == [("run-1", "ok", body, 200), ("run-2", "gone", body, 410)]


def test_replay_gives_each_page_as_of_each_run(tmp_path: Path) -> None:
    other = PageKey(URL.replace("MN0002", "MN0003"), "MN0003", "mongolia", "en")
    with RawStore(tmp_path / "raw", writable=True) as store:
        first = store_body(store, 1, "<html>one</html>")
        store_body(store, 2, "<html>three</html>", other)
        second = store_body(store, 3, "<html>two</html>")
        store.db.record_page_outcome(other, record(3), state="gone", http_status=410, error=None)
        entries = store.db.fetch_log()
    starts = {f"run-{n}": record(n).at for n in range(4)}
    seen = {
        run: {page[1]: (e.state, e.sha256) for page, e in pages.items()}
        for run, pages in replay(entries, starts)
    }
    three = hashlib.sha256(b"<html>three</html>").hexdigest()
    assert seen == {
        "run-0": {},
        "run-1": {"MN0002": ("ok", first)},
        "run-2": {"MN0002": ("ok", first), "MN0003": ("ok", three)},
        "run-3": {"MN0002": ("ok", second), "MN0003": ("gone", three)},
    }


def test_replay_follows_the_runs_order_and_sees_what_runs_not_listed_left(tmp_path: Path) -> None:
    with RawStore(tmp_path / "raw", writable=True) as store:
        first = store_body(store, 1, "<html>one</html>")  # an extract-only run: not a publish
        second = store_body(store, 3, "<html>two</html>")
        entries = store.db.fetch_log()
    # Two publishes whose ids do not sort by time (started within one second): "run-9" ran
    # before run-3 and after run-1.
    starts = {"run-9": record(2).at, "run-3": record(3).at}
    seen = [(run, pages[("en", "MN0002")].sha256) for run, pages in replay(entries, starts)]
    assert seen == [("run-9", first), ("run-3", second)]


def v2_store(raw: Path) -> None:
    """A raw/ as version 2 left it: a page with a body, one that failed after a good fetch,
    one gone (with its old body), one that never got a body."""
    raw.mkdir()
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn, conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(V2_DDL)
        for cid, state, status, sha, fetched, checked in [
            ("MN0002", "ok", 304, "a" * 64, ("2025-01-01T02:00:00+00:00", "run-1"),
             ("2025-01-03T02:00:00+00:00", "run-3")),
            ("MN0003", "failed", 500, "b" * 64, ("2025-01-02T02:00:00+00:00", "run-2"),
             ("2025-01-03T02:00:00+00:00", "run-3")),
            ("MN0004", "gone", 404, "c" * 64, ("2025-01-01T02:00:00+00:00", "run-1"),
             ("2025-01-02T02:00:00+00:00", "run-2")),
            ("MN0005", "failed", None, None, (None, None), ("2025-01-03T02:00:00+00:00", "run-3")),
        ]:  # fmt: skip
            if sha:
                conn.execute("INSERT INTO bodies VALUES (?, 10, 10, ?)", (sha, fetched[0]))
            url = URL.replace("MN0002", cid)
            conn.execute(
                "INSERT INTO pages VALUES (?,?,'mongolia','en',?,?,?,NULL,NULL,?,?,?,?,?,1,?,"
                "'text/html')",
                (url, cid, state, status, url if sha else None, sha, *fetched, *checked,
                 None if state == "ok" else f"HTTP {status}"),
            )  # fmt: skip


def test_a_version_2_store_is_migrated_and_its_log_seeded_from_the_pages(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    v2_store(raw)
    with RawStore(raw, writable=True) as store:
        seeded = [(e.run_id, e.commitment_id, e.state, e.sha256) for e in store.db.fetch_log()]
        assert len(store.current_pages()) == 2  # the migration changed no page
    assert seeded == [
        ("run-1", "MN0002", "ok", "a" * 64),  # each body in the run that first fetched it
        ("run-1", "MN0004", "ok", "c" * 64),
        ("run-2", "MN0003", "ok", "b" * 64),
        ("run-2", "MN0004", "gone", "c" * 64),  # then the outcome of the last check
        ("run-3", "MN0003", "failed", "b" * 64),
        ("run-3", "MN0005", "failed", None),
    ]
    assert version_of(raw / "state.sqlite") == "3"
    assert version_of(raw / "state.v2-backup.sqlite") == "2"


def test_a_version_2_migration_that_fails_is_rolled_back(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    v2_store(raw)
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn, conn:
        conn.execute("CREATE TABLE fetch_log (x)")  # the step will clash
    with pytest.raises(RawStoreVersion, match=r"failed.*rolled back"):
        RawStore(raw, writable=True).open()
    assert version_of(raw / "state.sqlite") == "2"
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn:
        assert conn.execute("SELECT count(*) FROM fetch_log").fetchone() == (0,)
        assert "fetch_log_page" not in {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master")
        }


def test_a_reader_does_not_migrate_a_version_2_store(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    v2_store(raw)
    before = snapshot(raw)
    with pytest.raises(RawStoreVersion, match="older version"):
        RawStore(raw).open()
    after = snapshot(raw)
    after.pop("state.sqlite-wal")
    after.pop("state.sqlite-shm")
    assert after == before


def test_rebuild_state_logs_every_version_the_bodies_keep(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    with RawStore(raw, writable=True) as store:
        first = store_body(store, 1, "<html>one</html>")
        second = store_body(store, 4, "<html>two</html>")
    (raw / "state.sqlite").write_bytes(b"damaged")
    rebuild_state(raw, BASE)
    with RawStore(raw) as store:
        assert [(e.run_id, e.state, e.sha256) for e in store.db.fetch_log()] == [
            ("run-1", "ok", first),
            ("run-4", "ok", second),
        ]
        (page,) = store.current_pages()
        assert (page.sha256, page.fetch_run_id) == (second, "run-4")
