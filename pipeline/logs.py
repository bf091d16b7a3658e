"""Logging as operators expect it: text for people or JSON lines for a log system, to stderr
or a file, with the run id, the stage, the URL and an event name on every record.

- The library logs with ``logging.getLogger(__name__)`` as usual. Context that holds for a
  stretch of work (the run id, the stage) is set once with ``log_context`` and added to every
  record logged inside it, in this thread and in the asyncio tasks it starts.
- ``extra={"event": "page_failed", "url": url}`` names what happened and where; a record
  without an event gets ``<module>.<function>`` (stable enough to index and alert on).
- Records written to the terminal go through ``tqdm.write``, which clears the progress bar,
  prints the line, and draws the bar again: a log line never lands in the middle of the bar.

Only the CLI calls ``configure``; the library never touches handlers.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from pipeline.json_values import json_default

_CONTEXT: ContextVar[dict[str, str]] = ContextVar("pipeline_log_context", default={})  # noqa: B039 - never mutated
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_TAG = "_ogp_pipeline_handler"  # marks the handlers ``configure`` installed, to replace them
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@contextmanager
def log_context(**fields: str) -> Iterator[None]:
    """Add these fields (run_id=..., stage=...) to every record logged inside the block."""
    token = _CONTEXT.set({**_CONTEXT.get(), **fields})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def current_context() -> dict[str, str]:
    return dict(_CONTEXT.get())


class ContextFilter(logging.Filter):
    """Puts the context fields and an event name on each record (``extra=`` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _CONTEXT.get().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        if not hasattr(record, "event"):
            record.event = f"{record.module}.{record.funcName}"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event, message, then run_id, stage,
    url and any other field given with ``extra=``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": getattr(record, "event", None),
            "message": record.getMessage(),
        }
        entry.update(
            (name, value)
            for name, value in vars(record).items()
            if name not in _STANDARD and name not in entry
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=_loggable)


def _loggable(value: object) -> str:
    try:
        return json_default(value)
    except TypeError:
        return repr(value)  # a log line must not fail over an odd field


class TextFormatter(logging.Formatter):
    """The classic one-line format, with the URL appended when a record names one."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        url = getattr(record, "url", None)
        return f"{text} [{url}]" if url and str(url) not in text else text


class ProgressSafeHandler(logging.Handler):
    """Writes to the current ``sys.stderr`` through ``tqdm.write`` (see the module doc)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - logging's contract: report, never raise
            self.handleError(record)


@dataclass
class _Sinks:
    fmt: str = "text"
    file: Path | None = None


_SINKS = _Sinks()


def configure(level: str = "INFO", fmt: str = "text", file: Path | None = None) -> None:
    """Send the pipeline's log records at ``level`` and above to stderr (or ``file``),
    formatted as ``fmt`` ("text" or "json"). Replaces what an earlier call installed."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _TAG, False)]:
        root.removeHandler(old)
        old.close()
    handler: logging.Handler
    if file is None:
        handler = ProgressSafeHandler()
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    setattr(handler, _TAG, True)
    root.addHandler(handler)
    root.setLevel(level)
    _SINKS.fmt, _SINKS.file = fmt, file
    # httpx logs every request at INFO: a nightly run would print thousands of lines.
    logging.getLogger("httpx").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)


def _to_stderr(message: str, text: str, event: str, level: int, fields: dict[str, object]) -> None:
    if _SINKS.fmt == "json":
        record = logging.LogRecord("pipeline", level, __file__, 0, message, None, None)
        record.__dict__.update({"event": event, **fields})
        ContextFilter().filter(record)
        text = JsonFormatter().format(record)
    tqdm.write(text, file=sys.stderr)
    if _SINKS.file is not None:
        logging.getLogger("pipeline").log(level, message, extra={"event": event, **fields})


def summary(text: str, **fields: object) -> None:
    """The end-of-run summary: on stderr whatever the level (as one JSON record in json
    format), and also in the log file when there is one."""
    _to_stderr(text, text, "run_summary", logging.INFO, fields)


def error(message: str, **fields: object) -> None:
    """The one line that says why a command failed: ``error: ...`` on stderr (a JSON record in
    json format), and also in the log file when there is one."""
    _to_stderr(message, f"error: {message}", "error", logging.ERROR, fields)
