"""``main``: parse the options, resolve them (command line > environment > config file >
default), set up logging, run the command, and turn what the library raised into one message
and the exit code ``pipeline.exit_codes`` assigns to it."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pipeline import logs
from pipeline.cli.options import build_config, build_parser
from pipeline.cli.settings import Settings, resolve
from pipeline.errors import PipelineError
from pipeline.exit_codes import EXIT_INTERRUPTED, EXIT_OK, exit_code_of_error

log = logging.getLogger(__name__)


def _command(name: str) -> Callable[[Settings], int]:
    # Imported lazily so that `parse` does not pay for httpx, and `extract` not for pyarrow.
    if name == "parse":
        from pipeline.cli.commands import run_parse

        return run_parse
    if name == "extract":
        from pipeline.cli.commands import run_extract_command

        return lambda settings: run_extract_command(build_config(settings.values))
    if name == "transform":
        from pipeline.cli.commands import run_transform_command

        return lambda settings: run_transform_command(build_config(settings.values))
    if name == "refresh":
        from pipeline.cli.commands import run_refresh_command

        return lambda settings: run_refresh_command(build_config(settings.values))
    if name == "rebuild-state":
        from pipeline.cli.commands import run_rebuild_state

        return run_rebuild_state
    if name in ("diff", "rebuild-history", "prune"):
        from pipeline.cli import history

        return {
            "diff": history.run_diff,
            "rebuild-history": history.run_rebuild_history,
            "prune": history.run_prune,
        }[name]
    if name == "data-dictionary":
        from pipeline.cli.commands import run_data_dictionary

        return run_data_dictionary
    raise AssertionError(f"unhandled command {name}")


def _configure_logging(settings: Settings) -> None:
    file = settings["log_file"]
    logs.configure(
        str(settings["log_level"]),
        str(settings["log_format"]),
        file if isinstance(file, Path) else None,
    )
    for warning in settings.warnings:
        log.warning(warning, extra={"event": "config_warning"})


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run one command; ``environ`` defaults to the process environment."""
    args = vars(build_parser().parse_args(argv))
    command, paths = args.pop("command"), args.pop("paths", None)
    runs = args.pop("runs", None)
    logs.configure()  # until the options are resolved: text on stderr
    try:
        settings = resolve(command, args, os.environ if environ is None else environ)
        if paths is not None:
            settings.values["paths"] = paths
        if runs is not None:
            settings.values["runs"] = tuple(runs)
        _configure_logging(settings)
        return _command(command)(settings)
    except PipelineError as exc:
        logs.error(str(exc), exit_code=exit_code_of_error(exc))
        return exit_code_of_error(exc)
    except BrokenPipeError:
        # stdout closed early (`... | head`): not an error of ours; silence the flush at exit.
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - replaces the closed stream
        return EXIT_OK
    except KeyboardInterrupt:
        logs.error("interrupted; rerun to resume", exit_code=EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED
