"""The pipeline's exception tree, every exception the pipeline defines. The library raises
these; only the CLI turns them into messages and exit codes, through the one mapping in
``pipeline.exit_codes``."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""


class ConfigError(PipelineError):
    """Raised when settings or command-line options are invalid or contradict each other."""


class VocabularyError(PipelineError):
    """Raised when the shipped label/value vocabulary file is malformed, or when code asks the
    vocabulary for a key it does not declare (a programming error, named in the message)."""


class ParseError(PipelineError):
    """Raised when a page cannot be parsed into a commitment record at all."""


class TransformFailed(PipelineError):
    """Raised when the transform stage cannot run at all: its worker processes cannot be
    started, or die before parsing anything. (A page that kills or hangs its worker is a
    failed page, not this.)"""


class NotACommitmentPage(ParseError):
    """Raised when a page shows no commitment title "Title (ID)" and no commitment field labels:
    it is some other page (a member page, a 404 page, a login wall), not a commitment page."""


class PageTooComplex(ParseError):
    """Raised when a page is beyond what the parser reads within bounded time and memory: too
    large, too many elements, nested too deeply, or still parsing at the per-page deadline.
    Transform records it as that page's failure; ``parse`` exits 6 with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ExtractError(PipelineError):
    """Base class of errors raised by the extract stage."""


class LockHeld(ExtractError):
    """Raised when another run already holds the lock on the same raw/ folder."""


class RobotsDisallowed(ExtractError):
    """Raised when robots.txt forbids every URL the run would need (including a robots.txt
    answering 5xx or unreachable, which RFC 9309 says means "disallow all")."""


class FetchFailed(ExtractError):
    """Raised when a single URL could not be fetched after every allowed attempt; the run
    records it and carries on with the other URLs."""


class FetchGaveUp(FetchFailed):
    """Raised by the fetcher when a URL could not be fetched (after every allowed attempt, or
    at once when the answer was refused); carries the attempts made and the last HTTP status
    (None when no answer came) so the raw store and robots.txt handling can use them."""

    def __init__(self, reason: str, attempts: int, status: int | None) -> None:
        super().__init__(reason)
        self.attempts = attempts
        self.status = status


class TransientFetchError(ExtractError):
    """Raised inside the extract stage for one failed attempt worth retrying (408, 429, 5xx,
    timeout, the total deadline, reset, truncated body); after the last attempt the page is
    recorded as failed. ``retry_after`` is the wait the server asked for (Retry-After, capped),
    which the next attempt honours instead of the backoff."""

    def __init__(
        self, reason: str, detail: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(detail)
        self.reason = reason  # short key for retries_by_reason: "429", "timeout", "reset"
        self.status = status
        self.retry_after = retry_after


class RefusedResponse(ExtractError):
    """Raised inside the extract stage when an answer must not be used and retrying cannot
    help (off-site redirect, redirect loop, oversize or non-HTML body, disallowed by
    robots.txt, an unexpected 4xx); the page is recorded as failed with this reason."""

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status


class SitemapError(ExtractError):
    """Raised when a sitemap cannot be used: not XML, not a sitemap, a DTD or entities in it
    (refused, never expanded), or larger than the configured cap once decompressed."""


class GuardRefusal(PipelineError):
    """Base class of refusals by a guard: a check that stops a run on purpose because going on
    would do something a person should decide (``guard`` names which: "shrink", "empty",
    "drift", "crawl_delay"). Cron gets its own exit code for these (retrying tomorrow will not
    help). The run ends "refused";
    nothing is published."""

    guard = "guard"


class CrawlDelayTooLong(GuardRefusal, ExtractError):
    """Raised when robots.txt asks for a Crawl-delay above the configured cap: obeying it would
    stretch a nightly run over days, and ignoring it would be impolite, so a person decides
    (``--max-crawl-delay``)."""

    guard = "crawl_delay"


class RunInterrupted(PipelineError):
    """Raised when SIGINT or SIGTERM stopped a run: what was fetched is kept in raw/, nothing is
    published, and the run is recorded as interrupted."""


class RawStoreError(ExtractError):
    """Base class of problems with the raw/ folder itself (not with one page): the run stops,
    since nothing more can be recorded safely."""


class StoreCorrupt(RawStoreError):
    """Raised when raw/ holds a body whose bytes do not hash to its recorded sha256, or a state
    database that cannot be read."""


class StateDamaged(StoreCorrupt):
    """Raised when raw/state.sqlite cannot be read as a database (damaged on disk); the message
    names the file and the command that rebuilds it from the stored bodies."""


class RawStoreVersion(RawStoreError):
    """Raised when raw/ was written by a version this code cannot read or migrate (newer, or
    older without a migration); raw/ is left exactly as it was."""


class RawStoreFull(RawStoreError):
    """Raised when writing under raw/ fails for lack of space (or quota, or a file size
    limit); what was committed before stays, and a rerun with space resumes."""


class LoadError(PipelineError):
    """Base class of errors raised by the load stage. Nothing is published when one is raised."""


class ValidationFailed(LoadError):
    """Raised when the tables built for a run break a rule (duplicate key, dangling child row,
    missing required field, type mismatch); the previous publish stays in place."""


class PublishRefused(LoadError, GuardRefusal):
    """Raised when a run's result is empty, or lost more commitments than the configured share
    compared with the previous publish, and the user did not allow it."""

    def __init__(self, message: str, guard: str = "shrink") -> None:
        super().__init__(message)
        self.guard = guard  # "empty" or "shrink"


class DriftDetected(GuardRefusal):
    """Raised by the drift canary when this run's parsed pages cover a field less than the same
    pages did in the current publish, by more than the allowed margin, or show new unknown
    headings or labels on many pages: the site's markup probably changed."""

    guard = "drift"


class ProcessedNotWritable(LoadError):
    """Raised when processed/ cannot be written (a read-only file system, no permission, no
    space left); the message names the path. A partial run folder is removed and the previous
    publish stays in place."""


class DiskFull(ProcessedNotWritable):
    """Raised when writing to processed/ fails for lack of space (or a file-size or quota
    limit); the partial run folder is removed and the previous publish stays in place."""


class RunNotRecorded(LoadError):
    """Raised when a run that published nothing could not even be recorded in processed/
    (runs ledger, runs table, last run report), typically on a full or read-only disk. The
    caller reports it besides the error that ended the run."""


class ProcessedCorrupt(LoadError):
    """Raised when processed/ holds a publish or a runs ledger that cannot be read back as this
    version's schema (edited or damaged by hand, or written by an incompatible version);
    nothing is published until it is repaired or removed."""
