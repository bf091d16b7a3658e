"""SIGTERM or SIGINT stops a real `refresh` process within 5 s whatever it is waiting for (a
request in flight, the throttle's Crawl-delay, a Retry-After), keeps what was fetched in raw/,
publishes nothing (the previous publish stays current), exits 4 and records the run as
interrupted in the run report and the runs ledger."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from demosite.faults import Stall, Status
from demosite.sample import sample_pages
from pipeline.config import TransformConfig
from pipeline.exit_codes import EXIT_NOT_PUBLISHED
from pipeline.refresh import run_pipeline
from tests.loopback import Demo, demo_site, fast_config, page_rows
from tests.paths import ROOT

pytestmark = pytest.mark.slow


def _wait_for(condition: Callable[[], bool], child: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30  # a bound for a broken run; a working one needs ~1 s
    while not condition():
        assert child.poll() is None, f"the refresh ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)  # polling the server's log, not waiting for an outcome


def _stall(demo: Demo, mark: int) -> Callable[[], bool]:
    # Read timeout 30 s (the default): this request would hang for half a minute.
    demo.server.faults.push(demo.path("MN0003"), Stall(60))
    return lambda: any(r.fault == "Stall" for r in demo.requests(mark))


def _crawl_delay(demo: Demo, mark: int) -> Callable[[], bool]:
    # Allowed by --max-crawl-delay 60 below: the first page waits 30 s for its turn, which
    # starts as soon as robots.txt is read (the child is given 0.3 s more to get there).
    demo.site.set_robots("User-agent: *\nCrawl-delay: 30\n")
    seen: list[float] = []

    def waiting() -> bool:
        if not seen and any(r.path == "/robots.txt" for r in demo.requests(mark)):
            seen.append(time.monotonic())
        return bool(seen) and time.monotonic() - seen[0] > 0.3

    return waiting


def _retry_after(demo: Demo, mark: int) -> Callable[[], bool]:
    # Retry-After 120 s (under the 300 s cap): the retry of this page sleeps two minutes.
    demo.server.faults.push(demo.path("MN0003"), Status(503, "120"))
    return lambda: any(r.fault == "Status" for r in demo.requests(mark))


SCENARIOS = {"request-in-flight": _stall, "crawl-delay": _crawl_delay, "retry-after": _retry_after}


@pytest.mark.parametrize(
    ("scenario", "signum"),
    [("request-in-flight", signal.SIGTERM), ("crawl-delay", signal.SIGINT),
     ("retry-after", signal.SIGTERM)],
)  # fmt: skip
def test_a_signal_stops_a_refresh_within_5_s_and_publishes_nothing(
    tmp_path: Path, scenario: str, signum: int
) -> None:
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    with demo_site(sample_pages(6, member_count=2)) as demo:
        base = fast_config(demo.url, raw, use_sitemaps=False, probe_ids=False, concurrency=1)
        first = run_pipeline(replace(base, processed_dir=processed, transform=TransformConfig(1)))
        current = (processed / "current").resolve()
        stored = {url: sha for url, _, sha in page_rows(raw)}
        # Pages go in URL order (bulgaria, then mongolia): MN0001 is fetched again, with new
        # content, before the wait on MN0003, and must be kept in raw/ after the signal.
        demo.site.change("MN0001")
        mark = demo.mark()
        reached = SCENARIOS[scenario](demo, mark)
        command = [sys.executable, "-m", "pipeline", "refresh", "--base-url", demo.url,
                   "--raw-dir", str(raw), "--processed-dir", str(processed), "--delay", "0",
                   "--concurrency", "1", "--no-sitemaps", "--no-probe", "--no-progress",
                   "--workers", "1", "--max-crawl-delay", "60"]  # fmt: skip
        child = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE)
        _wait_for(reached, child, scenario)
        sent = time.monotonic()
        child.send_signal(signum)
        _, stderr = child.communicate(timeout=30)  # stops in well under a second when working
        stopped_in = time.monotonic() - sent
    assert child.returncode == EXIT_NOT_PUBLISHED, stderr.decode()[-2000:]
    assert stopped_in < 5
    assert (processed / "current").resolve() == current  # the previous publish stays
    report = json.loads((processed / "last_run_report.json").read_text())
    ledger = [json.loads(line) for line in (processed / "runs.jsonl").read_text().splitlines()]
    assert (report["finish_reason"], report["exit_code"]) == ("interrupted", EXIT_NOT_PUBLISHED)
    assert [(r["finish_reason"], r["exit_code"]) for r in ledger] == [
        ("published", 0),
        ("interrupted", EXIT_NOT_PUBLISHED),
    ]
    assert report["run_id"] != first.run_id and "Traceback" not in stderr.decode()
    now = {url: sha for url, _, sha in page_rows(raw)}
    changed = {url.rsplit("/", 2)[-2] for url in now if now[url] != stored[url]}
    # The crawl-delay wait comes before any page; the other two after MN0001's new body.
    assert changed == (set() if scenario == "crawl-delay" else {"MN0001"})
