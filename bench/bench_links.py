"""Link finding on adversarial page bodies: time per MiB from 1 to 10 MiB (target: flat, i.e.
linear work), against the pattern it replaced (quadratic: 160 KB of ``href=`` took ~31 s).

Run: ``python -m bench.bench_links [--quick]``. Prints a Markdown section and writes it to
``bench/results/links.md``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.machine import describe
from demosite.sample import sample_pages
from pipeline.extract.discovery.links import extract_links

RESULTS = Path(__file__).parent / "results" / "links.md"
MiB = 1 << 20
PAGE_URL = "http://127.0.0.1:8000/our-members/"
# The pattern before issue 8: "[^"]*?members/" scans from every href to the closing quote,
# and the bare alternative to the end of the body when there is none.
_OLD = re.compile(
    rb"""href\s*=\s*(?:"([^"]*?members/[^"]*)"|'([^']*?members/[^']*)'"""
    rb"""|([^"'\s>]*members/[^"'\s>]*))"""
)


def _filled(unit: bytes) -> Callable[[int], bytes]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _real_pages(size: int) -> bytes:
    html = "".join(p.html for p in sample_pages(40, member_count=4, padding_bytes=20_000))
    return _filled(html.encode())(size)


SHAPES: dict[str, Callable[[int], bytes]] = {
    "real pages (repeated)": _real_pages,
    "`href=` repeated": _filled(b"href="),
    '`href="` repeated': _filled(b'href="'),
    "`href='a` repeated": _filled(b"href='a"),
    "`href=members/` repeated": _filled(b"href=members/"),
    '`href="` + 520 x `members/`, no closing quote': _filled(b'href="' + b"members/" * 520),
    "distinct member links (capped at 10,000)": lambda size: b"".join(
        b'<a href="/members/m%d/">x</a>' % i for i in range(size // 25)
    )[:size],
}


def _seconds(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def bench_new(sizes: list[int]) -> list[str]:
    head = " | ".join(f"{size} MiB" for size in sizes)
    rows = [f"| body | {head} |", "|---" + "|---:" * len(sizes) + "|"]
    for name, make in SHAPES.items():
        cells = []
        for size in sizes:
            body = make(size * MiB)
            took = _seconds(lambda body=body: extract_links(body, PAGE_URL), 3)  # type: ignore[misc]
            cells.append(f"{took / size * 1000:.1f}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return rows


def bench_old(sizes_kb: list[int]) -> list[str]:
    rows = ["| `href=` repeated, old pattern | " + " | ".join(f"{kb} KB" for kb in sizes_kb) + " |",
            "|---" + "|---:" * len(sizes_kb) + "|"]  # fmt: skip
    cells = []
    for kb in sizes_kb:
        body = _filled(b"href=")(kb * 1024)
        took = _seconds(lambda body=body: list(_OLD.finditer(body)), 1)  # type: ignore[misc]
        cells.append(f"{took:.2f} s")
    rows.append("| wall time | " + " | ".join(cells) + " |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke check")
    args = parser.parse_args(argv)
    sizes = [1, 2] if args.quick else [1, 2, 5, 10]
    old_sizes = [8, 16] if args.quick else [16, 32, 64]
    new = bench_new(sizes)
    old = bench_old(old_sizes)
    text = "\n".join(
        [
            "## Link finding on adversarial bodies",
            "",
            f"Command: `python -m bench.bench_links`. Machine: {describe()}.",
            "`extract_links` (pipeline/extract/discovery/links.py) on bodies of each size; best"
            " of 3, in **milliseconds per MiB** (flat across sizes = linear).",
            "",
            *new,
            "",
            "The pattern it replaced, on the first body (quadratic: doubling the size about "
            "quadruples the time; 10 MiB would take hours):",
            "",
            *old,
            "",
        ]
    )
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
