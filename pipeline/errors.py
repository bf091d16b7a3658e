"""The pipeline's exception tree. The library raises these; only the CLI turns them into
messages and exit codes (see ``pipeline.cli.EXIT_CODES``)."""

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


class NotACommitmentPage(ParseError):
    """Raised when a page shows no commitment title "Title (ID)" and no commitment field labels:
    it is some other page (a member page, a 404 page, a login wall), not a commitment page."""


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


class StoreCorrupt(ExtractError):
    """Raised when raw/ holds a body whose bytes do not hash to its recorded sha256, or a state
    database that cannot be read."""


class LoadError(PipelineError):
    """Base class of errors raised by the load stage. Nothing is published when one is raised."""


class ValidationFailed(LoadError):
    """Raised when the tables built for a run break a rule (duplicate key, dangling child row,
    missing required field, type mismatch); the previous publish stays in place."""


class PublishRefused(LoadError):
    """Raised when a run's result is empty, or lost more commitments than the configured share
    compared with the previous publish, and the user did not allow it."""


class DiskFull(LoadError):
    """Raised when writing the new run folder fails for lack of space; the partial folder is
    removed and the previous publish stays in place."""


class ProcessedCorrupt(LoadError):
    """Raised when processed/ holds a publish or a runs ledger that cannot be read back as this
    version's schema (edited or damaged by hand, or written by an incompatible version);
    nothing is published until it is repaired or removed."""
