"""What a transform worker process does: parse the pages it is handed into table rows, and say
which page it is on so that the pool can stop it when a page takes too long.

Runs in a process started by ``pipeline.transform.pool``. A page that fails (a ParseError, a
parser bug, rows that do not fit the schema) is a recorded failure of that page; the rest of the
task is parsed and returned.
"""

from __future__ import annotations

import signal
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.clock import own_peak_rss_kb
from pipeline.errors import ParseError, PipelineError, ValidationFailed
from pipeline.raw import RawStore, StoredPage
from pipeline.records import ParsedPage
from pipeline.schema import TRANSFORM_TABLES, TableSpec
from pipeline.tables import table_from_columns
from pipeline.transform.faults import page_parser
from pipeline.transform.rows import Columns, Provenance, add_page, empty_columns

# (page bytes, the URL it was served at, its HTTP Content-Type when the store has it)
Parse = Callable[[bytes, str, str | None], ParsedPage]
# Where a worker writes which page it is on: [index in the task, time.monotonic() at its start]
# (CLOCK_MONOTONIC is one clock for every process on the machine). Start -1: no page started.
PAGE_INDEX, PAGE_START = 0, 1


@dataclass(frozen=True, slots=True)
class PageFailure:
    url: str
    reason: str
    commitment_id: str | None = None
    # The traceback of a parser bug. Workers do not log (their records would bypass the
    # parent's log format and progress bar): the parent logs it with the failure.
    traceback: str | None = None


@dataclass(frozen=True, slots=True)
class SeenUnknown:
    kind: str
    field: str | None
    text: str
    url: str


# One page of a chunk's tables: its source URL and its number of rows in each table. The child
# tables carry no provenance, so this is how transform tells two pages claiming one commitment
# ID apart (their rows are contiguous, in page order, in every table).
PageRows = tuple[str, dict[str, int]]


@dataclass
class ChunkResult:
    tables: dict[str, pa.Table]  # Arrow, not Python rows: compact to send between processes
    pages: list[PageRows] = field(default_factory=list)  # the pages in the tables, in order
    failures: list[PageFailure] = field(default_factory=list)
    unknowns: list[SeenUnknown] = field(default_factory=list)
    parsed: int = 0
    peak_rss_kb: int = 0  # of the process that parsed the chunk


def worker_main(conn: Connection, raw_dir: Path, progress: Any) -> None:
    """A worker's life: open raw/, then parse each task (a tuple of pages) sent on ``conn``
    until it receives None or the parent goes away. ``progress`` is the shared array the pool
    reads (PAGE_INDEX, PAGE_START)."""
    # Ctrl-C reaches the whole process group: the parent handles it and stops its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parse = page_parser()

    def on_page(index: int) -> None:
        progress[PAGE_START] = -1.0  # the pool ignores a half-written pair
        progress[PAGE_INDEX] = float(index)
        progress[PAGE_START] = time.monotonic()

    try:
        with RawStore(raw_dir) as store:
            conn.send(("ready", None))
            while (task := _next_task(conn)) is not None:
                conn.send(("done", parse_pages(store, task, parse, on_page)))
    except PipelineError as exc:  # raw/ unreadable: the parent raises it as the run's error
        conn.send(("error", exc))
    except Exception:  # a bug outside any one page: the parent raises it with this traceback
        conn.send(("error", RuntimeError(f"transform worker failed:\n{traceback.format_exc()}")))
        raise


def _next_task(conn: Connection) -> tuple[StoredPage, ...] | None:
    try:
        task: tuple[StoredPage, ...] | None = conn.recv()
    except EOFError:  # the parent is gone
        return None
    return task


def parse_pages(
    store: RawStore,
    pages: Sequence[StoredPage],
    parse: Parse,
    on_page: Callable[[int], None] = lambda index: None,
) -> ChunkResult:
    """Parse each page's stored body into rows; ``on_page(i)`` is called before page i."""
    columns = empty_columns()
    result = ChunkResult({})
    spans: list[tuple[StoredPage, dict[str, int]]] = []  # each parsed page's first rows
    for index, page in enumerate(pages):
        on_page(index)
        try:
            body = store.read_body(page.sha256)
            parsed = parse(body, page.fetched_url, page.content_type)
        except ParseError as exc:  # not a commitment page, or beyond the parse limits
            result.failures.append(PageFailure(page.url, str(exc), page.commitment_id))
            continue
        except Exception as exc:  # noqa: BLE001 - recorded with its traceback, see below
            # A parser bug on one page is counted as a failed page (exit code 3) and its
            # traceback goes to the parent's log: it must not sink the other 6,000.
            reason = f"parser error: {exc!r}"
            failure = PageFailure(page.url, reason, page.commitment_id, traceback.format_exc())
            result.failures.append(failure)
            continue
        spans.append((page, {name: len(cols[_first(cols)]) for name, cols in columns.items()}))
        origin = Provenance(page.fetched_url, page.fetched_at, page.sha256, page.fetch_run_id)
        add_page(columns, parsed, origin)
        result.unknowns.extend(
            SeenUnknown(u.kind, u.field, u.text, page.url)
            for u in parsed.unknowns
            if u.kind in ("heading", "text", "repeated_label", "title_fallback")
        )
        result.parsed += 1
    result.tables, result.pages, unfit = _tables(columns, spans)
    result.failures += unfit
    result.parsed -= len(unfit)
    result.peak_rss_kb = own_peak_rss_kb()
    return result


def _first(columns: Columns) -> str:
    return next(iter(columns))


def _tables(
    columns: dict[str, Columns], spans: list[tuple[StoredPage, dict[str, int]]]
) -> tuple[dict[str, pa.Table], list[PageRows], list[PageFailure]]:
    """The task's tables and their pages. A value that does not fit its column's type (a year
    past int16) fails the build of the whole task; the pages are then built one by one, and
    those whose rows do not fit are failed pages instead."""
    ends = [start for _page, start in spans[1:]]
    if spans:
        ends.append({name: len(cols[_first(cols)]) for name, cols in columns.items()})
    pages = [
        (page.fetched_url, {name: end[name] - start[name] for name in start})
        for (page, start), end in zip(spans, ends, strict=True)
    ]
    try:
        tables = {s.name: table_from_columns(s, columns[s.name]) for s in TRANSFORM_TABLES}
        return tables, pages, []
    except ValidationFailed:
        return _tables_page_by_page(columns, spans, ends, pages)


def _tables_page_by_page(
    columns: dict[str, Columns],
    spans: list[tuple[StoredPage, dict[str, int]]],
    ends: list[dict[str, int]],
    pages: list[PageRows],
) -> tuple[dict[str, pa.Table], list[PageRows], list[PageFailure]]:
    parts: list[dict[str, pa.Table]] = []
    kept: list[PageRows] = []
    failures = []
    for (page, start), end, rows in zip(spans, ends, pages, strict=True):
        try:
            parts.append({s.name: _slice_table(s, columns, start, end) for s in TRANSFORM_TABLES})
            kept.append(rows)
        except ValidationFailed as exc:
            reason = f"rows do not fit the schema: {exc}"
            failures.append(PageFailure(page.url, reason, page.commitment_id))
    tables = {
        s.name: pa.concat_tables(
            [table_from_columns(s, empty_columns()[s.name]), *(p[s.name] for p in parts)]
        )
        for s in TRANSFORM_TABLES
    }
    return tables, kept, failures


def _slice_table(
    spec: TableSpec, columns: dict[str, Columns], start: dict[str, int], end: dict[str, int]
) -> pa.Table:
    name = spec.name
    piece = {column: values[start[name] : end[name]] for column, values in columns[name].items()}
    return table_from_columns(spec, piece)
