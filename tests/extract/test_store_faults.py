"""raw/ integrity seen from the command line and a real crawl: damaged body files are detected,
reported and fetched again unconditionally; a damaged state database exits 4 with the way to
rebuild it, and the rebuild works; an older raw/ is migrated, a newer one refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import TransformConfig
from pipeline.exit_codes import EXIT_NOT_PUBLISHED, EXIT_OK
from pipeline.extract import run_extract
from pipeline.raw import RawStore
from pipeline.refresh import run_pipeline
from tests.loopback import Demo, fast_config

NO_PROBES = {"use_sitemaps": False, "probe_ids": False}


def extract_args(demo: Demo, raw: Path) -> list[str]:
    return ["extract", "--base-url", demo.url, "--raw-dir", str(raw), "--delay", "0",
            "--no-sitemaps", "--no-probe", "--no-progress"]  # fmt: skip


def stored(raw: Path) -> dict[str, tuple[str, str | None]]:
    with RawStore(raw) as store:
        return {p.commitment_id: (p.sha256, p.content_type) for p in store.current_pages()}


def files_under(raw: Path) -> dict[str, str]:
    """Every file under raw/ but the run lock (which each run writes its pid into)."""
    return {
        str(p.relative_to(raw)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(raw.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def test_a_truncated_body_is_fetched_again_unconditionally_and_rewritten(
    demo: Demo, tmp_path: Path
) -> None:
    config = fast_config(demo.url, tmp_path, **NO_PROBES)
    run_extract(config, "run-1")
    with RawStore(tmp_path) as store:
        page = next(p for p in store.current_pages() if p.commitment_id == "MN0002")
        path = store.body_path(page.sha256)
    path.write_bytes(path.read_bytes()[:-10])  # a disk or copy cut the file short
    mark = demo.mark()
    summary = run_extract(config, "run-2")
    asked = [r for r in demo.requests(mark) if r.path == demo.path("MN0002")]
    assert [(r.status, r.conditional) for r in asked] == [(200, False)]
    assert summary.damaged_bodies == (demo.url + demo.path("MN0002"),)
    assert summary.unchanged == 1 and not summary.failed  # same content, file written anew
    with RawStore(tmp_path) as store:
        assert store.read_body(page.sha256).startswith(b"<!doctype html>")


def test_an_altered_body_found_by_transform_is_reported_then_fetched_again(
    demo: Demo, tmp_path: Path
) -> None:
    base = fast_config(demo.url, tmp_path / "raw", **NO_PROBES)
    config = replace(base, processed_dir=tmp_path / "processed", transform=TransformConfig(1))
    run_pipeline(config)
    with RawStore(tmp_path / "raw") as store:
        page = next(p for p in store.current_pages() if p.commitment_id == "MN0002")
        path = store.body_path(page.sha256)
    path.write_bytes(b"\0" * path.stat().st_size)  # same size: only reading tells
    # Parsed afresh (an unchanged page's rows are otherwise carried over unread).
    offline = run_pipeline(replace(config, processed_dir=tmp_path / "fresh"), fetch_pages=False)
    (failure,) = offline.report.failures
    assert failure["url"] == page.url
    assert "cannot decompress stored body" in failure["reason"] and "moved to" in failure["reason"]
    assert offline.exit_code == 3
    mark = demo.mark()
    again = run_pipeline(config)
    asked = [r for r in demo.requests(mark) if r.path == demo.path("MN0002")]
    assert [(r.status, r.conditional) for r in asked] == [(200, False)]
    assert again.exit_code == 0 and not again.report.failures


def test_a_damaged_state_database_exits_4_and_rebuild_state_restores_it(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    assert main(extract_args(demo, raw)) == EXIT_OK
    before = stored(raw)
    (raw / "state.sqlite").write_bytes(b"\x00" * 8192)
    capsys.readouterr()
    assert main(extract_args(demo, raw)) == EXIT_NOT_PUBLISHED
    error = capsys.readouterr().err
    assert f"{raw / 'state.sqlite'} is damaged" in error and "Traceback" not in error
    assert f"python -m pipeline rebuild-state --raw-dir {raw}" in error

    assert main(["rebuild-state", "--raw-dir", str(raw)]) == EXIT_OK
    assert "12 commitment pages restored" in capsys.readouterr().err
    assert stored(raw) == before  # same bodies, same Content-Types
    mark = demo.mark()
    assert main(extract_args(demo, raw)) == EXIT_OK
    pages = [r for r in demo.requests(mark) if "/commitments/" in r.path]
    assert len(pages) == 12 and {r.status for r in pages} == {304}  # validators came back too


def _as_version_1(raw: Path) -> None:
    """Turn a store this version wrote into what version 1 left: no content_type column,
    discoveries joined with newlines, no fetch log, schema version 1 (bodies with metadata are
    readable by both)."""
    import json
    import zlib

    with closing(sqlite3.connect(raw / "state.sqlite")) as conn, conn:
        conn.execute("DROP TABLE fetch_log")
        conn.execute("ALTER TABLE pages DROP COLUMN content_type")
        for sha, blob in conn.execute("SELECT sha256, entries FROM discoveries").fetchall():
            lines = json.loads(zlib.decompress(blob))
            conn.execute("UPDATE discoveries SET entries = ? WHERE sha256 = ?",
                         (zlib.compress("\n".join(lines).encode()), sha))  # fmt: skip
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_a_raw_folder_of_version_1_is_migrated_by_the_next_extract(
    demo: Demo, tmp_path: Path
) -> None:
    raw = tmp_path / "raw"
    assert main(extract_args(demo, raw)) == EXIT_OK
    _as_version_1(raw)
    mark = demo.mark()
    assert main(extract_args(demo, raw)) == EXIT_OK
    pages = [r for r in demo.requests(mark) if "/commitments/" in r.path]
    assert len(pages) == 12 and {r.status for r in pages} == {304}
    assert (raw / "state.v1-backup.sqlite").exists()
    assert set(stored(raw).values()) == {(sha, None) for sha, _ in stored(raw).values()}


def test_a_raw_folder_of_a_newer_version_is_refused_untouched(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    assert main(extract_args(demo, raw)) == EXIT_OK
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn, conn:
        conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    before = files_under(raw)
    capsys.readouterr()
    mark = demo.mark()
    assert main(extract_args(demo, raw)) == EXIT_NOT_PUBLISHED
    assert "newer version of the pipeline (raw store schema 9" in capsys.readouterr().err
    assert files_under(raw) == before and demo.requests(mark) == []
