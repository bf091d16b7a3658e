"""What keeping every page body costs on disk: nightly refreshes of a generated site in which
a share of the pages change each night, then two nights on which the site's theme is
redeployed (every page a new body, no value changed), a quiet night, then ``prune``. The
year's figure at 6,500 pages is extrapolated from the measured size of a page's body.

Run: python -m bench.bench_disk [--pages 650] [--nights 4] [--share 0.05]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from bench.machine import describe
from bench.synthetic_pages import synthetic_pages
from demosite.generations import Generation, NewBuild, show
from demosite.pages import DemoPage
from demosite.server import serve_in_thread
from demosite.site import Site
from pipeline.config import Config, FetchConfig, LoadConfig, TransformConfig
from pipeline.history.bodies import needed_bodies
from pipeline.raw.prune import prune_bodies
from pipeline.refresh import run_pipeline

RESULTS = Path(__file__).parent / "results" / "disk.md"
SITE_PAGES = 6500  # the live site's commitment pages, for the extrapolation
NIGHTS_A_YEAR = 365


def _size(folder: Path, pattern: str = "**/*") -> int:
    return sum(p.stat().st_size for p in folder.glob(pattern) if p.is_file())


def _edited(pages: list[DemoPage], night: int, share: float) -> list[DemoPage]:
    """``share`` of the pages with a new title (a change a reader sees), chosen by the night."""
    step = max(1, round(1 / share))
    return [
        replace(p, html=p.html.replace(p.title, f"{p.title}, revised {night}"))
        if (index + night) % step == 0
        else p
        for index, p in enumerate(pages)
    ]


def _measure(work: Path, label: str) -> dict[str, object]:
    raw, current = work / "raw", work / "processed" / "current"
    history = _size(current, "commitment_history.*") + _size(current, "commitment_changes.*")
    return {
        "night": label,
        "bodies": len(list((raw / "bodies").glob("??/*.zst"))),
        "bodies_mb": _size(raw / "bodies", "??/*.zst") / 1e6,
        "state_mb": _size(raw, "state.sqlite*") / 1e6,
        "history_mb": history / 1e6,
        "processed_mb": _size(work / "processed") / 1e6,
    }


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=650)
    parser.add_argument("--nights", type=int, default=4)
    parser.add_argument("--share", type=float, default=0.05)
    args = parser.parse_args(argv)
    base = list(synthetic_pages(args.pages))
    site = Site(base)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(site) as server:
        work = Path(tmp)
        fetch = FetchConfig(base_url=server.base_url, delay_s=0.0, concurrency=16, progress=False)
        config = Config(
            raw_dir=work / "raw",
            processed_dir=work / "processed",
            fetch=fetch,
            transform=TransformConfig(),
            load=LoadConfig(keep_runs=1),
        )
        pages = base
        for night in range(args.nights + 4):
            if 0 < night <= args.nights:
                pages = _edited(pages, night, args.share)
                label = f"{night + 1}: {args.share:.0%} of pages changed"
            elif args.nights < night <= args.nights + 2:
                pages = Generation(night, (NewBuild(str(night)),)).pages(pages)
                label = f"{night + 1}: theme redeployed (every page a new body)"
            else:
                label = f"{night + 1}: nothing changed" if night else "1: first refresh"
            show(site, pages)
            outcome = run_pipeline(config)
            # A tenth of the site links to members it does not serve: those are failures (3).
            assert outcome.exit_code in (0, 3), outcome.report.render()
            rows.append(_measure(work, label))
        # The first redeploy's bodies made no version, and no kept run folder holds them now.
        report = prune_bodies(work / "raw", needed_bodies(work / "processed"), dry_run=False)
        rows.append(_measure(work, f"after prune ({report.removed} bodies removed)"))
        per_page = _page_body_kb(work / "raw")
    text = _render(args, rows, per_page)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return text


def _page_body_kb(raw: Path) -> float:
    """The average stored size of the commitment pages' current bodies, in KB."""
    with closing(sqlite3.connect(raw / "state.sqlite")) as conn:
        (size,) = conn.execute(
            "SELECT avg(b.stored_size) FROM pages p JOIN bodies b ON b.sha256 = p.sha256"
        ).fetchone()
    return float(size) / 1000


def _render(args: argparse.Namespace, rows: list[dict[str, object]], per_page: float) -> str:
    log_row_kb = 0.3  # a fetch log row: the page's URLs, IDs, sha256 and times
    base_mb = SITE_PAGES * per_page / 1000
    change_mb = (per_page + log_row_kb) / 1000
    year = {rate: NIGHTS_A_YEAR * SITE_PAGES * rate * change_mb for rate in (0.01, 0.05)}
    changed = int(rows[args.nights]["bodies"]) - int(rows[0]["bodies"])  # type: ignore[call-overload]
    grown = float(rows[args.nights]["history_mb"]) - float(rows[0]["history_mb"])  # type: ignore[arg-type]
    version_kb = grown * 1000 / max(1, changed)
    history_year = NIGHTS_A_YEAR * SITE_PAGES * 0.01 * version_kb / 1000
    lines = [
        "## Disk: keeping every page body",
        "",
        f"Command: `python -m bench.bench_disk --pages {args.pages} --nights {args.nights} "
        f"--share {args.share}`  ",
        f"Machine: {describe()}  ",
        f"Site: {args.pages} generated heavy pages (about 124 KB of HTML each) served on "
        "127.0.0.1; each night a refresh (keep_runs 1), then `prune`.",
        "",
        "| night | bodies | bodies MB | state.sqlite MB | history tables MB | processed/ MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {r['night']} | {r['bodies']} | {r['bodies_mb']:.1f} | {r['state_mb']:.2f} "
            f"| {r['history_mb']:.2f} | {r['processed_mb']:.1f} |"
            for r in rows
        ),
        "",
        f"A page's body takes {per_page:.1f} KB on disk (zstd level 3, from about 124 KB of "
        f"HTML). A night on which nothing changes adds nothing; a changed page adds one body, "
        f"a fetch-log row and a history version. At {SITE_PAGES:,} pages the bodies start at "
        f"{base_mb:.0f} MB, and a year of nightly refreshes adds {year[0.01]:.0f} MB if 1% of "
        f"the pages change each night, {year[0.05]:.0f} MB if 5% do (the OGP site changes far "
        "less: most pages change when an IRM report comes out). A theme redeploy stores every "
        f"page once more ({base_mb:.0f} MB); those bodies make no version, and `prune` removes "
        "them once a later redeploy replaced them and no kept run folder needs them (the "
        "bodies each history version was parsed from are always kept). In processed/, each "
        f"version adds {version_kb:.1f} KB to the history tables (Parquet and CSV): "
        f"{history_year:.0f} MB a year at 1% (in each run folder kept).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
