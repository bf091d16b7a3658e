"""Transform speed: parse + extract against a bare lexbor parse of the same bytes, on one
core over realistic heavy pages, the speed-up with two processes, and what transform_raw's
worker pool (reading raw/, building and sending tables, watching for dead and slow workers)
adds to two bare processes.

Run: python -m bench.bench_transform [--pages N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from bench.machine import describe
from bench.synthetic_pages import synthetic_pages
from pipeline.config import TransformConfig
from pipeline.raw import FetchRecord, PageKey, RawStore
from pipeline.transform import parse_commitment, transform_raw
from pipeline.urls import parse_commitment_url

RESULTS = Path(__file__).parent / "results" / "transform.md"


def _pages(count: int, seed: int = 0) -> list[tuple[str, str]]:
    return [
        (
            f"https://www.opengovpartnership.org/members/{p.member_slug}/commitments/{p.commitment_id}/",
            p.html,
        )
        for p in synthetic_pages(count, seed=seed)
    ]


def _time_bare(pages: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for _url, html in pages:
        LexborHTMLParser(html)
    return time.perf_counter() - start


def _time_full(pages: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for url, html in pages:
        parse_commitment(html, url)
    return time.perf_counter() - start


def _worker(
    count: int, seed: int, barrier: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    pages = _pages(count, seed)
    barrier.wait()
    out.put(_time_full(pages))


def _two_processes(count: int) -> float:
    """Wall time of two processes each parsing half the pages (generation excluded)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    out = context.Queue()
    workers = [
        context.Process(target=_worker, args=(count // 2, seed, barrier, out)) for seed in (0, 1)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    times = [out.get(), out.get()]
    wall = time.perf_counter() - start
    for worker in workers:
        worker.join()
    return max(wall, *times)


def _raw_store(pages: list[tuple[str, str]], raw: Path) -> None:
    record = FetchRecord("20250101T000000Z-0000", datetime(2025, 1, 1, tzinfo=UTC))
    with RawStore(raw, writable=True) as store:
        for url, html in pages:
            ref = parse_commitment_url(url)
            assert ref is not None
            key = PageKey(url, ref.commitment_id, ref.member_slug, "en")
            body = store.write_body(html.encode("utf-8"))
            store.db.record_page_body(key, record, fetched_url=url, body=body, discoveries=[])


def _time_pool(pages: list[tuple[str, str]], workers: int) -> float:
    """Best wall time of transform_raw over a raw store holding the pages."""
    with tempfile.TemporaryDirectory() as folder:
        _raw_store(pages, Path(folder))
        times = []
        for _ in range(2):
            start = time.perf_counter()
            result = transform_raw(Path(folder), TransformConfig(workers=workers))
            times.append(time.perf_counter() - start)
            assert result.parsed == len(pages) and not result.failures
    return min(times)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1200)
    args = parser.parse_args(argv)
    pages = _pages(args.pages)
    size = sum(len(html.encode()) for _u, html in pages)
    _time_full(pages[:50])  # warm caches and the vocabulary
    bare = min(_time_bare(pages) for _ in range(3))
    full = min(_time_full(pages) for _ in range(3))
    # The two-process run parses seeds 0 and 1, half each; compare with one core on the same
    # amount of work.
    pair = _two_processes(args.pages)
    pool = _time_pool(pages, workers=2)
    n, mb = len(pages), size / 1e6
    text = "\n".join(
        [
            "## Transform (parse + extract)",
            "",
            f"Command: `python -m bench.bench_transform --pages {n}`  ",
            f"Machine: {describe()}  ",
            f"Input: {n} synthetic heavy pages, {mb:.1f} MB "
            f"({size / n / 1024:.0f} KB/page average).",
            "",
            "| measure | value | target |",
            "| --- | --- | --- |",
            f"| bare lexbor parse, 1 core | {n / bare:,.0f} pages/s, {mb / bare:,.0f} MB/s | |",
            f"| parse + extract, 1 core | {n / full:,.0f} pages/s, {mb / full:,.0f} MB/s | |",
            f"| parse + extract / bare parse | {full / bare:.2f}x | <= 1.5x |",
            f"| 2 processes vs 1 | {full / pair:.2f}x | >= 1.7x |",
            f"| transform_raw, 2 workers (pool, raw/ reads, tables) | {n / pool:,.0f} pages/s, "
            f"{pool / pair:.2f}x the 2 bare processes | |",
            "",
            f"Extraction adds {(full - bare) / n * 1000:.2f} ms per page to lexbor's "
            f"{bare / n * 1000:.2f} ms parse: about a third in lexbor itself (dropping chrome "
            "and hidden nodes, marking block boundaries, reading the text) and the rest in "
            "Python (splitting ~100 lines per page, matching labels and values, building "
            "records). The 1.5x target would need the line scanner in compiled code.",
            "",
            "transform_raw adds to the two bare processes what a run needs besides parsing: "
            "starting two spawned worker processes (about half a second), reading and checking "
            "each zstd body from raw/, building the Arrow tables and sending them back, and "
            "watching each worker's current page (the time limit, dead workers).",
            "",
        ]
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return text


if __name__ == "__main__":
    main()
