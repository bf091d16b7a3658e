"""`make bench`: run every benchmark and rewrite BENCHMARKS.md from their sections."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from bench.machine import describe

SECTIONS = (
    "bench_transform", "bench_extract", "bench_links", "bench_throttle", "bench_refresh",
    "bench_disk",
)  # fmt: skip
OUT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def main() -> int:
    only = set(sys.argv[1:])
    for name in SECTIONS:
        if not only or name in only:
            print(f"== {name}", flush=True)
            importlib.import_module(f"bench.{name}").main([])
    results = Path(__file__).parent / "results"
    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run_all`); each section names its own "
        "command. Speed is measured here, never asserted in tests.",
        "",
        f"Last full run machine: {describe()}",
        "",
    ]
    parts += [
        (results / f"{name.removeprefix('bench_')}.md").read_text(encoding="utf-8")
        for name in SECTIONS
        if (results / f"{name.removeprefix('bench_')}.md").exists()
    ]
    OUT.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
