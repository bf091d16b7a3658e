"""Every wait is bounded: a total deadline per request, a cap on robots.txt's Crawl-delay, a
--max-runtime window, and SIGTERM/SIGINT stopping a real process within 5 s whatever it is
waiting for (the process tests are in test_signals.py)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from demosite.faults import Stall, Trickle
from demosite.sample import sample_pages
from pipeline.cli import main
from pipeline.config import Config, TransformConfig
from pipeline.errors import CrawlDelayTooLong
from pipeline.exit_codes import EXIT_GUARD, EXIT_PARTIAL
from pipeline.extract import run_extract
from pipeline.raw import RawStore
from pipeline.refresh import run_pipeline
from tests.loopback import Demo, demo_site, fast_config

SEED_ONLY = {"use_sitemaps": False, "crawl_links": False, "probe_ids": False}
# 0.5 s: a page answers here in about a millisecond; a trickle of one byte every 50 ms (each
# byte far inside the 5 s read timeout) needs about a minute for the page.
DEADLINE = {"request_deadline_s": 0.5, "read_timeout_s": 5.0}


def fetch_mn0001(demo: Demo, raw: Path, **settings: object):  # type: ignore[no-untyped-def]
    seed = raw.parent / "seed.txt"
    seed.write_text("mongolia,MN0001\n")
    return run_extract(fast_config(demo.url, raw, seed_file=seed, **SEED_ONLY, **settings), "r")


def test_a_trickling_server_fails_the_request_at_the_deadline(demo: Demo, tmp_path: Path) -> None:
    demo.server.faults.push(demo.path("MN0001"), *[Trickle(0.05)] * 2)
    started = time.monotonic()
    summary = fetch_mn0001(demo, tmp_path / "raw", max_attempts=2, **DEADLINE)
    took = time.monotonic() - started
    assert [f.reason for f in summary.failed] == [
        "no complete answer within the 0.5 s deadline (after 2 attempts)"
    ]
    assert summary.requests_by_status["deadline"] == 2
    assert took < 10  # two deadlines and a backoff; a trickled page would take a minute


def test_a_trickle_then_a_good_answer_is_retried_and_stored(demo: Demo, tmp_path: Path) -> None:
    demo.server.faults.push(demo.path("MN0001"), Trickle(0.05))
    summary = fetch_mn0001(demo, tmp_path / "raw", **DEADLINE)
    assert summary.fetched == 1 and summary.retries_by_reason == {"deadline": 1}


def test_a_crawl_delay_over_the_cap_stops_the_run_as_a_guard_refusal(
    demo: Demo, tmp_path: Path
) -> None:
    demo.site.set_robots("User-agent: *\nCrawl-delay: 120\n")
    with pytest.raises(CrawlDelayTooLong) as refused:
        run_extract(fast_config(demo.url, tmp_path / "raw", max_crawl_delay_s=60.0), "run-1")
    assert refused.value.guard == "crawl_delay"
    assert "Crawl-delay of 120 s, above the 60 s cap" in str(refused.value)
    assert "--max-crawl-delay 120" in str(refused.value)
    assert [r.path for r in demo.requests()] == ["/robots.txt"]  # nothing else was fetched

    processed = tmp_path / "processed"
    code = main(["refresh", "--base-url", demo.url, "--raw-dir", str(tmp_path / "raw"),
                 "--processed-dir", str(processed), "--delay", "0", "--no-progress"])  # fmt: skip
    report = json.loads((processed / "last_run_report.json").read_text())
    assert code == EXIT_GUARD  # a person decides: not the "retry later" of a failure
    assert (report["finish_reason"], report["exit_code"], report["refused_by"]) == (
        "refused", EXIT_GUARD, "crawl_delay",
    )  # fmt: skip


def test_a_crawl_delay_under_a_raised_cap_is_obeyed(tmp_path: Path) -> None:
    with demo_site(sample_pages(2, member_count=1)) as demo:
        # 0.05 s stands for a long delay: the cap is lowered below it, then raised above it.
        demo.site.set_robots("User-agent: *\nCrawl-delay: 0.05\n")
        with pytest.raises(CrawlDelayTooLong):
            run_extract(fast_config(demo.url, tmp_path, max_crawl_delay_s=0.01), "run-1")
        summary = run_extract(fast_config(demo.url, tmp_path, max_crawl_delay_s=0.1), "run-2")
    assert summary.fetched == 2 and "Crawl-delay 0.05 s" in summary.robots


def _refresh_config(demo: Demo, tmp_path: Path, **fetch: object) -> Config:
    base = fast_config(demo.url, tmp_path / "raw", use_sitemaps=False, probe_ids=False, **fetch)
    return replace(base, processed_dir=tmp_path / "processed", transform=TransformConfig(1))


def test_max_runtime_publishes_what_it_has_and_reports_the_rest_with_exit_3(
    tmp_path: Path,
) -> None:
    with demo_site(sample_pages(12, member_count=3)) as demo:
        run_pipeline(_refresh_config(demo, tmp_path))  # every page stored and published
        # One connection; the 4th page (in URL order, as known pages are queued) stalls far
        # beyond the 0.5 s window: 3 pages are reached, the window closes on the 4th.
        fourth = sorted(demo.path(p.commitment_id) for p in demo.site.pages())[3]
        demo.server.faults.push(fourth, Stall(30))
        outcome = run_pipeline(_refresh_config(demo, tmp_path, concurrency=1, max_runtime_s=0.5))
    report = outcome.report
    assert outcome.exit_code == EXIT_PARTIAL
    assert report.stages["fetch_summary"]["finish_reason"] == "max_runtime"
    missed = {
        f["url"] for f in report.failures if f["reason"] == "not reached before --max-runtime"
    }
    assert len(missed) == 9 == report.stages["fetch_summary"]["not_reached"]
    with RawStore(tmp_path / "raw") as store:
        rows = {p.url: p for p in store.db.pages()}
    assert {url for url, row in rows.items() if row.state == "failed"} == missed
    assert all(rows[url].sha256 is not None for url in missed)  # their stored bodies stay
    assert report.stages["transform"]["commitments"] == 12  # published from what is stored
    published = pq.read_table(tmp_path / "processed" / "commitments.parquet").to_pylist()
    stale = {row["url"]: row["stale_reason"] for row in published if row["stale_since"]}
    assert set(stale) == missed  # their rows are the earlier ones, marked stale, with why
    assert all("not reached before --max-runtime" in why for why in stale.values())
