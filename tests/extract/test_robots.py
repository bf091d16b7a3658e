"""robots.txt handling per RFC 9309, against the demo site."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from demosite.faults import Status
from demosite.sample import sample_pages
from pipeline.errors import RobotsDisallowed
from pipeline.extract import run_extract
from pipeline.extract.ratelimit import HostThrottle
from pipeline.raw import RawStore
from tests.loopback import Demo, demo_site, fast_config

NO_PROBES = {"use_sitemaps": False, "probe_ids": False}


def test_disallowed_member_is_not_fetched(tmp_path: Path) -> None:
    with demo_site(sample_pages(6, member_count=2)) as demo:
        demo.site.set_robots("User-agent: *\nDisallow: /members/bulgaria/\n")
        summary = run_extract(fast_config(demo.url, tmp_path, **NO_PROBES), "run-1")
        paths = [r.path for r in demo.requests()]
    assert not any(path.startswith("/members/bulgaria/") for path in paths)
    with RawStore(tmp_path) as store:
        assert {p.member_slug for p in store.current_pages()} == {"mongolia"}
    assert summary.fetched == 3


def test_rules_for_our_user_agent_win_over_the_wildcard(demo: Demo, tmp_path: Path) -> None:
    robots = "User-agent: *\nDisallow: /\n\nUser-agent: ogp-pipeline\nAllow: /\n"
    demo.site.set_robots(robots)
    summary = run_extract(fast_config(demo.url, tmp_path, **NO_PROBES), "run-1")
    assert summary.fetched == 12 and not summary.failed


def test_disallow_everything_raises(demo: Demo, tmp_path: Path) -> None:
    demo.site.set_robots("User-agent: *\nDisallow: /\n")
    with pytest.raises(RobotsDisallowed, match="nothing this run needs"):
        run_extract(fast_config(demo.url, tmp_path), "run-1")
    assert [r.path for r in demo.requests()] == ["/robots.txt"]


@pytest.mark.parametrize("status", [404, 403, 410])
def test_robots_4xx_means_allow_all(demo: Demo, tmp_path: Path, status: int) -> None:
    demo.site.set_robots(status=status)
    summary = run_extract(fast_config(demo.url, tmp_path, **NO_PROBES), "run-1")
    assert summary.robots.startswith(f"robots.txt {status}: unavailable, so everything is allowed")
    assert summary.fetched == 12


@pytest.mark.parametrize("status", [503, 500, 429])
def test_robots_5xx_means_disallow_all(demo: Demo, tmp_path: Path, status: int) -> None:
    demo.site.set_robots(status=status)
    with pytest.raises(RobotsDisallowed, match="everything is disallowed"):
        run_extract(fast_config(demo.url, tmp_path), "run-1")
    robots_requests = [r for r in demo.requests() if r.path == "/robots.txt"]
    others = [r for r in demo.requests() if r.path != "/robots.txt"]
    assert len(robots_requests) == 3  # retried like any page (max_attempts=3), then given up
    assert others == []


def test_robots_unreachable_means_disallow_all(tmp_path: Path) -> None:
    with demo_site() as demo:
        url = demo.url
    # The server is gone: connections are refused.
    with pytest.raises(RobotsDisallowed, match="cannot connect"):
        run_extract(fast_config(url, tmp_path), "run-1")


def test_robots_recovering_after_a_503_is_used(demo: Demo, tmp_path: Path) -> None:
    demo.server.faults.push("/robots.txt", Status(503))
    demo.site.set_robots("User-agent: *\nDisallow: /members/romania/\n")
    summary = run_extract(fast_config(demo.url, tmp_path, **NO_PROBES), "run-1")
    assert summary.fetched == 8 and summary.retries_by_reason == {"503": 1}


def test_crawl_delay_larger_than_the_configured_delay_wins(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with demo_site(sample_pages(2, member_count=1)) as demo:
        demo.site.set_robots("User-agent: *\nCrawl-delay: 0.02\n")
        with caplog.at_level(logging.INFO, logger="pipeline.extract"):
            summary = run_extract(fast_config(demo.url, tmp_path, **NO_PROBES), "run-1")
    assert "Crawl-delay 0.02 s" in summary.robots
    assert "Crawl-delay 0.02 s from robots.txt replaces 0 s" in caplog.text


def test_throttle_keeps_the_larger_of_configured_and_crawl_delay() -> None:
    throttle = HostThrottle("h", 1.0, max_delay_s=30.0)
    throttle.honour_crawl_delay(0.5)
    assert throttle.delay == 1.0
    throttle.honour_crawl_delay(5.0)
    assert (throttle.base_delay, throttle.delay) == (5.0, 5.0)
