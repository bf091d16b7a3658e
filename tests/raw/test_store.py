"""The raw store on its own: bodies, provenance rules, states, corruption, lock (no network)."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from pipeline.errors import LockHeld, StoreCorrupt
from pipeline.raw import FetchRecord, PageKey, RawStore, raw_lock

T0 = datetime(2025, 1, 1, 3, 0, tzinfo=UTC)
KEY = PageKey("https://www.opengovpartnership.org/members/mongolia/commitments/MN0002/",
              "MN0002", "mongolia", "en")  # fmt: skip


def store_page(
    store: RawStore, body: bytes, run_id: str, now: datetime, key: PageKey = KEY
) -> bool:
    ref = store.write_body(body)
    record = FetchRecord(run_id, now, etag='"e1"')
    return store.db.record_page_body(
        key, record, fetched_url=key.url + "?via=redirect", body=ref, discoveries=[]
    )


def test_bodies_are_compressed_content_addressed_and_verified(tmp_path: Path) -> None:
    body = b"<html>" + b"commitment text " * 5000 + b"</html>"
    with RawStore(tmp_path, writable=True) as store:
        ref = store.write_body(body)
        again = store.write_body(body)
        store_page(store, body, "run-1", T0)
        assert ref.sha256 == hashlib.sha256(body).hexdigest() == again.sha256
        assert ref.stored_size < len(body) / 10
        assert store.read_body(ref.sha256) == body
    files = list((tmp_path / "bodies").rglob("*.zst"))
    assert [f.name for f in files] == [f"{ref.sha256}.zst"]


def test_an_altered_body_is_detected_moved_aside_and_replaced_by_the_next_write(
    tmp_path: Path,
) -> None:
    damaged = tmp_path / "bodies" / "damaged"
    with RawStore(tmp_path, writable=True) as store:
        store_page(store, b"<html>one</html>", "run-1", T0)
        (page,) = store.current_pages()
        path = store.body_path(page.sha256)
        other = store.write_body(b"<html>two</html>")
        store.body_path(other.sha256).replace(path)  # whole, but another body's bytes
        with pytest.raises(StoreCorrupt, match=r"does not hash.*moved to"):
            store.read_body(page.sha256)
        assert not path.exists() and len(list(damaged.iterdir())) == 1
        store.write_body(b"<html>one</html>")  # the next fetch of that page writes it again
        assert store.read_body(page.sha256) == b"<html>one</html>"
        path.write_bytes(path.read_bytes()[:-3])  # truncated
        assert not store.body_intact(page.sha256, store.db.body_stored_size(page.sha256))
        with pytest.raises(StoreCorrupt, match="decompress"):
            store.read_body(page.sha256)
        store.write_body(b"<html>one</html>")
        path.write_bytes(b"\x00" * path.stat().st_size)  # same size, garbage
        store.write_body(b"<html>one</html>")  # a write checks the file under the name
        assert store.read_body(page.sha256) == b"<html>one</html>"
        path.unlink()
        with pytest.raises(StoreCorrupt, match="no stored body"):
            store.read_body(page.sha256)
    assert len(list(damaged.iterdir())) == 3


def test_same_bytes_keep_first_fetch_provenance_and_304_moves_only_the_check(
    tmp_path: Path,
) -> None:
    with RawStore(tmp_path, writable=True) as store:
        assert store_page(store, b"<html>v1</html>", "run-1", T0) is True
        first = store.current_pages()
        assert store_page(store, b"<html>v1</html>", "run-2", T0 + timedelta(days=1)) is False
        store.db.record_page_not_modified(
            KEY.url, FetchRecord("run-3", T0 + timedelta(days=2), etag='"e2"')
        )
        assert store.current_pages() == first
        state = store.db.page(KEY.url)
        assert state is not None
        assert (state.check_run_id, state.checked_at, state.etag) == (
            "run-3",
            T0 + timedelta(days=2),
            '"e2"',
        )
        assert store_page(store, b"<html>v2</html>", "run-4", T0 + timedelta(days=3)) is True
        (changed,) = store.current_pages()
    assert (changed.fetch_run_id, changed.fetched_at) == ("run-4", T0 + timedelta(days=3))
    assert first[0].fetched_url == KEY.url + "?via=redirect"
    assert first[0].fetch_run_id == "run-1" and first[0].fetched_at == T0


def test_gone_pages_leave_current_pages_and_failed_ones_keep_their_body(tmp_path: Path) -> None:
    other = PageKey(KEY.url.replace("MN0002", "MN0003"), "MN0003", "mongolia", "en")
    never = PageKey(KEY.url.replace("MN0002", "MN0004"), "MN0004", "mongolia", "en")
    with RawStore(tmp_path, writable=True) as store:
        store_page(store, b"<html>2</html>", "run-1", T0)
        store_page(store, b"<html>3</html>", "run-1", T0, key=other)
        for key, state, status in [
            (KEY, "gone", 404),
            (other, "failed", 500),
            (never, "failed", 500),
        ]:
            store.db.record_page_outcome(
                key, FetchRecord("run-2", T0, 5), state=state, http_status=status,
                error=f"HTTP {status}",
            )  # fmt: skip
        assert [p.commitment_id for p in store.current_pages()] == ["MN0003"]
        failed = store.db.page(other.url)
        assert failed is not None and (failed.state, failed.attempts) == ("failed", 5)
        assert failed.last_error == "HTTP 500"


def test_a_renamed_member_keeps_one_row_per_commitment(tmp_path: Path) -> None:
    renamed = PageKey(KEY.url.replace("mongolia", "mongolia-new"), "MN0002", "mongolia-new", "en")
    with RawStore(tmp_path, writable=True) as store:
        store_page(store, b"<html>v1</html>", "run-1", T0)
        store_page(store, b"<html>v1</html>", "run-2", T0 + timedelta(days=1), key=renamed)
        (page,) = store.current_pages()
        assert [s.url for s in store.db.pages()] == [renamed.url]
    assert (page.url, page.member_slug, page.fetch_run_id) == (renamed.url, "mongolia-new", "run-1")


def test_read_only_store_of_an_empty_folder_has_no_pages(tmp_path: Path) -> None:
    with RawStore(tmp_path) as store:
        assert store.current_pages() == []
    assert not (tmp_path / "state.sqlite").exists()


def test_read_only_store_reads_what_a_writer_left(tmp_path: Path) -> None:
    with RawStore(tmp_path, writable=True) as store:
        store_page(store, b"<html>v1</html>", "run-1", T0)
    with RawStore(tmp_path) as store:
        (page,) = store.current_pages()
        assert store.read_body(page.sha256) == b"<html>v1</html>"
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.record_page_outcome(
                KEY, FetchRecord("x", T0), state="gone", http_status=404, error=None
            )


def test_partial_bodies_of_a_killed_run_are_removed_by_the_next_writer(tmp_path: Path) -> None:
    (tmp_path / "bodies" / "tmp").mkdir(parents=True)
    leftover = tmp_path / "bodies" / "tmp" / "abc.123.456"
    leftover.write_bytes(b"half a body")
    with RawStore(tmp_path):
        assert leftover.exists()  # a reader never touches it
    with RawStore(tmp_path, writable=True):
        assert not leftover.exists()


def _hold_lock(raw_dir: Path, locked: Event, release: Event) -> None:
    with raw_lock(raw_dir):
        locked.set()
        release.wait(30)  # the test releases it at once; 30 s bounds a crashed test


def test_lock_held_by_another_process_is_reported_with_its_pid(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    locked, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(tmp_path, locked, release))
    holder.start()
    try:
        assert locked.wait(30)  # a spawned interpreter starts in well under a second
        with pytest.raises(LockHeld, match=f"pid {holder.pid}"), raw_lock(tmp_path):
            pass
    finally:
        release.set()
        holder.join(30)  # it exits as soon as released
    with raw_lock(tmp_path):
        pass  # free again once the holder ended
