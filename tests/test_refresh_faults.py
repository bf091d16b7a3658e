"""A bad night through the command line, against the demo site: a page that kills its worker,
one that hangs it, pages whose fetch fails. The run publishes everything else, keeps the older
rows of those pages marked stale, says so, and exits 3."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from demosite.faults import Status
from demosite.pages import DemoPage
from demosite.server import DemoServer
from demosite.site import Site
from pipeline import cli
from pipeline.config import TransformConfig
from pipeline.refresh import run_pipeline
from pipeline.transform.faults import ENV, HANG_MARKER, INVALID_MARKER, KILL_MARKER
from tests.loopback import fast_config

pytestmark = pytest.mark.slow

KILLER, SLEEPER, FLAKY = "MN0022", "UK0067", "GH0003"


def refresh(server: DemoServer, tmp_path: Path, *extra: str) -> int:
    return cli.main(
        ["refresh", "--base-url", server.base_url, "--raw-dir", str(tmp_path / "raw"),
         "--processed-dir", str(tmp_path / "processed"), "--delay", "0", "--no-progress",
         *extra]
    )  # fmt: skip


def commitments(tmp_path: Path) -> dict[str, dict[str, object]]:
    rows = pq.read_table(tmp_path / "processed" / "commitments.parquet").to_pylist()
    return {row["commitment_id"]: row for row in rows}


def run_row(tmp_path: Path, run_id: str) -> dict[str, object]:
    """The run's row in the runs table (run ids sort by start second only)."""
    runs = pq.read_table(tmp_path / "processed" / "runs.parquet").to_pylist()
    return next(run for run in runs if run["run_id"] == run_id)


def report(tmp_path: Path) -> dict[str, object]:
    return json.loads((tmp_path / "processed" / "last_run_report.json").read_text())


def page_rows(table: pa.Table, cid: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = table.filter(pc.equal(table["commitment_id"], cid)).to_pylist()
    return rows


def with_marker(site: Site, pages: list[DemoPage], cid: str, marker: str) -> None:
    html = next(p.html for p in pages if p.commitment_id == cid and p.language == "en")
    site.change(cid, html.replace("</body>", f"{marker}</body>"))


def test_pages_that_kill_or_hang_their_worker_keep_their_previous_rows_marked_stale(
    catalog_site: tuple[Site, DemoServer],
    catalog_pages: list[DemoPage],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site, server = catalog_site
    assert refresh(server, tmp_path, "--workers", "2") == 0
    before = commitments(tmp_path)
    with_marker(site, catalog_pages, KILLER, KILL_MARKER)
    with_marker(site, catalog_pages, SLEEPER, HANG_MARKER)
    monkeypatch.setenv(ENV, "1")
    capsys.readouterr()

    code = refresh(server, tmp_path, "--workers", "2", "--page-time-limit", "1")

    assert code == 3
    run = run_row(tmp_path, report(tmp_path)["run_id"])
    assert (run["finish_reason"], run["exit_code"], run["pages_stale"]) == ("partial", 3, 2)
    assert run["pages_failed"] == 2
    after = commitments(tmp_path)
    assert sorted(after) == sorted(before)  # nothing lost
    started = run["started_at"]
    assert isinstance(started, datetime)
    for cid, why in (
        (KILLER, "not parsed: the process parsing this page died (killed by signal SIGKILL)"),
        (SLEEPER, "not parsed: took longer than 1 s to parse; its process was stopped"),
    ):
        assert after[cid]["stale_since"] == started
        assert str(after[cid]["stale_reason"]).startswith(why)
        # The previous publish's rows, unchanged but for the stale marks.
        assert {**after[cid], "stale_since": None, "stale_reason": None} == before[cid]
    fresh = [row for cid, row in after.items() if cid not in (KILLER, SLEEPER)]
    assert all(row["stale_since"] is None and row["stale_reason"] is None for row in fresh)
    recorded = report(tmp_path)
    assert {(f["stage"], f["url"]) for f in recorded["failures"]} == {
        ("transform", site.url_of(KILLER)),
        ("transform", site.url_of(SLEEPER)),
    }
    assert sorted((s["commitment_id"], s["carried_over"]) for s in recorded["stale"]) == [
        (KILLER, True),
        (SLEEPER, True),
    ]
    summary = capsys.readouterr().err
    assert "run " in summary and "partial (exit 3)" in summary
    assert "stale: 2 commitments published with rows from an earlier fetch or parse" in summary
    assert site.url_of(KILLER) in summary and "killed by signal SIGKILL" in summary


def test_a_page_whose_new_rows_fail_validation_is_published_with_its_previous_rows(
    catalog_site: tuple[Site, DemoServer],
    catalog_pages: list[DemoPage],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site, server = catalog_site
    assert refresh(server, tmp_path, "--workers", "1") == 0
    before = commitments(tmp_path)
    fields_before = pq.read_table(tmp_path / "processed" / "page_fields.parquet")
    with_marker(site, catalog_pages, KILLER, INVALID_MARKER)  # its fields repeat a key
    site.change("UK0067")  # a good change, parsed and published as usual
    monkeypatch.setenv(ENV, "1")
    capsys.readouterr()

    assert refresh(server, tmp_path, "--workers", "1") == 3

    after = commitments(tmp_path)
    rule = "page_fields: primary key ['commitment_id', 'position'] repeated"
    assert after[KILLER]["stale_reason"] == f"rows failed validation: {rule}"
    assert {**after[KILLER], "stale_since": None, "stale_reason": None} == before[KILLER]
    fields_after = pq.read_table(tmp_path / "processed" / "page_fields.parquet")
    assert page_rows(fields_after, KILLER) == page_rows(fields_before, KILLER)
    assert len(page_rows(fields_after, KILLER)) > 5
    assert after["UK0067"]["stale_since"] is None
    assert after["UK0067"]["content_sha256"] != before["UK0067"]["content_sha256"]
    recorded = report(tmp_path)
    assert recorded["failures"] == [
        {"stage": "load", "url": site.url_of(KILLER), "reason": f"rows failed validation: {rule}"}
    ]
    run = run_row(tmp_path, str(recorded["run_id"]))
    assert (run["exit_code"], run["pages_failed"], run["pages_stale"]) == (3, 1, 1)
    assert recorded["stages"]["settle"] == {
        "pages_invalid": 1, "pages_stale": 1, "pages_carried_over": 1, "commitments": len(before)
    }  # fmt: skip
    summary = capsys.readouterr().err
    assert "pages whose new rows failed validation, not published (1):" in summary


def test_a_page_whose_fetch_fails_keeps_its_rows_stale_since_the_first_failed_run(
    catalog_site: tuple[Site, DemoServer], tmp_path: Path
) -> None:
    site, server = catalog_site
    # Test-sized retries (milliseconds): the CLI's would wait a minute per failing page.
    config = replace(
        fast_config(server.base_url, tmp_path / "raw", full=True),
        processed_dir=tmp_path / "processed",
        transform=TransformConfig(workers=1),
    )
    assert run_pipeline(config).exit_code == 0
    before = commitments(tmp_path)[FLAKY]
    path = site.url_of(FLAKY).removeprefix(server.base_url)
    stale_since = None
    for night in (1, 2):
        server.faults.push(path, *[Status(500)] * 10)  # every attempt of the night fails
        outcome = run_pipeline(config)
        assert outcome.exit_code == 3
        row, run = commitments(tmp_path)[FLAKY], run_row(tmp_path, outcome.run_id)
        stale_since = stale_since or run["started_at"]  # the first failed night's start
        assert row["stale_since"] == stale_since, night
        assert row["stale_reason"] == "fetch failed: HTTP 500 (after 3 attempts)", night
        assert row["title"] == before["title"] and row["run_id"] == before["run_id"]
        assert run["pages_stale"] == 1
        assert outcome.report.stale == [
            {
                "commitment_id": FLAKY,
                "since": stale_since.isoformat(),
                "reason": "fetch failed: HTTP 500 (after 3 attempts)",
                "carried_over": False,  # parsed rows of the body kept from the last fetch
            }
        ]
        assert "stale: 1 commitments" in outcome.report.render()
    server.faults.clear()
    healed = run_pipeline(config)
    assert healed.exit_code == 0
    row = commitments(tmp_path)[FLAKY]
    assert (row["stale_since"], row["stale_reason"]) == (None, None)
    assert run_row(tmp_path, healed.run_id)["pages_stale"] == 0
