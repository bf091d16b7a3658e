"""The argument parser, built from the option declarations in ``spec.py``, and the frozen
Config built from the resolved settings (``settings.py``).

Every parser default is suppressed: the namespace holds only what the command line said, so
that the environment and the config file can fill in the rest (and so that an option given
before the subcommand is not overwritten by the subcommand's default)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

from pipeline import __version__
from pipeline.cli.spec import BY_KEY, COMMANDS, LIST, SWITCH, Option, options_for
from pipeline.config import CanaryConfig, Config, FetchConfig, LoadConfig, TransformConfig
from pipeline.exit_codes import MEANINGS

T = TypeVar("T")

DESCRIPTION = """Turns opengovpartnership.org commitment pages into validated, typed tables.

Every option can also come from the environment, as OGP_PIPELINE_<NAME> (--raw-dir ->
OGP_PIPELINE_RAW_DIR; switches take 1/0, true/false, yes/no, on/off), or from a TOML file given
by --config, as <name> = value (raw_dir = "raw"; relative paths are relative to the file).
Precedence: command line > environment > config file > default. Logging options work before
or after the subcommand."""

_HELP = {
    "parse": "parse saved pages and print their records",
    "extract": "discover and fetch commitment pages into raw/",
    "transform": "parse raw/ and publish to processed/",
    "refresh": "extract, transform and load",
    "rebuild-state": "rebuild raw/state.sqlite from the stored bodies (if damaged or lost)",
    "data-dictionary": "print docs/DATA.md generated from the schema",
    "diff": "print the changes between two publishes (default: the last two)",
    "rebuild-history": "recompute commitment_changes and commitment_history from raw/",
    "prune": "remove stored bodies no kept publish or history version needs",
}


def _help_text(option: Option) -> str:
    text = f"{option.help} (default: {option.default_text()}; env {option.env})"
    return text.replace("%", "%%")


def _add_option(parser: argparse.ArgumentParser, option: Option) -> None:
    flags = [f"--{option.name}"]
    common: dict[str, object] = {
        "dest": option.key,
        "default": argparse.SUPPRESS,
        "help": _help_text(option),
    }
    if option.kind == SWITCH:
        parser.add_argument(*flags, action=argparse.BooleanOptionalAction, **common)  # type: ignore[arg-type]
        return
    if option.metavar:
        common["metavar"] = option.metavar
    if option.choices:
        common["choices"] = option.choices
    action = "append" if option.kind == LIST else "store"
    parser.add_argument(*flags, action=action, type=option.convert, **common)  # type: ignore[arg-type]
    if option.key == "log_level":
        for short, level in ((("-v", "--verbose"), "DEBUG"), (("-q", "--quiet"), "WARNING")):
            parser.add_argument(
                *short,
                dest=option.key,
                default=argparse.SUPPRESS,
                action="store_const",
                const=level,
                help=f"same as --log-level {level}",
            )


def _add_options(parser: argparse.ArgumentParser, options: list[Option]) -> None:
    groups: dict[str, argparse._ArgumentGroup] = {}
    for option in options:
        if option.group not in groups:
            groups[option.group] = parser.add_argument_group(option.group)
        _add_option(groups[option.group], option)  # type: ignore[arg-type]


def build_parser() -> argparse.ArgumentParser:
    codes = "\n".join(f"  {code:>3}  {meaning}" for code, meaning in MEANINGS.items())
    parser = argparse.ArgumentParser(
        epilog=f"exit codes (also in the README, for cron):\n{codes}",
        prog="ogp-pipeline",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ogp-pipeline {__version__}")
    _add_options(
        parser, [o for o in options_for("parse") if o.group == "configuration and logging"]
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        child = sub.add_parser(
            command,
            help=_HELP[command],
            description=f"{_HELP[command]}.\n\n{DESCRIPTION}",
            epilog=parser.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if command == "parse":
            child.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
        if command == "diff":
            child.add_argument("runs", nargs="*", metavar="RUN", help="RUN_A [RUN_B]")
        _add_options(child, options_for(command))
    return parser


def _value(values: Mapping[str, object], key: str, kind: type[T]) -> T:
    value = values.get(key, BY_KEY[key].default)
    if not isinstance(value, kind):
        raise TypeError(f"option {key}: {value!r} is not a {kind.__name__}")
    return value


def _optional(values: Mapping[str, object], key: str, kind: type[T]) -> T | None:
    value = values.get(key, BY_KEY[key].default)
    return None if value is None else _value(values, key, kind)


def build_config(values: Mapping[str, object]) -> Config:
    """The frozen Config from resolved option values (absent ones take their defaults); raises
    ConfigError (from the Config's own checks) for settings no run can work with."""
    fetch = FetchConfig(
        base_url=_value(values, "base_url", str),
        start_urls=_value(values, "start_url", tuple),
        seed_file=_optional(values, "seed_file", Path),
        only_member=_optional(values, "only", str),
        max_pages=_optional(values, "max_pages", int),
        full=_value(values, "full", bool),
        language=_value(values, "language", str),
        concurrency=_value(values, "concurrency", int),
        delay_s=_value(values, "delay", float),
        max_crawl_delay_s=_value(values, "max_crawl_delay", float),
        max_runtime_s=_optional(values, "max_runtime", float),
        from_header=_optional(values, "from", str),
        use_sitemaps=_value(values, "sitemaps", bool),
        crawl_links=_value(values, "crawl", bool),
        probe_ids=_value(values, "probe", bool),
        progress=_optional(values, "progress", bool),
        dry_run=_value(values, "dry_run", bool),
    )
    workers = _optional(values, "workers", int)
    limit = _value(values, "page_time_limit", float)
    load = LoadConfig(
        max_shrink_ratio=_value(values, "max_shrink", float),
        allow_shrink=_value(values, "allow_shrink", bool),
        allow_empty=_value(values, "allow_empty", bool),
    )
    canary = CanaryConfig(
        margin=_value(values, "drift_margin", float),
        unknown_share=_value(values, "drift_unknown_share", float),
        accept=_value(values, "accept_drift", bool),
    )
    return Config(
        raw_dir=_value(values, "raw_dir", Path),
        processed_dir=_value(values, "processed_dir", Path),
        fetch=fetch,
        transform=(
            TransformConfig(page_time_limit_s=limit)
            if workers is None
            else TransformConfig(workers=workers, page_time_limit_s=limit)
        ),
        load=load,
        canary=canary,
        reference=_optional(values, "reference", Path),
    )
