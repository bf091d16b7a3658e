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
    GuardRefusal,
    LockHeld,
    ParseError,
    PipelineError,
    RunInterrupted,
    VocabularyError,
)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_NOT_PUBLISHED = 4
EXIT_LOCKED = 5
EXIT_NOT_COMMITMENT = 6
# A guard refused (shrink, empty result, drift canary, Crawl-delay cap): unlike 4, retrying
# tomorrow will not help; a human must look, then rerun with the guard's allow option.
EXIT_GUARD = 7
EXIT_STALE = 8  # `data-dictionary --check`: the file differs from what the schema generates
# The shell's code for a process ended by Ctrl-C (128 + SIGINT): a second signal while a run
# was stopping, or one before any run started. A first signal during a run ends it with 4.
EXIT_INTERRUPTED = 130

MEANINGS = {
    EXIT_OK: "all good",
    EXIT_INTERNAL: "internal error (a bug: please report it with the traceback)",
    EXIT_USAGE: "bad usage or configuration",
    EXIT_PARTIAL: (
        "done, but some pages could not be fetched or parsed, or their rows failed validation, "
        "or --max-runtime ended fetching (the rest published; their earlier rows kept, marked "
        "stale)"
    ),
    EXIT_NOT_PUBLISHED: (
        "failed, nothing published (a table-level validation failure, processed/ full or "
        "read-only, the site down, a stage failed, or SIGINT/SIGTERM interrupted the run): "
        "retry later"
    ),
    EXIT_LOCKED: "another run holds the lock on the same raw/ folder",
    EXIT_NOT_COMMITMENT: "the input is not a commitment page (parse)",
    EXIT_GUARD: "refused by a guard, nothing published (shrink, empty, drift canary, "
    "Crawl-delay cap): a human must decide",
    EXIT_STALE: "data-dictionary --check: the file is stale",
    EXIT_INTERRUPTED: "stopped at once by a second Ctrl-C or SIGTERM (or one before a run began)",
}

# How a run ended -> its exit code. Refresh and transform runs end published, partial, refused,
# failed or interrupted; an extract run ends complete, max_pages, max_runtime or interrupted.
_FINISH_CODES = {
    "published": EXIT_OK,
    "partial": EXIT_PARTIAL,
    "refused": EXIT_GUARD,
    "failed": EXIT_NOT_PUBLISHED,
    # A signal means "stop now": nothing is published, what was fetched stays in raw/.
    "interrupted": EXIT_NOT_PUBLISHED,
    "complete": EXIT_OK,
    "max_pages": EXIT_OK,  # the user asked for a smoke run of N pages and got it
    "max_runtime": EXIT_PARTIAL,  # the window closed: pages not reached are missing tonight
}


def exit_code_of_finish(finish_reason: str) -> int:
    try:
        return _FINISH_CODES[finish_reason]
    except KeyError:
        raise ValueError(f"no exit code for finish reason {finish_reason!r}") from None


def finish_reason_of_error(error: PipelineError) -> str:
    """How a run that raised this error ended: "refused" (a guard refused: publishing, the
    drift canary, a Crawl-delay over the cap), "interrupted" (SIGINT/SIGTERM) or "failed"."""
    if isinstance(error, GuardRefusal):
        return "refused"
    if isinstance(error, RunInterrupted):
        return "interrupted"
    return "failed"


def guard_of_error(error: PipelineError) -> str | None:
    """The guard that refused ("shrink", "empty", "drift", "crawl_delay"), or None."""
    return error.guard if isinstance(error, GuardRefusal) else None


def exit_code_of_error(error: PipelineError) -> int:
    """The exit code of a run or command that raised this error."""
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    if isinstance(error, LockHeld):
        return EXIT_LOCKED
    if isinstance(error, ParseError | VocabularyError):
        return EXIT_NOT_COMMITMENT
    return exit_code_of_finish(finish_reason_of_error(error))
