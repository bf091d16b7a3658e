"""Fetching through faults the demo server injects: rate limits, server errors, broken
connections, timeouts, gone pages, bad redirects, oversize and non-HTML answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from demosite.faults import Fault, Oversize, Redirect, Reset, Stall, Status, Truncate, WrongType
from demosite.sample import sample_pages
from demosite.server import serve_in_thread
from demosite.site import Site
from pipeline import __version__
from pipeline.config import default_user_agent
from pipeline.extract import FetchSummary, run_extract
from pipeline.raw import RawStore
from tests.loopback import Demo, demo_site, fast_config, page_rows

SEED_ONLY = {"use_sitemaps": False, "crawl_links": False, "probe_ids": False}


def fetch_one(demo: Demo, raw_dir: Path, *faults: Fault, **settings: object) -> FetchSummary:
    """Fetch MN0001 alone (from a seed file) after queueing ``faults`` on its path."""
    demo.server.faults.push(demo.path("MN0001"), *faults)
    seed = raw_dir.parent / "seed.txt"
    seed.write_text("mongolia,MN0001\n")
    config = fast_config(demo.url, raw_dir, seed_file=seed, **{**SEED_ONLY, **settings})
    return run_extract(config, "run-1")


def page_requests(demo: Demo) -> list[int]:
    return [r.status for r in demo.requests() if r.path == demo.path("MN0001")]


@pytest.mark.parametrize(
    "retry_after",
    [
        "120",  # seconds
        format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True),  # HTTP-date
    ],
    ids=["seconds", "http-date"],
)
def test_429_with_retry_after_is_retried_after_that_wait(
    demo: Demo, tmp_path: Path, retry_after: str
) -> None:
    summary = fetch_one(demo, tmp_path / "raw", Status(429, retry_after))
    statuses = page_requests(demo)
    assert statuses == [429, 200]
    assert summary.fetched == 1 and not summary.failed
    assert summary.retries_by_reason == {"429": 1}
    # Retry-After (about 120 s either way) was read, then capped at retry_after_cap_s (0.05 s),
    # and waited instead of the backoff (0.001 s); one such answer does not slow the host.
    assert summary.retry_after_s == pytest.approx(0.05, abs=0.002)
    assert summary.slowdowns == 0


def test_429s_without_retry_after_cut_the_request_rate(demo: Demo, tmp_path: Path) -> None:
    summary = fetch_one(demo, tmp_path / "raw", Status(429), Status(429))
    # One cut: the second 429 came within a second of it (the same episode); nothing waited
    # for a Retry-After.
    assert summary.slowdowns == 1 and summary.retry_after_s == 0


@pytest.mark.parametrize("status", [500, 502, 503, 408])
def test_server_errors_are_retried_then_succeed(demo: Demo, tmp_path: Path, status: int) -> None:
    summary = fetch_one(demo, tmp_path / "raw", Status(status), Status(status))
    statuses = page_requests(demo)
    assert statuses == [status, status, 200]
    assert summary.retries_by_reason == {str(status): 2}
    assert summary.requests_by_status[str(status)] == 2
    assert summary.fetched == 1 and not summary.failed
    # Only 503 (and 429) slow the whole host, once per episode; a 500 is this page's problem.
    assert summary.slowdowns == (1 if status == 503 else 0)


@pytest.mark.parametrize(
    ("fault", "reason"),
    [(Reset(), "reset"), (Truncate(0.3), "truncated"), (Stall(10), "timeout")],
    ids=["connection-reset", "truncated-body", "read-timeout"],
)
def test_transport_failures_are_retried_then_succeed(
    demo: Demo, tmp_path: Path, fault: Fault, reason: str
) -> None:
    # 0.3 s read timeout ends the stall; normal answers here take about a millisecond.
    summary = fetch_one(demo, tmp_path / "raw", fault, read_timeout_s=0.3)
    statuses = page_requests(demo)
    assert statuses[-1] == 200 and len(statuses) == 2
    assert summary.retries_by_reason == {reason: 1}
    assert summary.requests_by_status == {"200": 2, reason: 1}  # robots.txt + the page
    assert summary.fetched == 1 and not summary.failed
    rows = page_rows(tmp_path / "raw")
    assert [state for _, state, _ in rows] == ["ok"]


def test_a_page_failing_every_attempt_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    pages = sample_pages(3, member_count=1)
    with demo_site(pages) as demo:
        demo.server.faults.push(demo.path("MN0002"), *[Status(500)] * 3)
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        summary = run_extract(config, "run-1")
    url = demo.url + demo.path("MN0002")
    assert [(f.url, f.reason) for f in summary.failed] == [(url, "HTTP 500 (after 3 attempts)")]
    assert summary.fetched == 2 and summary.retries_by_reason == {"500": 2}
    assert (url, "failed", None) in page_rows(tmp_path)


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_are_recorded_not_retried(tmp_path: Path, status: int) -> None:
    pages = sample_pages(3, member_count=1)
    with demo_site(pages) as demo:
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        run_extract(config, "run-1")
        demo.site.remove("MN0003", status=status)
        mark = demo.mark()
        summary = run_extract(config, "run-2")
        gone_requests = [r for r in demo.requests(mark) if r.path == demo.path("MN0003")]
        mark = demo.mark()
        again = run_extract(config, "run-3")
        recheck = [(r.method, r.status) for r in demo.requests(mark) if r.path.endswith("MN0003/")]
    url = demo.url + "/members/mongolia/commitments/MN0003/"
    assert summary.gone == (url,) and not summary.failed and not summary.retries_by_reason
    assert [r.status for r in gone_requests] == [status]
    assert (url, "gone") in [(u, state) for u, state, _ in page_rows(tmp_path)]
    # Still linked, still gone: the next run asks with HEAD only, so no body comes.
    assert recheck == [("HEAD", status)] and again.gone == (url,)


def test_a_gone_page_that_comes_back_is_fetched_again(tmp_path: Path) -> None:
    pages = sample_pages(2, member_count=1)
    with demo_site(pages) as demo:
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        demo.site.remove("MN0002")
        run_extract(config, "run-1")
        demo.site.add(pages[1])
        mark = demo.mark()
        summary = run_extract(config, "run-2")
        back = [(r.method, r.status) for r in demo.requests(mark) if r.path.endswith("MN0002/")]
    assert back == [("HEAD", 200), ("GET", 200)]
    assert summary.gone == () and summary.fetched == 1


def test_redirect_loop_stops_and_is_reported(demo: Demo, tmp_path: Path) -> None:
    path = demo.path("MN0001")
    demo.site.redirect(path, "/loop-a/")
    demo.site.redirect("/loop-a/", path)
    summary = fetch_one(demo, tmp_path / "raw")
    loop_requests = [r for r in demo.requests() if r.path in (path, "/loop-a/")]
    (failure,) = summary.failed
    assert failure.reason.startswith("redirect loop:")
    assert len(loop_requests) == 2  # each hop once: a loop is not retried


def test_off_site_redirect_is_refused_without_contacting_the_other_site(tmp_path: Path) -> None:
    elsewhere = Site(sample_pages(3, member_count=1))
    with serve_in_thread(elsewhere) as other, demo_site() as demo:
        target = other.base_url + "/members/mongolia/commitments/MN0001/"
        summary = fetch_one(demo, tmp_path / "raw", Redirect(target))
        assert other.log == []
    (failure,) = summary.failed
    assert failure.reason == f"off-site redirect to {target} refused"
    assert not summary.retries_by_reason


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_oversize_page_is_refused(demo: Demo, tmp_path: Path, declared: bool) -> None:
    fault = Oversize(300_000, declare_length=declared)
    summary = fetch_one(demo, tmp_path / "raw", fault, max_body_bytes=100_000)
    (failure,) = summary.failed
    assert "100000" in failure.reason and "cap" in failure.reason
    assert summary.fetched == 0 and not summary.retries_by_reason
    assert summary.bytes_downloaded < 300_000


def test_non_html_answer_is_refused(demo: Demo, tmp_path: Path) -> None:
    summary = fetch_one(demo, tmp_path / "raw", WrongType("application/pdf"))
    assert [f.reason for f in summary.failed] == ["not HTML: Content-Type application/pdf"]


def test_redirects_within_the_site_are_followed_to_a_renamed_member(tmp_path: Path) -> None:
    # The seed knows the old slug; the site moved the member and redirects (to a lower-case,
    # no-slash address, which the site redirects once more to its canonical form).
    page = replace(sample_pages(1, member_count=1)[0], member_slug="mongolia-2024")
    seed = tmp_path / "seed.txt"
    seed.write_text("mongolia,MN0001\n")
    with demo_site([page]) as demo:
        old, new = "/members/mongolia/commitments/MN0001/", demo.path("MN0001")
        demo.site.redirect(old, "/members/mongolia-2024/commitments/mn0001")
        config = fast_config(demo.url, tmp_path / "raw", seed_file=seed, **SEED_ONLY)
        summary = run_extract(config, "run-1")
        hops = [(r.path, r.status) for r in demo.requests() if "/commitments/" in r.path]
    assert hops == [(old, 301), ("/members/mongolia-2024/commitments/mn0001", 301), (new, 200)]
    assert summary.fetched == 1 and not summary.failed
    with RawStore(tmp_path / "raw") as store:
        (stored,) = store.current_pages()
    assert (stored.url, stored.member_slug) == (demo.url + new, "mongolia-2024")


def test_user_agent_and_from_headers_are_sent(demo: Demo, tmp_path: Path) -> None:
    fetch_one(demo, tmp_path / "raw", from_header="data-team@example.org")
    requests = demo.requests()
    assert requests and all(r.from_header == "data-team@example.org" for r in requests)
    assert {r.user_agent for r in requests} == {default_user_agent()}
    assert default_user_agent().startswith(f"ogp-pipeline/{__version__} (+https://")
