"""The command line's options: the argument parser and the frozen Config built from it."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline import __version__
from pipeline.config import Config, FetchConfig, LoadConfig, TransformConfig
from pipeline.exit_codes import MEANINGS

DESCRIPTION = """Command-line interface: a thin layer that builds the frozen Config from options,
calls the library, and turns the library's exceptions into one-line messages and exit codes."""


def _add_extract_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("extract")
    group.add_argument("--base-url", default=FetchConfig.base_url, help="site to crawl")
    group.add_argument(
        "--start-url",
        action="append",
        default=[],
        dest="start_urls",
        help="start page of the link crawl (repeatable; default: member listing)",
    )
    group.add_argument("--seed-file", type=Path, help="commitment URLs or 'member-slug,ID' lines")
    group.add_argument("--only", dest="only_member", metavar="MEMBER", help="one member slug")
    group.add_argument("--max-pages", type=int, help="stop after N commitment pages")
    group.add_argument("--full", action="store_true", help="revalidate every known page")
    group.add_argument("--language", default="en", choices=["en", "es", "fr"])
    group.add_argument("--concurrency", type=int, default=FetchConfig.concurrency)
    group.add_argument(
        "--delay",
        type=float,
        default=FetchConfig.delay_s,
        dest="delay_s",
        help="minimum seconds between requests to the host",
    )
    group.add_argument(
        "--max-crawl-delay",
        type=float,
        default=FetchConfig.max_crawl_delay_s,
        dest="max_crawl_delay_s",
        metavar="S",
        help="stop if robots.txt asks for a Crawl-delay above S seconds (default 60)",
    )
    group.add_argument(
        "--max-runtime",
        type=_duration,
        dest="max_runtime_s",
        metavar="DURATION",
        help="stop fetching after this long (seconds, or e.g. 90m, 6h); pages not reached "
        "keep their stored copy and are reported",
    )
    group.add_argument("--from", dest="from_header", help="From: header (operator contact)")
    group.add_argument("--no-sitemaps", action="store_true")
    group.add_argument("--no-crawl", action="store_true", help="do not follow links")
    group.add_argument("--no-probe", action="store_true", help="do not probe IDs past the last")
    group.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)


def _add_load_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("load")
    group.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even if more commitments than allowed disappeared",
    )
    group.add_argument(
        "--max-shrink",
        type=float,
        default=LoadConfig.max_shrink_ratio,
        help="largest share of commitments a run may lose (default 0.10)",
    )
    group.add_argument("--allow-empty", action="store_true", help="publish an empty result")


def _add_dirs(parser: argparse.ArgumentParser, *, processed: bool = True) -> None:
    parser.add_argument("--raw-dir", type=Path, default=Path("raw"))
    if processed:
        parser.add_argument("--processed-dir", type=Path, default=Path("processed"))
    parser.add_argument("--workers", type=int, help="transform processes (default: all cores)")
    if not processed:
        return  # extract parses no page
    parser.add_argument(
        "--page-time-limit",
        type=float,
        default=TransformConfig.page_time_limit_s,
        dest="page_time_limit_s",
        metavar="S",
        help="stop parsing a page after S seconds and record it as failed (default 60)",
    )


def _duration(text: str) -> float:
    """Seconds from "3600", "90s", "90m" or "6h"."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], units[text[-1]]) if text[-1:] in units else (text, 1)
    try:
        return float(number) * unit
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration (e.g. 3600, 90m, 6h)"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    codes = "\n".join(f"  {code}  {meaning}" for code, meaning in MEANINGS.items())
    parser = argparse.ArgumentParser(
        epilog=f"exit codes (also in the README, for cron):\n{codes}",
        prog="python -m pipeline",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ogp-pipeline {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    parse = sub.add_parser("parse", help="parse saved pages and print their records")
    parse.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    parse.add_argument("--format", choices=["json", "table"], default="json")
    parse.add_argument("--url", help="URL the page was served at (single file)")

    extract = sub.add_parser("extract", help="discover and fetch commitment pages into raw/")
    _add_extract_options(extract)
    _add_dirs(extract, processed=False)

    transform = sub.add_parser("transform", help="parse raw/ and publish to processed/")
    _add_dirs(transform)
    _add_load_options(transform)

    refresh = sub.add_parser("refresh", help="extract, transform and load")
    _add_extract_options(refresh)
    _add_dirs(refresh)
    _add_load_options(refresh)

    rebuild = sub.add_parser(
        "rebuild-state",
        help="rebuild raw/state.sqlite from the stored bodies (after it was damaged or lost)",
    )
    rebuild.add_argument("--raw-dir", type=Path, default=Path("raw"))
    rebuild.add_argument(
        "--base-url",
        default=FetchConfig.base_url,
        help="site the bodies came from (resolves relative canonical links of old bodies)",
    )

    docs = sub.add_parser("data-dictionary", help="print docs/DATA.md generated from the schema")
    docs.add_argument("--check", type=Path, help="exit 1 when this file differs from it")
    return parser


def build_config(args: argparse.Namespace) -> Config:
    """The frozen Config from parsed options; raises ConfigError (from the Config's own checks)
    for settings no run can work with."""
    fetch = FetchConfig(
        base_url=getattr(args, "base_url", FetchConfig.base_url),
        start_urls=tuple(getattr(args, "start_urls", ())),
        seed_file=getattr(args, "seed_file", None),
        only_member=getattr(args, "only_member", None),
        max_pages=getattr(args, "max_pages", None),
        full=getattr(args, "full", False),
        language=getattr(args, "language", "en"),
        concurrency=getattr(args, "concurrency", FetchConfig.concurrency),
        delay_s=getattr(args, "delay_s", FetchConfig.delay_s),
        max_crawl_delay_s=getattr(args, "max_crawl_delay_s", FetchConfig.max_crawl_delay_s),
        max_runtime_s=getattr(args, "max_runtime_s", None),
        from_header=getattr(args, "from_header", None),
        use_sitemaps=not getattr(args, "no_sitemaps", False),
        crawl_links=not getattr(args, "no_crawl", False),
        probe_ids=not getattr(args, "no_probe", False),
        progress=getattr(args, "progress", None),
    )
    limit = getattr(args, "page_time_limit_s", TransformConfig.page_time_limit_s)
    workers = getattr(args, "workers", None)
    transform = (
        TransformConfig(page_time_limit_s=limit)
        if workers is None
        else TransformConfig(workers=workers, page_time_limit_s=limit)
    )
    load = LoadConfig(
        max_shrink_ratio=getattr(args, "max_shrink", LoadConfig.max_shrink_ratio),
        allow_shrink=getattr(args, "allow_shrink", False),
        allow_empty=getattr(args, "allow_empty", False),
    )
    return Config(
        raw_dir=getattr(args, "raw_dir", Path("raw")),
        processed_dir=getattr(args, "processed_dir", Path("processed")),
        fetch=fetch,
        transform=transform,
        load=load,
    )
