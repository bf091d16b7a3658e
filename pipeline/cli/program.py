"""``main``: parse the options, run the command, and turn what the library raised into a
one-line message and the exit code ``pipeline.exit_codes`` assigns to it."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.cli.options import build_config, build_parser
from pipeline.errors import PipelineError
from pipeline.exit_codes import EXIT_INTERRUPTED, EXIT_OK, exit_code_of_error


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    # Imported lazily so that `parse` does not pay for httpx, and `extract` not for pyarrow.
    if name == "parse":
        from pipeline.cli.commands import run_parse

        return run_parse
    if name == "extract":
        from pipeline.cli.commands import run_extract_command

        return lambda args: run_extract_command(build_config(args))
    if name == "transform":
        from pipeline.cli.commands import run_transform_command

        return lambda args: run_transform_command(build_config(args))
    if name == "refresh":
        from pipeline.cli.commands import run_refresh_command

        return lambda args: run_refresh_command(build_config(args))
    if name == "rebuild-state":
        from pipeline.cli.commands import run_rebuild_state

        return run_rebuild_state
    if name == "data-dictionary":
        from pipeline.cli.commands import run_data_dictionary

        return run_data_dictionary
    raise AssertionError(f"unhandled command {name}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request at INFO: a nightly run would print thousands of lines.
    logging.getLogger("httpx").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return _command(args.command)(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_code_of_error(exc)
    except BrokenPipeError:
        # stdout closed early (`... | head`): not an error of ours; silence the flush at exit.
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - replaces the closed stream
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted; rerun to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
