"""Peak memory while fetching stays within the body cap plus a constant, whatever the encoding:
measured on a real extract process (its own peak RSS) fetching a gzip bomb and a stacked one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from demosite.faults import Bomb
from demosite.sample import sample_pages
from tests.loopback import demo_site
from tests.paths import ROOT

pytestmark = pytest.mark.slow
MiB = 1 << 20

# Fetch one ordinary page first (imports, clients and the store are then all in memory), read
# the peak RSS, fetch the hostile pages, read it again.
CHILD = """
import json, sys
from pathlib import Path
from pipeline.clock import own_peak_rss_kb
from pipeline.config import Config, FetchConfig
from pipeline.extract import run_extract

base_url, raw, cap = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
seed = raw.parent / "seed.txt"

def fetch(ids, run_id):
    seed.write_text("".join(f"mongolia,{i}\\n" for i in ids))
    fetch = FetchConfig(base_url=base_url, delay_s=0, concurrency=1, max_body_bytes=cap,
                        seed_file=seed, use_sitemaps=False, crawl_links=False, probe_ids=False,
                        progress=False, max_attempts=1)
    return run_extract(Config(raw_dir=raw, fetch=fetch), run_id)

fetch(["MN0001"], "warm-up")
before = own_peak_rss_kb()
summary = fetch(["MN0002", "MN0003"], "hostile")
print(json.dumps({"before_kb": before, "after_kb": own_peak_rss_kb(),
                  "failed": sorted(f.reason for f in summary.failed)}))
"""


def test_peak_memory_of_a_fetch_stays_within_the_cap_plus_a_constant(tmp_path: Path) -> None:
    cap = 2 * MiB
    with demo_site(sample_pages(3, member_count=1)) as demo:
        # 256 MiB of zeros: ~250 KB gzipped once (decoded, it would pass the cap 128 times
        # over), under 1 KB gzipped twice.
        demo.server.faults.push(demo.path("MN0002"), Bomb(256 * MiB))
        demo.server.faults.push(demo.path("MN0003"), Bomb(256 * MiB, layers=2))
        raw = tmp_path / "raw"
        child = subprocess.run(
            [sys.executable, "-c", CHILD, demo.url, str(raw), str(cap)],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
    assert child.returncode == 0, child.stderr[-2000:]
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    assert measured["failed"] == [
        f"body grew past the {cap}-byte cap",
        "stacked Content-Encoding 'gzip, gzip' refused (we ask for one of gzip or deflate)",
    ]
    growth = (measured["after_kb"] - measured["before_kb"]) * 1024
    # The decoded body (at most the cap, plus one read's overshoot) and zlib's buffers; a
    # client decoding a whole received chunk at once would add ~64 MiB per 64 KiB chunk.
    assert growth < cap + 8 * MiB, f"peak memory grew by {growth / MiB:.1f} MiB"
