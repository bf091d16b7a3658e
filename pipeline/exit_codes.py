"""Exit codes of the command line, in one place (documented in the README, for cron).

The run report records the code a run ends with, so the library names them too.
"""

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_NOT_PUBLISHED = 4
EXIT_LOCKED = 5
EXIT_NOT_COMMITMENT = 6

MEANINGS = {
    EXIT_OK: "all good",
    EXIT_INTERNAL: "internal error (a bug: please report it with the traceback)",
    EXIT_USAGE: "bad usage or configuration",
    EXIT_PARTIAL: "done, but some pages could not be fetched or parsed (good ones published)",
    EXIT_NOT_PUBLISHED: "nothing published (validation failed, publish refused, stage failed)",
    EXIT_LOCKED: "another run holds the lock on the same raw/ folder",
    EXIT_NOT_COMMITMENT: "the input is not a commitment page (parse)",
}
