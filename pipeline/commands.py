"""The CLI's commands: each calls the library and formats its result for a terminal."""

from __future__ import annotations

import argparse
import sys

from pipeline.clock import new_run_id
from pipeline.config import Config

EXIT_OK = 0
EXIT_PARTIAL = 3


def run_extract_command(config: Config) -> int:
    from pipeline.extract import run_extract

    summary = run_extract(config, new_run_id())
    print(summary.render(), file=sys.stderr)
    # An interrupted run did not get every page either: cron must not read it as success.
    incomplete = summary.failed or summary.finish_reason == "interrupted"
    return EXIT_PARTIAL if incomplete else EXIT_OK


def run_parse(args: argparse.Namespace) -> int:
    raise NotImplementedError


def run_transform_command(config: Config) -> int:
    raise NotImplementedError


def run_refresh_command(config: Config) -> int:
    raise NotImplementedError


def run_data_dictionary(args: argparse.Namespace) -> int:
    raise NotImplementedError
