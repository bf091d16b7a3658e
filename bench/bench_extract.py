"""Benchmarks of the extract stage against the demo site on 127.0.0.1 (not tests).

Run: ``python -m bench.bench_extract [--quick]``. The demo server runs as its own process so
client and server do not share a GIL. Prints a Markdown section and writes it to
``bench/results/extract.md``.

1. Concurrency against latency: a server adding 100 ms to every request; pages/s at
   concurrency 1, 4 and 16 against the ideal concurrency / latency (target >= 80%).
2. Unthrottled extract of >= 5,000 heavy pages (link crawl + ID probes, bodies stored):
   pages/s including storage (target >= 500).
3. A refresh in which nothing changed, against the full run of 2 (targets: no body
   downloaded, <= 35% of the full run's wall time).
4. Peak RSS of an extract process for 2,000 and 20,000 pages (target: flat, <= 1.25x, < 300 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.machine import describe
from demosite.sample import sample_pages
from pipeline.config import Config, FetchConfig
from pipeline.extract import FetchSummary, run_extract
from pipeline.raw import RawStore

RESULTS = Path(__file__).parent / "results" / "extract.md"
LATENCY_S = 0.1
MEMBERS = 225  # about the live site's member count
HEAVY_PADDING = 120_000  # chrome bytes per page: live commitment pages weigh 100-200 KB


@dataclass
class Server:
    url: str
    pid: int

    def cpu_s(self) -> float:
        """CPU seconds the server process has used so far (user + system)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def demo_server(pages: int, *, latency: float = 0.0, padding: int = 0) -> Iterator[Server]:
    """A demo site in its own process; yields it, stops it (by its pid) after."""
    command = [sys.executable, "-m", "demosite", "serve", "--port", "0", "--sample", str(pages),
               "--members", str(min(MEMBERS, pages)), "--padding", str(padding),
               "--latency", str(latency)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield Server(process.stdout.readline().strip(), process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)  # it stops in milliseconds on SIGTERM
        if process.stdout is not None:
            process.stdout.close()


def config(base_url: str, raw_dir: Path, **fetch: object) -> Config:
    settings: dict[str, object] = {"base_url": base_url, "delay_s": 0.0, "progress": False}
    settings.update(fetch)
    return Config(raw_dir=raw_dir, fetch=FetchConfig(**settings))  # type: ignore[arg-type]


def seed_file(directory: Path, pages: int) -> Path:
    ids = sample_pages(pages, member_count=min(MEMBERS, pages))
    path = directory / "seed.txt"
    path.write_text("".join(f"{p.member_slug},{p.commitment_id}\n" for p in ids))
    return path


def timed(cfg: Config, run_id: str) -> tuple[FetchSummary, float]:
    started = time.perf_counter()
    summary = run_extract(cfg, run_id)
    return summary, time.perf_counter() - started


def bench_latency(levels: list[int], seconds_each: float) -> list[str]:
    rows = ["| concurrency | pages | wall s | pages/s | ideal pages/s | share of ideal |",
            "|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for concurrency in levels:
        pages = int(concurrency / LATENCY_S * seconds_each)
        with tempfile.TemporaryDirectory() as tmp, demo_server(pages, latency=LATENCY_S) as site:
            seed = seed_file(Path(tmp), pages)
            cfg = config(site.url, Path(tmp) / "raw", concurrency=concurrency, seed_file=seed,
                         use_sitemaps=False, crawl_links=False, probe_ids=False)  # fmt: skip
            summary, wall = timed(cfg, f"latency-{concurrency}")
        assert summary.fetched == pages and not summary.failed, summary.render()
        rate, ideal = pages / wall, concurrency / LATENCY_S
        rows.append(f"| {concurrency} | {pages} | {wall:.2f} | {rate:.1f} | {ideal:.0f} | "
                    f"{rate / ideal:.0%} |")  # fmt: skip
    return rows


@dataclass
class Run:
    summary: FetchSummary
    wall_s: float
    client_cpu_s: float
    server_cpu_s: float

    def cpu_ms_per_request(self) -> float:
        return self.client_cpu_s / self.summary.requests * 1000


@dataclass
class Volume:
    pages: int
    concurrency: int
    full: Run
    again: Run
    body_files: tuple[int, int]
    bare_httpx_ms: tuple[float, float]  # CPU per request: (304, 200 with body)


def measured(cfg: Config, run_id: str, server: Server) -> Run:
    client, served = own_cpu_s(), server.cpu_s()
    summary, wall = timed(cfg, run_id)
    return Run(summary, wall, own_cpu_s() - client, server.cpu_s() - served)


async def _bare_httpx(urls: list[str], etags: dict[str, str], concurrency: int) -> None:
    queue = list(urls)
    async with httpx.AsyncClient(trust_env=False) as client:

        async def worker() -> None:
            while queue:
                url = queue.pop()
                headers = {"If-None-Match": etags[url]} if url in etags else {}
                async with client.stream("GET", url, headers=headers) as response:
                    async for _ in response.aiter_bytes():
                        pass

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def bare_httpx_ms(site: Server, raw: Path, concurrency: int) -> tuple[float, float]:
    """Baseline: CPU ms per request of bare httpx (no pipeline code), for the stored pages,
    (conditional GET answered 304, plain GET with the body)."""
    with RawStore(raw) as store:
        pages = store.current_pages()
        etags = {p.url: store.db.page(p.url).etag or "" for p in pages}  # type: ignore[union-attr]
    urls = [p.url for p in pages]
    costs = []
    for validators in (etags, {}):
        started = own_cpu_s()
        asyncio.run(_bare_httpx(urls, validators, concurrency))
        costs.append((own_cpu_s() - started) / len(urls) * 1000)
    return costs[0], costs[1]


def bench_volume(pages: int, concurrency: int) -> Volume:
    with tempfile.TemporaryDirectory() as tmp, demo_server(pages, padding=HEAVY_PADDING) as site:
        raw = Path(tmp) / "raw"
        cfg = config(site.url, raw, concurrency=concurrency)
        full = measured(cfg, "full", site)
        files_before = sum(1 for _ in (raw / "bodies").rglob("*.zst"))
        again = measured(cfg, "again", site)
        files_after = sum(1 for _ in (raw / "bodies").rglob("*.zst"))
        bare = bare_httpx_ms(site, raw, concurrency)
    assert full.summary.fetched == pages and not full.summary.failed, full.summary.render()
    return Volume(pages, concurrency, full, again, (files_before, files_after), bare)


def peak_rss_mb(pages: int, concurrency: int) -> tuple[float, float, int]:
    """(peak RSS in MB, wall s, pages stored) of a `python -m pipeline extract` process.

    The child's own peak comes from GNU time, which forks it from a small process: wait4() on
    a child forked from this (large) benchmark process would report this process's memory too,
    since Linux carries a forked copy's peak across exec."""
    with tempfile.TemporaryDirectory() as tmp, demo_server(pages, padding=40_000) as site:
        raw, log, rss = Path(tmp) / "raw", Path(tmp) / "extract.log", Path(tmp) / "rss"
        command = [sys.executable, "-m", "pipeline", "extract", "--base-url", site.url,
                   "--raw-dir", str(raw), "--delay", "0", "--concurrency", str(concurrency),
                   "--no-progress"]  # fmt: skip
        timer = shutil.which("time") or "/usr/bin/time"
        if Path(timer).exists():
            command = [timer, "-o", str(rss), "-f", "%M", *command]
        started = time.perf_counter()
        with log.open("w") as stderr:
            process = subprocess.Popen(command, stderr=stderr)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        assert process.returncode == 0, log.read_text()
        with RawStore(raw) as store:
            stored = len(store.current_pages())
        peak_kib = int(rss.read_text().split()[-1]) if rss.exists() else usage.ru_maxrss
    return peak_kib / 1024, wall, stored  # both are KiB on Linux


def report(latency: list[str], volume: Volume, rss: list[tuple[int, float, float, int]]) -> str:
    full, again = volume.full, volume.again
    rate = full.summary.fetched / full.wall_s
    ratio = again.wall_s / full.wall_s
    lines = [
        "## Extract",
        "",
        "Command: `python -m bench.bench_extract`. Machine: " + describe() + ".",
        "The demo server runs in its own process on 127.0.0.1 (asyncio, keep-alive).",
        "",
        f"### Concurrency against {LATENCY_S * 1000:.0f} ms latency (target >= 80% of ideal)",
        "",
        "Seed file of commitment pages, no discovery; every request waits 100 ms on the server.",
        "Wall time includes robots.txt (one extra round trip) and storing every body.",
        "",
        *latency,
        "",
        f"### Unthrottled extract of {volume.pages:,} pages (target >= 500 pages/s)",
        "",
        f"Default discovery (member listing, {MEMBERS} member pages, commitment pages, ID probes "
        f"of every member), delay 0, concurrency {volume.concurrency}, pages of "
        f"~{HEAVY_PADDING // 1000 + 3} KB, bodies hashed, zstd-compressed, fsynced, indexed.",
        "",
        f"- full run: {full.wall_s:.1f} s, **{rate:.0f} commitment pages/s**; "
        f"{full.summary.requests:,} requests ({_statuses(full.summary)}), "
        f"{full.summary.bytes_downloaded / 1e6:.0f} MB downloaded",
        f"- CPU: extract {full.client_cpu_s:.1f} s in {full.wall_s:.1f} s of wall time "
        f"({full.cpu_ms_per_request():.2f} ms per request); demo server {full.server_cpu_s:.1f} s",
        "",
        "### A refresh in which nothing changed, against the full run",
        "",
        f"- no-change refresh: {again.wall_s:.1f} s = **{ratio:.0%} of the full run** "
        f"(target <= 35%); {again.summary.requests:,} requests ({_statuses(again.summary)})",
        f"- CPU: extract {again.client_cpu_s:.1f} s ({again.cpu_ms_per_request():.2f} ms per "
        f"request, all without a body); demo server {again.server_cpu_s:.1f} s",
        f"- bodies downloaded: **{again.summary.fetched}** (body bytes downloaded: "
        f"{again.summary.bytes_downloaded}); body files before/after: "
        f"{volume.body_files[0]:,}/{volume.body_files[1]:,}; {again.summary.not_modified:,} "
        f"pages answered 304, {again.summary.bytes_saved / 1e6:.0f} MB not re-sent",
        "- pages re-parsed by extract: 0 (links of a 304 page come from the raw store's "
        "per-body cache); transform's re-parse count is measured separately.",
        "",
        "### Peak RSS of an extract process (target: flat, <= 1.25x, < 300 MB)",
        "",
        "`python -m pipeline extract` as a child process, pages of ~43 KB, concurrency "
        f"{volume.concurrency}; peak RSS of the extract process itself (GNU time).",
        "",
        "| pages | peak RSS MB | wall s | pages stored |",
        "|---:|---:|---:|---:|",
        *[f"| {n:,} | {mb:.0f} | {wall:.1f} | {got:,} |" for n, mb, wall, got in rss],
        "",
        f"Ratio {rss[-1][0]:,}/{rss[0][0]:,} pages: {rss[-1][1] / rss[0][1]:.2f}x.",
        "",
        *why_missed(volume),
    ]
    return "\n".join(lines) + "\n"


def why_missed(volume: Volume) -> list[str]:
    """What the numbers above say about the two CPU-bound targets."""
    full, again = volume.full, volume.again
    bare_304, bare_200 = volume.bare_httpx_ms
    body_ms = (full.client_cpu_s - again.client_cpu_s) / full.summary.fetched * 1000
    return [
        "### Where the time goes",
        "",
        f"Both the full run and the refresh are CPU-bound in the extract process (CPU time about "
        f"equal to wall time; the server needs {full.server_cpu_s:.1f} s). Baseline measured in "
        f"the same run: bare httpx, no pipeline code, costs {bare_304:.2f} ms CPU per "
        f"conditional GET answered 304 and {bare_200:.2f} ms per GET with a body.",
        "",
        f"- A bodiless request costs the extract {again.cpu_ms_per_request():.2f} ms "
        f"({bare_304:.2f} ms of it in httpx); the refresh sends as many requests as the full run "
        f"(ID probes included: 5 misses per member, needed to find new commitments), so it "
        f"cannot cost less than that many bodiless requests.",
        f"- A stored body adds {body_ms:.2f} ms of CPU per page: receiving ~123 KB, sha256, "
        "zstd, the fsync the crash-safety rule asks for (kernel time), finding links, SQLite.",
    ]


def _statuses(summary: FetchSummary) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(summary.requests_by_status.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke check")
    args = parser.parse_args(argv)
    quick = args.quick
    latency = bench_latency([1, 4, 16], seconds_each=1.0 if quick else 4.0)
    volume = bench_volume(500 if quick else 5_000, concurrency=6)
    sizes = (200, 2_000) if quick else (2_000, 20_000)
    rss = [(n, *peak_rss_mb(n, concurrency=6)) for n in sizes]
    text = report(latency, volume, rss)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
