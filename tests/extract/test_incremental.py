"""Incremental and resumable: conditional requests, lastmod skips, provenance, kill -9, lock."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from demosite.faults import IgnoreValidators
from demosite.sample import sample_pages
from pipeline.cli import main
from pipeline.errors import LockHeld
from pipeline.exit_codes import EXIT_LOCKED, EXIT_NOT_PUBLISHED, EXIT_OK, EXIT_PARTIAL
from pipeline.extract import run_extract
from pipeline.raw import RawStore, raw_lock
from tests.loopback import body_files, demo_site, fast_config, page_rows


def current(raw_dir: Path) -> list[tuple[str, str, object, str]]:
    with RawStore(raw_dir) as store:
        return [(p.url, p.sha256, p.fetched_at, p.fetch_run_id) for p in store.current_pages()]


def test_rerun_with_nothing_changed_makes_only_conditional_requests(tmp_path: Path) -> None:
    with demo_site(sample_pages(12, member_count=3)) as demo:
        config = fast_config(demo.url, tmp_path, use_sitemaps=False)
        first = run_extract(config, "run-1")
        before, files = current(tmp_path), body_files(tmp_path)
        mark = demo.mark()
        second = run_extract(config, "run-2")
        requests = demo.requests(mark)
    gets = [r for r in requests if r.method == "GET"]
    assert gets and all(r.conditional for r in gets)
    assert {r.status for r in gets} == {304}
    # Probes are HEAD requests (no body either way): one series of 5 misses per member.
    assert [r.status for r in requests if r.method != "GET"] == [404] * 15
    assert sum(r.body_bytes for r in requests) == 0
    assert (second.fetched, second.not_modified, second.bytes_downloaded) == (0, 12, 0)
    assert second.bytes_saved > 0 and first.fetched == 12
    assert body_files(tmp_path) == files
    assert current(tmp_path) == before  # provenance untouched: load relies on it


def test_sitemap_lastmod_skips_unchanged_pages_and_full_revalidates(tmp_path: Path) -> None:
    with demo_site(sample_pages(8, member_count=2), sitemaps=True) as demo:
        config = fast_config(demo.url, tmp_path, probe_ids=False)
        run_extract(config, "run-1")
        demo.site.change("MN0002")
        mark = demo.mark()
        second = run_extract(config, "run-2")
        page_gets = [r.path for r in demo.requests(mark) if "/commitments/" in r.path]
        mark = demo.mark()
        full = run_extract(fast_config(demo.url, tmp_path, probe_ids=False, full=True), "run-3")
        full_gets = [r for r in demo.requests(mark) if "/commitments/" in r.path]
    assert page_gets == [demo.path("MN0002")]  # only the page whose lastmod moved
    assert (second.fetched, second.not_modified, second.skipped_by_lastmod) == (1, 7, 7)
    assert len(full_gets) == 8 and all(r.conditional and r.status == 304 for r in full_gets)
    assert (full.fetched, full.not_modified, full.skipped_by_lastmod) == (0, 8, 0)


def test_changed_page_gets_new_provenance_and_unchanged_keeps_it(tmp_path: Path) -> None:
    with demo_site(sample_pages(3, member_count=1)) as demo:
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        run_extract(config, "run-1")
        first = {url: (sha, at, run) for url, sha, at, run in current(tmp_path)}
        demo.site.change("MN0001")
        summary = run_extract(config, "run-2")
        second = {url: (sha, at, run) for url, sha, at, run in current(tmp_path)}
    changed = demo.url + demo.path("MN0001")
    assert summary.fetched == 1 and summary.not_modified == 2
    assert second[changed][2] == "run-2" and second[changed][0] != first[changed][0]
    assert {u: v for u, v in second.items() if u != changed} == {
        u: v for u, v in first.items() if u != changed
    }


def test_a_200_with_the_same_bytes_keeps_the_first_fetch_provenance(tmp_path: Path) -> None:
    with demo_site(sample_pages(2, member_count=1)) as demo:
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        run_extract(config, "run-1")
        before = current(tmp_path)
        # A server ignoring validators sends the same bytes again with a 200.
        demo.server.faults.push(demo.path("MN0001"), IgnoreValidators())
        summary = run_extract(config, "run-2")
        resent = [r.status for r in demo.requests() if r.path == demo.path("MN0001")]
    assert resent == [200, 200]
    assert (summary.fetched, summary.unchanged, summary.not_modified) == (0, 1, 1)
    assert current(tmp_path) == before


def test_lock_stops_a_second_run_and_is_released_after(tmp_path: Path) -> None:
    config = fast_config("http://127.0.0.1:9", tmp_path)
    with raw_lock(tmp_path), pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
        run_extract(config, "run-2")
    with raw_lock(tmp_path):  # released when the holder's block ended
        assert (tmp_path / ".lock").read_text().startswith(f"pid {os.getpid()}")


def test_cli_reports_the_lock_with_its_exit_code(tmp_path: Path) -> None:
    with raw_lock(tmp_path):
        code = main(["extract", "--base-url", "http://127.0.0.1:9", "--raw-dir", str(tmp_path)])
    assert code == EXIT_LOCKED


def test_cli_exit_code_is_partial_when_pages_failed(tmp_path: Path) -> None:
    with demo_site(sample_pages(3, member_count=1)) as demo:
        demo.site.remove("MN0002", status=404)
        demo.site.set_robots("User-agent: *\nDisallow: /members/mongolia/commitments/MN0003/\n")
        args = ["extract", "--base-url", demo.url, "--raw-dir", str(tmp_path), "--delay", "0"]
        code = main([*args, "--no-sitemaps", "--no-probe", "--no-progress"])
    assert code == EXIT_PARTIAL


def _extract_process(base_url: str, raw_dir: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "pipeline", "extract", "--base-url", base_url,
               "--raw-dir", str(raw_dir), "--delay", "0", "--concurrency", "4",
               "--no-sitemaps", "--no-probe", "--no-progress"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_bodies", [1, 15, 40])
def test_kill_9_mid_run_then_resume_stores_every_page_once(
    tmp_path: Path, kill_after_bodies: int
) -> None:
    pages = sample_pages(60, member_count=3, padding_bytes=20_000)
    # 20 ms per request keeps the run going for about a second: time to kill it mid-way.
    with demo_site(pages, latency_s=0.02) as demo:
        process = _extract_process(demo.url, tmp_path)
        deadline = time.monotonic() + 60  # a bound for a broken run; a working one needs < 1 s
        while len(body_files(tmp_path)) < kill_after_bodies and process.poll() is None:
            assert time.monotonic() < deadline, "the extract never got going"
            time.sleep(0.01)  # polling the store, not waiting for an outcome
        assert process.poll() is None, "the run ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()  # type: ignore[union-attr]
        stored_before = len([r for r in page_rows(tmp_path) if r[1] == "ok"])
        assert stored_before < 60
        mark = demo.mark()
        rerun = _extract_process(demo.url, tmp_path)
        _, stderr = rerun.communicate(timeout=60)  # about a second when working
        resumed = demo.requests(mark)
    assert rerun.returncode == EXIT_OK, stderr.decode()
    rows = page_rows(tmp_path)
    assert len(rows) == 60 == len({url for url, _, _ in rows})
    assert all(state == "ok" for _, state, _ in rows)
    with RawStore(tmp_path) as store:
        for page in store.current_pages():
            store.read_body(page.sha256)  # raises StoreCorrupt unless the bytes hash right
    assert not list((tmp_path / "bodies" / "tmp").iterdir())
    # What was stored before the kill was revalidated, not downloaded again.
    revalidated = [r for r in resumed if "/commitments/" in r.path and r.status == 304]
    assert len(revalidated) == stored_before


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30  # a bound for a broken run; working ones take < 1 s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)  # polling a log, not waiting for an outcome


def stored_rows(raw_dir: Path) -> list[tuple[str, str, str | None]]:
    """The state's page rows as committed so far (none before the database exists)."""
    try:
        return page_rows(raw_dir)
    except sqlite3.Error:
        return []


@pytest.mark.slow
def test_sigterm_mid_run_stops_keeps_what_was_stored_and_exits_4(tmp_path: Path) -> None:
    pages = sample_pages(60, member_count=3)
    with demo_site(pages, latency_s=0.02) as demo:  # slow enough to signal it mid-run
        process = _extract_process(demo.url, tmp_path / "raw")
        _wait_for(lambda: len(stored_rows(tmp_path / "raw")) >= 5, "the first pages")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)  # it stops within ~20 ms when working
    assert process.returncode == EXIT_NOT_PUBLISHED
    assert ": interrupted in " in stderr.decode()
    rows = page_rows(tmp_path / "raw")
    assert 0 < len(rows) < 60 and all(state == "ok" for _, state, _ in rows)
