"""What a run reports: the summary (JSON and text), progress lines, and what was requested."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from demosite.faults import Status
from demosite.sample import sample_pages
from pipeline.extract import FailedFetch, FetchSummary, run_extract
from tests.loopback import demo_site, fast_config


def test_summary_is_json_able_and_renders_every_section(tmp_path: Path) -> None:
    with demo_site(sample_pages(6, member_count=2)) as demo:
        demo.site.remove("BG0003", status=410)
        demo.server.faults.push(demo.path("MN0002"), Status(503, "1"), *[Status(500)] * 3)
        summary = run_extract(fast_config(demo.url, tmp_path, use_sitemaps=False), "run-1")
    data = json.loads(json.dumps(summary.to_dict()))
    failed_url = demo.url + demo.path("MN0002")
    assert data["failed"] == [{"url": failed_url, "reason": "HTTP 500 (after 3 attempts)"}]
    assert data["gone"] == [demo.url + "/members/bulgaria/commitments/BG0003/"]
    assert data["referenced_not_fetched"] == [failed_url]
    assert data["retries_by_reason"] == {"500": 1, "503": 1}
    # The 503's Retry-After (1 s, capped to 0.05 s) was waited; a lone one does not cut the rate.
    assert data["retry_after_s"] == pytest.approx(0.05) and data["slowdowns"] == 0
    assert data["finish_reason"] == "complete"
    text = summary.render()
    for expected in ("robots.txt 200", "retries: 500: 1, 503: 1", "slowdowns: 0 rate cuts, 0.1 s",
                     "gone (1):",
                     "referenced but not fetched (1):", f"{failed_url}: HTTP 500"):  # fmt: skip
        assert expected in text


def test_without_a_terminal_progress_is_a_periodic_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with demo_site(sample_pages(4, member_count=1)) as demo:
        config = fast_config(demo.url, tmp_path, progress=False, log_every_s=0.0)
        with caplog.at_level(logging.INFO, logger="pipeline.extract"):
            run_extract(config, "run-1")
    lines = [r.getMessage() for r in caplog.records if "pages done" in r.getMessage()]
    assert len(lines) == 4 and lines[-1].startswith("extract: 4/4 pages done (4 new or changed")


def test_only_member_and_commitment_pages_are_followed(tmp_path: Path) -> None:
    pages = sample_pages(6, member_count=2, padding_bytes=3000)
    with demo_site(pages) as demo:
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        run_extract(config, "run-1")
        paths = {r.path for r in demo.requests()}
        commitment_paths = {demo.path(p.commitment_id) for p in pages}
    # Padding links to /policy-area/... pages were on every page: none was requested.
    assert paths == {"/robots.txt", "/our-members/", "/members/mongolia/", "/members/bulgaria/"} | (
        commitment_paths
    )
    assert len(commitment_paths) == 6


def test_sitemaps_nested_deeper_than_the_cap_are_reported(tmp_path: Path) -> None:
    with demo_site(sample_pages(4, member_count=1), sitemaps=True) as demo:
        config = fast_config(
            demo.url, tmp_path, sitemap_max_depth=0, crawl_links=False, probe_ids=False
        )
        summary = run_extract(config, "run-1")
    assert {f.reason for f in summary.failed} == {"sitemap nested deeper than 0"}
    assert len(summary.failed) == 2 and summary.discovered == 0


def test_long_lists_are_cut_in_the_text_but_kept_in_the_report(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    failed = tuple(FailedFetch(f"https://x.org/members/m/commitments/MN{n:04d}/", "HTTP 500")
                   for n in range(1, 151))  # fmt: skip
    summary = FetchSummary(
        run_id="r", started_at=now, finished_at=now, finish_reason="complete", discovered=150,
        fetched=0, not_modified=0, failed=failed, gone=(), referenced_not_fetched=(),
        requests_by_status={"500": 450}, retries_by_reason={"500": 300}, bytes_downloaded=0,
        bytes_saved=0, slowdowns=0, retry_after_s=0.0, robots="robots.txt 404",
    )  # fmt: skip
    text = summary.render()
    assert "failed (150):" in text and "... and 50 more (see the run report)" in text
    shown = [line.strip() for line in text.splitlines() if line.endswith(": HTTP 500")]
    assert shown == [f"{f.url}: HTTP 500" for f in failed[:100]]  # the first 100, in order
    assert len(summary.to_dict()["failed"]) == 150  # type: ignore[arg-type]
