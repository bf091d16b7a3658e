"""`make fuzz`: parse thousands of generated layouts and write FIDELITY.md.

Run: python -m fuzz.run [--start 300] [--count 20000] [--workers N] [--out FIDELITY.md]

Seeds below 300 are the fixed range ``make test`` runs; the default range starts after it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.machine import describe
from fuzz.check import explain, run_seed
from fuzz.layout import DIMENSIONS
from fuzz.truth import MISSING, RIGHT, WRONG

OUT = Path(__file__).resolve().parent.parent / "FIDELITY.md"
TEST_SEEDS = range(0, 300)  # what make test runs (tests/test_fuzz_layouts.py)
TARGETS = {"right": 0.995, "pages": 0.97, "wrong": 0.001, "dim_right": 0.98, "dim_wrong": 0.005}
_EXAMPLES = 3  # failing seeds shrunk and shown in the file


@dataclass(frozen=True)
class Summary:
    """What one seed contributes to the totals (small: sent back from worker processes)."""

    seed: int
    layout: tuple[tuple[str, str], ...]
    verdicts: tuple[tuple[str, str], ...]
    refused: str | None


def summarise(seed: int) -> Summary:
    result = run_seed(seed)
    verdicts = tuple((o.field, o.verdict) for o in result.outcomes)
    return Summary(seed, tuple(result.page.layout.items()), verdicts, result.refused)


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, verdict: str) -> None:
        self.counts[verdict] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, verdict: str) -> float:
        return self.counts[verdict] / self.total if self.total else 0.0


@dataclass
class Totals:
    pages: int = 0
    pages_right: int = 0
    refused: int = 0
    overall: Tally = field(default_factory=Tally)
    by_field: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_value: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    failing: list[int] = field(default_factory=list)

    def add(self, summary: Summary) -> None:
        self.pages += 1
        self.refused += summary.refused is not None
        all_right = True
        for name, verdict in summary.verdicts:
            self.overall.add(verdict)
            self.by_field[name].add(verdict)
            for dim in summary.layout:
                self.by_value[dim].add(verdict)
            all_right &= verdict == RIGHT
        self.pages_right += all_right
        if not all_right:
            self.failing.append(summary.seed)


def collect(seeds: range, workers: int) -> Totals:
    totals = Totals()
    if workers <= 1:
        for seed in seeds:
            totals.add(summarise(seed))
        return totals
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        for summary in pool.imap_unordered(summarise, seeds, chunksize=50):
            totals.add(summary)
    totals.failing.sort()
    return totals


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def render(totals: Totals, seeds: range, command: str, seconds: float) -> str:
    overall = totals.overall
    worst_right = min(totals.by_value.items(), key=lambda kv: kv[1].share(RIGHT))
    worst_wrong = max(totals.by_value.items(), key=lambda kv: kv[1].share(WRONG))
    worst_field = min(totals.by_field.items(), key=lambda kv: kv[1].share(RIGHT))
    page_share = totals.pages_right / totals.pages if totals.pages else 0.0
    lines = [
        "# Parser fidelity on generated layouts",
        "",
        "Written by `make fuzz`. Each seed renders one fixture spec (`demosite/content/`) into a",
        "random page structure drawn along the dimensions of `fuzz/layout.py` and compares the",
        "parse with the spec's hand-written expected record (`tests/fixtures/expected/`).",
        "*Silently wrong* is a value that differs from the truth; an honest missing reason",
        "(`absent`, `empty`, `unrecognized`, a null or empty list, a refused page) is not.",
        "",
        f"Command: `{command}`  ",
        f"Machine: {describe()}  ",
        f"Seeds: {seeds.start}-{seeds.stop - 1} ({totals.pages} pages, "
        f"{overall.total} fields, {seconds:.0f} s)",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| fields exactly right | {_pct(overall.share(RIGHT))} | >= 99.5% |",
        f"| pages with every field right | {_pct(page_share)} | >= 97% |",
        f"| fields silently wrong | {_pct(overall.share(WRONG))} | <= 0.1% |",
        f"| fields honestly missing | {_pct(overall.share(MISSING))} | |",
        f"| pages refused by the parser | {totals.refused} | |",
        f"| worst field (right) | {worst_field[0]}: {_pct(worst_field[1].share(RIGHT))} | |",
        f"| worst dimension value (right) | {'='.join(worst_right[0])}: "
        f"{_pct(worst_right[1].share(RIGHT))} | >= 98% |",
        f"| worst dimension value (silently wrong) | {'='.join(worst_wrong[0])}: "
        f"{_pct(worst_wrong[1].share(WRONG))} | <= 0.5% |",
        "",
        "## Per field",
        "",
        "| field | right | missing | silently wrong |",
        "| --- | --- | --- | --- |",
    ]
    for name, tally in sorted(totals.by_field.items(), key=lambda kv: kv[1].share(RIGHT)):
        lines.append(
            f"| {name} | {_pct(tally.share(RIGHT))} | {_pct(tally.share(MISSING))} | "
            f"{_pct(tally.share(WRONG))} |"
        )
    lines += [
        "",
        "## Per dimension value",
        "",
        "| dimension | value | fields | right | silently wrong |",
        "| --- | --- | --- | --- | --- |",
    ]
    for dim, values in DIMENSIONS.items():
        for value in values:
            tally = totals.by_value[(dim, value)]
            lines.append(
                f"| {dim} | {value} | {tally.total} | {_pct(tally.share(RIGHT))} | "
                f"{_pct(tally.share(WRONG))} |"
            )
    return "\n".join(lines) + "\n"


def examples(seeds: list[int]) -> str:
    if not seeds:
        return ""
    parts = ["", "## First failing seeds, shrunk", ""]
    for seed in seeds[:_EXAMPLES]:
        parts += ["```", explain(run_seed(seed))[:6000], "```", ""]
    more = len(seeds) - _EXAMPLES
    if more > 0:
        parts.append(f"{more} more failing seeds: {', '.join(map(str, seeds[_EXAMPLES:60]))} ...")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", type=int, default=TEST_SEEDS.stop)
    parser.add_argument("--count", type=int, default=20_000)  # ~40 s on two cores
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    seeds = range(args.start, args.start + args.count)
    command = f"python -m fuzz.run --start {args.start} --count {args.count}"
    began = time.perf_counter()
    totals = collect(seeds, args.workers)
    text = render(totals, seeds, command, time.perf_counter() - began)
    text += examples(totals.failing)
    args.out.write_text(text, encoding="utf-8")
    print(text[: text.find("## Per field")])
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
