"""Pure parts of the extract stage: sitemaps, links, seed files, Retry-After, throttle, backoff."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.config import FetchConfig
from pipeline.errors import SitemapError
from pipeline.extract.discovery.links import extract_links
from pipeline.extract.discovery.seeds import parse_seed_file
from pipeline.extract.discovery.sitemaps import changed_by, parse_sitemap
from pipeline.extract.ratelimit import (
    BACKOFF_FACTOR,
    CROWDED_SHARE,
    CROWDED_WINDOW,
    MIN_CUT_INTERVAL_S,
    RECOVERY_SUCCESSES,
    HostThrottle,
)
from pipeline.extract.retry import backoff_s, parse_retry_after
from pipeline.urls import CommitmentRef

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
URLSET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>https://www.opengovpartnership.org/members/mongolia/commitments/MN0002/</loc>"
    b"<lastmod>2024-05-01T10:00:00+02:00</lastmod></url>"
    b"<url><loc>https://www.opengovpartnership.org/members/mongolia/</loc></url>"
    b"</urlset>"
)


def test_urlset_gives_urls_with_lastmod_bounds() -> None:
    sitemap = parse_sitemap(URLSET, max_bytes=10_000)
    assert sitemap.children == ()
    assert [(e.url.rsplit("/", 2)[-2], e.changed_by) for e in sitemap.urls] == [
        ("MN0002", datetime(2024, 5, 1, 8, 0, 1, tzinfo=UTC)),
        ("mongolia", None),
    ]


def test_gzipped_index_is_read_by_its_magic_bytes() -> None:
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://x.org/a.xml.gz</loc><lastmod>2024-01-02</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    sitemap = parse_sitemap(gzip.compress(index), max_bytes=10_000)
    assert [e.url for e in sitemap.children] == ["https://x.org/a.xml.gz"] and sitemap.urls == ()


def test_entities_and_dtds_are_refused_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>&lol2;</loc></url></urlset>"
    )
    with pytest.raises(SitemapError, match="refused"):
        parse_sitemap(bomb, max_bytes=10_000)


def test_size_caps_apply_before_and_after_decompression() -> None:
    big = URLSET.replace(b"</urlset>", b"<!--" + b"x" * 50_000 + b"--></urlset>")
    with pytest.raises(SitemapError, match="cap"):
        parse_sitemap(big, max_bytes=10_000)
    packed = gzip.compress(big)
    assert len(packed) < 10_000  # small on the wire, large once inflated
    with pytest.raises(SitemapError, match="inflates past"):
        parse_sitemap(packed, max_bytes=10_000)


@pytest.mark.parametrize(
    "body", [b"<html>not a sitemap</html>", b"<urlset", b"\x1f\x8bnot really gzip"]
)
def test_non_sitemaps_are_errors(body: bytes) -> None:
    with pytest.raises(SitemapError):
        parse_sitemap(body, max_bytes=10_000)


@pytest.mark.parametrize(
    ("lastmod", "expected"),
    [
        ("2024-05-01", datetime(2024, 5, 2, 12, 0, tzinfo=UTC)),  # end of the day in UTC-12
        ("2024-05-01T23:59:59.5Z", datetime(2024, 5, 2, 0, 0, 0, tzinfo=UTC)),
        ("2024-05-01T10:00:00-05:00", datetime(2024, 5, 1, 15, 0, 1, tzinfo=UTC)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_lastmod_is_read_as_the_latest_moment_it_can_mean(
    lastmod: str | None, expected: datetime | None
) -> None:
    assert changed_by(lastmod) == expected


def test_links_are_member_and_commitment_hrefs_made_absolute() -> None:
    page = (
        b'<a href="/members/mongolia/commitments/MN0002/">a</a>'
        b"<a href='https://opengovpartnership.org/members/bulgaria/commitments/bg0090'>b</a>"
        b'<a href=/members/ghana/>c</a><a href="/policy-area/open-data/">d</a>'
        b'<a href="/members/mongolia/commitments/MN0002/#top">dup</a>'
        b'<a href="/members/x/commitments/XY0001/?a=1&amp;b=2">e</a>'
        b'<p>our members/ list</p><div data-href="/members/not-a-link/">f</div>'
        b'<A HREF = "/members/upper-case/">g</A>'
    )
    assert extract_links(page, "https://www.opengovpartnership.org/our-members/") == [
        "https://www.opengovpartnership.org/members/mongolia/commitments/MN0002/",
        "https://opengovpartnership.org/members/bulgaria/commitments/bg0090",
        "https://www.opengovpartnership.org/members/ghana/",
        "https://www.opengovpartnership.org/members/x/commitments/XY0001/?a=1&b=2",
        "https://www.opengovpartnership.org/members/upper-case/",
    ]


def test_seed_file_accepts_urls_pairs_csv_exports_and_a_header(tmp_path: Path) -> None:
    seed = tmp_path / "seed.csv"
    seed.write_text(
        "\ufeffCommitment Unique Identifier,Country/Locality,URL\n"
        "AL0002,Albania,https://www.opengovpartnership.org/members/albania/commitments/AL0002/\n"
        "\n# a comment\n"
        "united-kingdom,uk0093\n"
        "/es/members/ghana/commitments/GH0049/\n"
        '"scotland-united-kingdom","SCO0001"\n',
        encoding="utf-8",
    )
    assert parse_seed_file(seed, "https://www.opengovpartnership.org") == [
        CommitmentRef("albania", "AL0002"),
        CommitmentRef("united-kingdom", "UK0093"),
        CommitmentRef("ghana", "GH0049", "es"),
        CommitmentRef("scotland-united-kingdom", "SCO0001"),
    ]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Sat, 01 Mar 2025 12:02:00 GMT", 120.0),
        ("Sat, 01 Mar 2025 11:00:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("-5", None),
        ("\u00b2", None),  # "²": a digit to str.isdigit, not to float()
        ("\u0661\u0662\u0660", None),  # Arabic-Indic 120
        (None, None),
    ],
)
def test_retry_after_in_both_forms(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    config = FetchConfig(backoff_base_s=2.0, backoff_max_s=60.0)
    for attempt, low in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0)]:
        waits = [backoff_s(config, attempt) for _ in range(50)]
        assert all(low <= wait <= low + 2.0 for wait in waits)
        assert len(set(waits)) > 1  # jittered
    assert all(backoff_s(config, 10) == 60.0 for _ in range(20))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_cut_keeps_70_percent_once_per_episode_and_successes_bring_the_rate_back() -> None:
    clock = FakeClock()
    throttle = HostThrottle("h", 1.0, max_delay_s=30.0, clock=clock)
    throttle.slow_down(503, None, ticket=0)
    assert throttle.delay == pytest.approx(1 / BACKOFF_FACTOR) and throttle.slowdowns == 1
    throttle.slow_down(503, None, ticket=0)  # sent before the cut: the same episode
    clock.now += MIN_CUT_INTERVAL_S / 2
    throttle.slow_down(429, None, ticket=1)  # sent after it, but within its second: the same
    assert throttle.slowdowns == 1
    clock.now += MIN_CUT_INTERVAL_S
    throttle.slow_down(429, None, ticket=1)  # later: the server still says too much
    assert throttle.rate == pytest.approx(BACKOFF_FACTOR**2) and throttle.slowdowns == 2
    for _ in range(RECOVERY_SUCCESSES):
        clock.now += throttle.delay
        throttle.success(ticket=2)
    assert 1.0 < throttle.delay < 1 / BACKOFF_FACTOR**2  # recovering, gradually
    for _ in range(4 * RECOVERY_SUCCESSES):
        clock.now += throttle.delay
        throttle.success(ticket=2)
    assert throttle.delay == 1.0 and throttle.rate is None  # back, never below the configured


def test_a_burst_into_a_rate_limit_is_cut_to_below_what_the_server_let_through() -> None:
    clock = FakeClock()
    throttle = HostThrottle("h", 0.0, max_delay_s=30.0, clock=clock)
    for _ in range(20):  # a limit of 20 a second let the start of a burst through ...
        clock.now += 0.01
        throttle.success(ticket=0)
    throttle.slow_down(429, None, ticket=0)  # ... a lone 429 this early looks like a fault:
    assert throttle.rate == pytest.approx(20 / 0.19 * BACKOFF_FACTOR)  # a mild cut
    for _ in range(CROWDED_WINDOW):  # then every request sent after the cut is refused
        clock.now += 0.01
        throttle.slow_down(429, None, ticket=1)
    assert throttle.rate == pytest.approx(20 * BACKOFF_FACTOR)  # not lower: no cascade


def test_cuts_stop_at_the_slowest_pace() -> None:
    clock = FakeClock()
    throttle = HostThrottle("h", 1.0, max_delay_s=5.0, clock=clock)
    for ticket in range(20):
        clock.now += MIN_CUT_INTERVAL_S
        throttle.slow_down(503, None, ticket)
    assert throttle.delay == 5.0


def test_a_retry_after_answer_cuts_the_rate_only_when_such_answers_are_frequent() -> None:
    throttle = HostThrottle("h", 0.5, max_delay_s=30.0, clock=FakeClock())
    for _ in range(CROWDED_WINDOW - 1):
        throttle.success(ticket=0)
    throttle.slow_down(429, 1.0, ticket=0)  # one in 20: that request waits, nobody else
    assert throttle.slowdowns == 0 and throttle.delay == 0.5
    for _ in range(int(CROWDED_SHARE * CROWDED_WINDOW)):
        throttle.slow_down(429, 1.0, ticket=0)
    assert throttle.slowdowns == 1 and throttle.delay == pytest.approx(0.5 / BACKOFF_FACTOR)


def test_a_fault_in_a_quiet_phase_cuts_from_what_the_busy_phase_showed() -> None:
    clock = FakeClock()
    throttle = HostThrottle("h", 0.0, max_delay_s=30.0, clock=clock)
    for _ in range(300):  # a busy second: the site answered 300 requests
        clock.now += 1 / 300
        throttle.success(ticket=0)
    for _ in range(40):  # then the crawl asks for little (ID probes, one by one)
        clock.now += 0.1
        throttle.success(ticket=0)
    throttle.slow_down(503, None, ticket=0)
    assert throttle.rate == pytest.approx(300 * BACKOFF_FACTOR, rel=0.02)


def test_wait_turn_spaces_requests_by_the_current_gap() -> None:
    clock = FakeClock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    async def four_turns() -> list[int]:
        throttle = HostThrottle("h", 1.0, max_delay_s=8.0, clock=clock, sleep=sleep)
        tickets = [await throttle.wait_turn()]  # the first request goes at once
        tickets.append(await throttle.wait_turn())  # one second later
        throttle.slow_down(503, None, tickets[-1])
        tickets.append(await throttle.wait_turn())  # spaced by the old gap, then the new one
        tickets.append(await throttle.wait_turn())
        return tickets

    assert asyncio.run(four_turns()) == [0, 0, 1, 1]
    assert slept == [pytest.approx(1.0), pytest.approx(1.0), pytest.approx(1 / BACKOFF_FACTOR)]
