"""The throttle against a misbehaving server (not tests): random 429/503, and a real rate limit.

Run: ``python -m bench.bench_throttle [--quick]``. The demo server (``python -m demosite
serve``) runs in its own process; the pipeline runs as ``python -m pipeline`` with
``--delay 0 --concurrency 8`` and the default retry settings (backoff from 2 s, Retry-After
honoured up to 300 s). Prints a Markdown section and writes ``bench/results/throttle.md``.

1. 400 pages, 3% of requests answered 429 (Retry-After: 1) and 1% 503, against the same site
   without faults: refresh wall time (target <= 3x) and every page collected.
2. A rate limit of R = 20 requests/s (429 beyond it, no Retry-After, as nginx's limit_req):
   achieved rate once settled (target within [0.7 R, R]) and share of 429s (target < 5%).
   Also with a limiter that sends Retry-After: 1, for comparison.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.machine import describe

RESULTS = Path(__file__).parent / "results" / "throttle.md"
RUN_ARGS = ["--delay", "0", "--concurrency", "8", "--no-progress"]
SETTLE_S = 5  # seconds after the first request before the rate counts as settled


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]

    def stop(self) -> dict[str, object]:
        """Stop the server; what its traffic modes did (its last stderr line)."""
        self.process.terminate()
        _, err = self.process.communicate(timeout=30)  # it stops in milliseconds
        summary: dict[str, object] = json.loads(err.strip().splitlines()[-1])
        return summary


def serve(pages: int, *options: str) -> Served:
    command = [sys.executable, "-m", "demosite", "serve", "--port", "0", "--sample", str(pages),
               "--members", "20", *options]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return Served(process.stdout.readline().strip(), process)


@dataclass
class Run:
    wall_s: float
    code: int
    report: dict[str, object]
    traffic: dict[str, object]

    @property
    def fetch(self) -> dict[str, object]:
        stages = self.report.get("stages", {})
        assert isinstance(stages, dict)
        fetched: dict[str, object] = stages.get("fetch_summary", {})
        return fetched


def refresh(pages: int, *server_options: str) -> Run:
    served = serve(pages, *server_options)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            command = [sys.executable, "-m", "pipeline", "refresh", "--base-url", served.url,
                       "--raw-dir", str(work / "raw"), "--processed-dir",
                       str(work / "processed"), *RUN_ARGS]  # fmt: skip
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - started
            report_file = work / "processed" / "last_run_report.json"
            report = json.loads(report_file.read_text()) if report_file.exists() else {}
    finally:
        traffic = served.stop()
    if done.returncode not in (0, 3):
        raise RuntimeError(f"refresh exited {done.returncode}:\n{done.stderr[-3000:]}")
    return Run(wall, done.returncode, report, traffic)


def _commitments(run: Run) -> int:
    stages = run.report.get("stages", {})
    assert isinstance(stages, dict)
    return int(stages.get("transform", {}).get("commitments", 0))


def bench_random_faults(pages: int, seeds: list[int]) -> tuple[list[str], list[str]]:
    clean = [refresh(pages) for _ in range(2)]
    base = statistics.median(r.wall_s for r in clean)
    base_extract = statistics.median(_extract_s(r) for r in clean)
    rows = [
        "| run | wall s | x fault-free | extract s (x) | exit | commitments | 429 / 503 "
        "answered | retries | rate cuts | Retry-After waited s |",
        "|---|---:|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    for number, run in enumerate(clean, 1):
        rows.append(_fault_row(f"fault-free #{number}", run, base, base_extract))
    ratios, extract_ratios, complete = [], [], True
    for seed in seeds:
        run = refresh(pages, "--fault-429", "0.03", "--retry-after", "1", "--fault-503", "0.01",
                      "--seed", str(seed))  # fmt: skip
        rows.append(_fault_row(f"3% 429 + 1% 503, seed {seed}", run, base, base_extract))
        ratios.append(run.wall_s / base)
        extract_ratios.append(_extract_s(run) / base_extract)
        complete = complete and run.code == 0 and _commitments(run) == pages
    notes = [
        f"Refresh wall time with faults: median {statistics.median(ratios):.2f}x, "
        f"{min(ratios):.2f}x to {max(ratios):.2f}x the fault-free median over {len(seeds)} seeds "
        f"(target <= 3x: met by {sum(r <= 3 for r in ratios)} of {len(seeds)}); every page "
        f"collected: {'yes' if complete else 'NO'}. The extract stage alone takes "
        f"{min(extract_ratios):.1f}x to {max(extract_ratios):.1f}x its fault-free time (about "
        "one second): the rate is cut only by the 503s, mildly, and recovers within a second; "
        "what remains is waiting: a 429 makes its page wait the Retry-After (1 s), a 503 a "
        "backoff of 1-2 s (then 2-3 s), and the crawl ends with its slowest page, so a page "
        "that meets two faults in a row late in the run adds about 4 s.",
    ]
    return rows, notes


def _extract_s(run: Run) -> float:
    durations = run.report.get("durations_s", {})
    assert isinstance(durations, dict)
    return float(durations.get("extract", 0.0))


def _fault_row(name: str, run: Run, base: float, base_extract: float) -> str:
    fetch = run.fetch
    retries = fetch.get("retries_by_reason", {})
    assert isinstance(retries, dict)
    faults = ", ".join(f"{k}: {v}" for k, v in sorted(retries.items())) or "none"
    return (
        f"| {name} | {run.wall_s:.1f} | {run.wall_s / base:.2f} "
        f"| {_extract_s(run):.1f} ({_extract_s(run) / base_extract:.1f}) | {run.code} "
        f"| {_commitments(run)} | {run.traffic['faulted']} | {faults} "
        f"| {fetch.get('slowdowns', 0)} | {fetch.get('retry_after_s', 0):.0f} |"
    )


def extract(pages: int, *server_options: str) -> tuple[float, dict[str, object], str]:
    served = serve(pages, *server_options)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            command = [sys.executable, "-m", "pipeline", "extract", "--base-url", served.url,
                       "--raw-dir", str(Path(tmp) / "raw"), *RUN_ARGS]  # fmt: skip
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - started
    finally:
        traffic = served.stop()
    return wall, traffic, done.stderr


def bench_rate_limit(pages: int, limit: float) -> list[str]:
    rows = [
        "| limiter | wall s | requests | 429s | share 429 | settled rate /s | settled share "
        "429 | pages stored |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, options in [
        ("no Retry-After", ()),
        ("Retry-After: 1", ("--limit-retry-after", "1")),
    ]:
        wall, traffic, stderr = extract(pages, "--rate-limit", f"{limit:g}", *options)
        passed, refused = traffic["passed_per_s"], traffic["refused_per_s"]
        assert isinstance(passed, list) and isinstance(refused, list)
        total, limited = sum(passed) + sum(refused), sum(refused)
        settled = slice(SETTLE_S, len(passed) - 1)  # the last second is partial
        steady = statistics.mean(passed[settled]) if passed[settled] else float("nan")
        steady_all = sum(passed[settled]) + sum(refused[settled])
        steady_share = sum(refused[settled]) / steady_all if steady_all else float("nan")
        stored = _stored_pages(stderr)
        rows.append(
            f"| {name} | {wall:.1f} | {total} | {limited} | {limited / total:.1%} "
            f"| {steady:.1f} ({steady / limit:.0%} of R) | {steady_share:.1%} | {stored} |"
        )
    return rows


def _stored_pages(stderr: str) -> str:
    for line in stderr.splitlines():
        if "commitment pages:" in line:
            return line.split("commitment pages:", 1)[1].split(",")[1].strip()
    return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke check")
    args = parser.parse_args(argv)
    pages = 100 if args.quick else 400
    seeds = [1] if args.quick else [1, 2, 3, 4, 5]
    faults, notes = bench_random_faults(pages, seeds)
    limit = bench_rate_limit(pages, 20.0)
    text = "\n".join(
        [
            "## Throttle against random faults and a rate limit",
            "",
            f"Command: `python -m bench.bench_throttle`. Machine: {describe()}.",
            f"The demo site ({pages} commitment pages of 20 members, `python -m demosite serve`) "
            "runs in its own process; the pipeline with `--delay 0 --concurrency 8` and the "
            "default retry settings. Discovery: the listing, member pages, ID probes.",
            "",
            f"### Random faults: 3% 429 (Retry-After: 1) + 1% 503, {pages} pages, refresh "
            "(target: <= 3x the fault-free wall time, every page collected)",
            "",
            *faults,
            "",
            *notes,
            "",
            f"### Rate limit R = 20 requests/s, extract of {pages} pages (targets: settled rate "
            "in [0.7 R, R], < 5% of requests answered 429)",
            "",
            f"Settled: from second {SETTLE_S} after the first request to the last whole second, "
            "counted by the server.",
            "",
            *limit,
            "",
            "The limiter without Retry-After is the target case (nginx's limit_req answers so):"
            " each 429 cuts the rate to 70% of what the server delivered, then 50 successes "
            "bring it back; the 429s are those of the first burst (in its first second, before "
            "the cut) and about one per cycle after. A limiter that sends Retry-After: 1 has "
            "each refused page wait that second; the rate is cut only when more than a quarter "
            "of the last 20 answers were 429s (so random 429s with Retry-After do not slow the "
            "crawl), which lets about 10% of requests be refused at that limiter.",
            "",
        ]
    )
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
