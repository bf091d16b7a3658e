"""Exit codes of the command line, and the one mapping from a run's outcome or error to its code
(documented in the README, for cron).

The library never picks a number: it ends a run with a finish reason or raises. The CLI returns
``exit_code_of_finish`` / ``exit_code_of_error`` of that, and the run report, the ``runs`` table
and the ledger record what the same functions give, so the code a process exits with is the
code its run records.
"""

from __future__ import annotations

from pipeline.errors import (
    ConfigError,
    LockHeld,
    ParseError,
    PipelineError,
    PublishRefused,
    VocabularyError,
)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_STALE = 1  # `data-dictionary --check`: the file differs (as diff and cmp report it)
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_NOT_PUBLISHED = 4
EXIT_LOCKED = 5
EXIT_NOT_COMMITMENT = 6
EXIT_INTERRUPTED = 130  # the shell's code for a process ended by Ctrl-C (128 + SIGINT)

MEANINGS = {
    EXIT_OK: "all good",
    EXIT_INTERNAL: "internal error (a bug: please report it with the traceback)",
    EXIT_USAGE: "bad usage or configuration",
    EXIT_PARTIAL: (
        "done, but some pages could not be fetched or parsed, or their rows failed validation "
        "(the rest published; their earlier rows kept, marked stale)"
    ),
    EXIT_NOT_PUBLISHED: (
        "nothing published (a table-level validation failure, publish refused, processed/ "
        "full or read-only, a stage failed)"
    ),
    EXIT_LOCKED: "another run holds the lock on the same raw/ folder",
    EXIT_NOT_COMMITMENT: "the input is not a commitment page (parse)",
    EXIT_INTERRUPTED: "interrupted by a second Ctrl-C or SIGTERM before finishing",
}

# How a run ended -> its exit code. Refresh and transform runs end published, partial, refused
# or failed; an extract run ends complete, max_pages or interrupted.
_FINISH_CODES = {
    "published": EXIT_OK,
    "partial": EXIT_PARTIAL,
    "refused": EXIT_NOT_PUBLISHED,
    "failed": EXIT_NOT_PUBLISHED,
    "complete": EXIT_OK,
    "max_pages": EXIT_OK,  # the user asked for a smoke run of N pages and got it
    "interrupted": EXIT_PARTIAL,  # not every page was fetched: cron must not read success
}


def exit_code_of_finish(finish_reason: str) -> int:
    try:
        return _FINISH_CODES[finish_reason]
    except KeyError:
        raise ValueError(f"no exit code for finish reason {finish_reason!r}") from None


def finish_reason_of_error(error: PipelineError) -> str:
    """How a run that raised this error ended: "refused" (publishing was refused) or "failed"."""
    return "refused" if isinstance(error, PublishRefused) else "failed"


def exit_code_of_error(error: PipelineError) -> int:
    """The exit code of a run or command that raised this error."""
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    if isinstance(error, LockHeld):
        return EXIT_LOCKED
    if isinstance(error, ParseError | VocabularyError):
        return EXIT_NOT_COMMITMENT
    return exit_code_of_finish(finish_reason_of_error(error))
