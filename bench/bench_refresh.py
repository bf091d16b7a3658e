"""Full refresh (extract + transform + load) of a generated site on loopback, unthrottled,
then a refresh in which nothing changed.

Run: python -m bench.bench_refresh [--commitments N]
The site is served by a separate process so client and server do not share a GIL.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import describe

RESULTS = Path(__file__).parent / "results" / "refresh.md"


def _serve(commitments: int) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.serve_synthetic", str(commitments)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    base_url = server.stdout.readline().strip()
    if not base_url.startswith("http"):
        server.kill()
        raise RuntimeError(f"demo server did not start: {base_url!r}")
    return server, base_url


def _refresh(base_url: str, work: Path) -> tuple[float, dict[str, object]]:
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "refresh",
        "--base-url",
        base_url,
        "--raw-dir",
        str(work / "raw"),
        "--processed-dir",
        str(work / "processed"),
        # Our own loopback server: no politeness delay, enough connections to hide latency.
        "--delay",
        "0",
        "--concurrency",
        "16",
        "--no-progress",
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise RuntimeError(f"refresh failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report = json.loads((work / "processed" / "last_run_report.json").read_text(encoding="utf-8"))
    return wall, report


def _list_rows_per_page(report: dict[str, object]) -> float:
    publish = report.get("publish", {})
    assert isinstance(publish, dict)
    files = publish.get("files", {})
    rows = files.get("member_commitment_list.parquet", {}).get("rows", 0)
    pages = publish.get("commitments", 0)
    return float(rows) / pages if pages else 0.0


def _row(name: str, wall: float, report: dict[str, object]) -> str:
    durations = report.get("durations_s", {})
    assert isinstance(durations, dict)
    stages = report.get("stages", {})
    assert isinstance(stages, dict)
    resources = stages.get("resources", {})
    extract = stages.get("extract", {})
    transform = stages.get("transform", {})
    return (
        f"| {name} | {durations.get('extract', 0):.1f} | {durations.get('transform', 0):.1f} "
        f"| {durations.get('load', 0):.1f} | {wall:.1f} "
        f"| {resources.get('peak_rss_mb', '?')} / {transform.get('workers_peak_rss_mb', '-')} "
        f"| {extract.get('fetched', '?')} | {transform.get('pages_parsed', '?')} |"
    )


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commitments", type=int, default=6500)
    args = parser.parse_args(argv)
    server, base_url = _serve(args.commitments)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            full_wall, full = _refresh(base_url, work)
            again_wall, again = _refresh(base_url, work)
    finally:
        server.terminate()
        server.wait()
    text = "\n".join(
        [
            "## Full refresh and no-change refresh",
            "",
            f"Command: `python -m bench.bench_refresh --commitments {args.commitments}`  ",
            f"Machine: {describe()}  ",
            "Site: generated heavy pages served by `python -m bench.serve_synthetic N` in its "
            "own process on 127.0.0.1; refresh with `--delay 0 --concurrency 16`.",
            "",
            "| run | extract s | transform s | load s | total wall s | peak RSS MB (main / "
            "workers) | bodies downloaded | pages parsed |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            _row("full refresh", full_wall, full),
            _row("nothing changed", again_wall, again),
            "",
            f"No-change refresh / full refresh: {again_wall / full_wall:.0%} of the wall time "
            "(target <= 35%). Targets for the full refresh: total <= 20 s, peak RSS < 300 MB.",
            "",
            "Extract is CPU-bound in one process (httpx, storing and hashing each body, finding "
            "links; see the extract section) while the demo server takes the other core; "
            "transform uses both cores. The main process's peak memory is the load stage: the "
            f"tables (provenance repeated on every row: the member lists alone are "
            f"~{_list_rows_per_page(full):.0f} rows per page) plus one table's ordered copy and "
            "its read-back check.",
            "",
        ]
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return text


if __name__ == "__main__":
    main()
