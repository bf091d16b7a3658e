"""Every command-line option, declared once: its name, the subcommands it means something to,
its kind, default and help. The argument parser, the environment variables
(``OGP_PIPELINE_<NAME>``), the TOML config file keys and the ``--help`` text all come from here,
so an option cannot exist in one of them and be missing from another.

An option is offered only by the subcommands it changes something for (``extract`` has no
``--workers``: extract does not parse).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import (
    CanaryConfig,
    FetchConfig,
    LoadConfig,
    TransformConfig,
    default_workers,
)

ENV_PREFIX = "OGP_PIPELINE_"
# Variables with the prefix that are not options: the test-only fault switch of the transform
# workers (pipeline/transform/faults.py), read by the workers themselves.
NOT_OPTIONS = frozenset({"OGP_PIPELINE_TEST_FAULTS"})

COMMANDS = (
    "parse", "extract", "transform", "refresh", "rebuild-state", "data-dictionary", "diff",
    "rebuild-history", "prune",
)  # fmt: skip
EVERY = frozenset(COMMANDS)
FETCHING = frozenset({"extract", "refresh"})
READING_RAW = frozenset({"extract", "transform", "refresh"})
REBUILDING = frozenset({"rebuild-state"})
PUBLISHING = frozenset({"transform", "refresh"})
# Commands that read what processed/ holds, or raw/ and processed/ together.
HISTORY = frozenset({"diff", "rebuild-history", "prune"})
REPLAYING = frozenset({"rebuild-history", "prune"})

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
VALUE, LIST, SWITCH = "value", "list", "switch"


@dataclass(frozen=True)
class Option:
    name: str  # the long option without "--": "base-url"
    help: str
    commands: frozenset[str]
    default: object = None
    kind: str = VALUE  # VALUE: --name X; LIST: repeatable --name X; SWITCH: --name/--no-name
    convert: Callable[[str], object] = str
    choices: tuple[str, ...] | None = None
    group: str = "general"
    shown_default: str | None = None  # for --help, when the value itself says little
    metavar: str | None = None

    @property
    def key(self) -> str:
        """The config-file key and the attribute name: "base_url"."""
        return self.name.replace("-", "_")

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.key.upper()

    def default_text(self) -> str:
        if self.shown_default is not None:
            return self.shown_default
        if self.kind == SWITCH:
            return "on" if self.default else "off"
        return "none" if self.default is None else str(self.default)


def _level(text: str) -> str:
    return text.upper()


def duration(text: str) -> float:
    """Seconds from "3600", "90s", "90m" or "6h"; raises ValueError otherwise."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], units[text[-1]]) if text[-1:] in units else (text, 1)
    return float(number) * unit


OPTIONS: tuple[Option, ...] = (
    # -- every subcommand ----------------------------------------------------------------------
    Option("config", "TOML file of option values: keys are the long option names with _ for -",
           EVERY, convert=Path, group="configuration and logging", metavar="FILE"),
    Option("log-level", "least severe log records shown (-v = DEBUG, -q = WARNING)", EVERY,
           "INFO", convert=_level, choices=LOG_LEVELS, group="configuration and logging"),
    Option("log-format", "text for people, json (one object per line) for a log system", EVERY,
           "text", choices=("text", "json"), group="configuration and logging"),
    Option("log-file", "append log records to this file instead of stderr", EVERY,
           convert=Path, group="configuration and logging", shown_default="stderr",
           metavar="FILE"),
    # -- fetching ------------------------------------------------------------------------------
    Option("base-url", "site to crawl (rebuild-state: the site the bodies came from)",
           FETCHING | REBUILDING, FetchConfig.base_url, group="extract", metavar="URL"),
    Option("start-url", "start page of the link crawl (repeatable)", FETCHING, (), kind=LIST,
           group="extract", shown_default="the member listing", metavar="URL"),
    Option("seed-file", "commitment URLs or 'member-slug,ID' lines", FETCHING, convert=Path,
           group="extract", metavar="FILE"),
    Option("only", "restrict everything to one member slug", FETCHING, group="extract",
           shown_default="all members", metavar="MEMBER"),
    Option("max-pages", "stop after N commitment pages", FETCHING, convert=int, group="extract",
           shown_default="all", metavar="N"),
    Option("full", "revalidate every known page, even where sitemap lastmod says unchanged",
           FETCHING, False, kind=SWITCH, group="extract"),
    Option("language", "interface language of the pages fetched", FETCHING, "en",
           choices=("en", "es", "fr"), group="extract"),
    Option("concurrency", "connections to the site", FETCHING, FetchConfig.concurrency,
           convert=int, group="extract", metavar="N"),
    Option("delay", "minimum seconds between requests (a larger robots.txt Crawl-delay wins)",
           FETCHING, FetchConfig.delay_s, convert=float, group="extract", metavar="SECONDS"),
    Option("max-crawl-delay", "stop (exit 7) if robots.txt asks for a Crawl-delay above this "
           "many seconds", FETCHING, FetchConfig.max_crawl_delay_s, convert=float,
           group="extract", metavar="SECONDS"),
    Option("max-runtime", "stop fetching after this long (seconds, or 90m, 6h): pages not "
           "reached keep their stored copy and are reported", FETCHING, convert=duration,
           group="extract", shown_default="no limit", metavar="DURATION"),
    Option("from", "From: header, so the site's operators can reach you", FETCHING,
           group="extract", metavar="EMAIL"),
    Option("sitemaps", "discover pages from sitemaps", FETCHING, True, kind=SWITCH,
           group="extract"),
    Option("crawl", "discover pages by following links", FETCHING, True, kind=SWITCH,
           group="extract"),
    Option("probe", "probe IDs past the highest known one", FETCHING, True, kind=SWITCH,
           group="extract"),
    Option("dry-run", "extract, refresh: discover and report what a run would fetch (new "
           "pages, changed, skipped, gone); request no commitment page, write nothing, publish "
           "nothing. prune: say what would be removed, remove nothing",
           FETCHING | {"prune"}, False, kind=SWITCH, group="extract"),
    Option("progress", "progress bar (--progress) or periodic log lines (--no-progress)",
           READING_RAW, None, kind=SWITCH, group="progress",
           shown_default="a bar on a terminal, log lines otherwise"),
    # -- folders and parsing -------------------------------------------------------------------
    Option("raw-dir", "cache and record of fetched pages", READING_RAW | REBUILDING | REPLAYING,
           Path("raw"), convert=Path, group="folders", metavar="DIR"),
    Option("processed-dir", "published tables", PUBLISHING | HISTORY, Path("processed"),
           convert=Path, group="folders", metavar="DIR"),
    Option("workers", "transform processes", PUBLISHING | {"rebuild-history"}, convert=int,
           group="transform", shown_default=f"all cores ({default_workers()} here)",
           metavar="N"),
    Option("page-time-limit", "stop parsing a page after this many seconds and record it as "
           "failed", PUBLISHING | {"rebuild-history"}, TransformConfig.page_time_limit_s,
           convert=float, group="transform", metavar="SECONDS"),
    # -- guards before publishing --------------------------------------------------------------
    Option("max-shrink", "largest share of commitments a run may lose", PUBLISHING,
           LoadConfig.max_shrink_ratio, convert=float, group="guards", metavar="SHARE"),
    Option("allow-shrink", "publish even if more commitments than allowed disappeared",
           PUBLISHING, False, kind=SWITCH, group="guards"),
    Option("allow-empty", "publish a result with no commitments", PUBLISHING, False,
           kind=SWITCH, group="guards"),
    Option("drift-margin", "largest drop of a field's coverage (a share: 0.05 = 5 points) "
           "among re-parsed pages before the drift canary refuses", PUBLISHING,
           CanaryConfig.margin, convert=float, group="guards", metavar="SHARE"),
    Option("drift-unknown-share", "share of re-parsed pages on which a new unknown heading or "
           "label makes the drift canary refuse", PUBLISHING, CanaryConfig.unknown_share,
           convert=float, group="guards", metavar="SHARE"),
    Option("accept-drift", "publish even if the drift canary sees the markup drift",
           PUBLISHING, False, kind=SWITCH, group="guards"),
    # -- reporting -----------------------------------------------------------------------------
    Option("reference", "CSV export of OGP's commitments spreadsheet to reconcile with",
           PUBLISHING, convert=Path, group="report", metavar="FILE"),
    # -- single-purpose subcommands ------------------------------------------------------------
    Option("format", "output format: json, or table (parse) / text (diff)",
           frozenset({"parse", "diff"}), choices=("json", "table", "text"),
           shown_default="json for parse, text for diff"),
    Option("output", "write the rebuilt tables (Parquet and CSV) to this folder instead of "
           "publishing them", frozenset({"rebuild-history"}), convert=Path, metavar="DIR",
           shown_default="publish them"),
    Option("url", "URL the page was served at (one file)", frozenset({"parse"}), metavar="URL"),
    Option("check", "exit 8 when this file differs from the generated dictionary",
           frozenset({"data-dictionary"}), convert=Path, metavar="FILE"),
)  # fmt: skip

BY_KEY = {option.key: option for option in OPTIONS}


def options_for(command: str) -> list[Option]:
    return [option for option in OPTIONS if command in option.commands]
