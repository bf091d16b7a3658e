"""The fetch log (raw store schema 3): which body each commitment page had in each run, and
its 404/410 outcomes and failures.

A row is written, in the same transaction as the page's state, whenever what the state says
of a page changes: its state (``ok``, ``gone``, ``failed``), its stored body (sha256), the
Content-Type of that body, or its URLs. A fetch that only confirms what was known (a 304, the
same body again, a page still gone) writes nothing, so the log grows with changes, not with
runs. The page as of run R is its latest row among those of runs up to R (run ids sort by
start time); ``replay`` walks the log that way for ``rebuild-history``.

Each row is a snapshot of the page's state row after the change: a failed page keeps the body
it had (as the state does), so the rows of any run give exactly the pages transform would
have read in that run.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

# Columns of a page's state row copied into its log row.
_SNAPSHOT = (
    "url", "commitment_id", "member_slug", "language", "state", "http_status", "sha256",
    "fetched_url", "fetched_at", "fetch_run_id", "content_type",
)  # fmt: skip
# A change in any of these is a new log row; http_status (200 or 304) and times are not.
_COMPARED = ("url", "state", "sha256", "fetched_url", "content_type")


@dataclass(frozen=True, slots=True)
class LoggedPage:
    """One row of the fetch log: a page's state after a change in run ``run_id``."""

    seq: int
    run_id: str
    at: datetime | None  # when the change was recorded
    url: str
    commitment_id: str
    member_slug: str
    language: str
    state: str  # ok, gone or failed
    http_status: int | None
    sha256: str | None  # the body the page has (kept through failures and 404s)
    fetched_url: str | None
    fetched_at: datetime | None  # of the fetch that first got that body
    fetch_run_id: str | None
    content_type: str | None
    error: str | None

    @property
    def page(self) -> tuple[str, str]:
        """The page this row is about: (language, commitment ID), as the state keys it."""
        return (self.language, self.commitment_id)


def log_change(conn: sqlite3.Connection, url: str, run_id: str, at: datetime) -> None:
    """Append the page's new state to the log if it differs from its last log row. Called
    inside the transaction that changed the page, after the change."""
    names = ", ".join(_SNAPSHOT)
    row = conn.execute(f"SELECT {names}, last_error FROM pages WHERE url = ?", (url,)).fetchone()
    if row is None:
        return
    now = dict(zip((*_SNAPSHOT, "last_error"), row, strict=True))
    last = conn.execute(
        f"SELECT {', '.join(_COMPARED)} FROM fetch_log WHERE language = ? AND commitment_id = ?"
        " ORDER BY seq DESC LIMIT 1",
        (now["language"], now["commitment_id"]),
    ).fetchone()
    if last is not None and tuple(last) == tuple(now[name] for name in _COMPARED):
        return
    conn.execute(
        f"INSERT INTO fetch_log (run_id, at, {names}, error)"
        f" VALUES (?, ?, {', '.join('?' for _ in _SNAPSHOT)}, ?)",
        (run_id, at.isoformat(), *(now[name] for name in _SNAPSHOT), now["last_error"]),
    )


def read_log(conn: sqlite3.Connection) -> list[LoggedPage]:
    """Every row of the log, by run and then in the order written."""
    rows = conn.execute(
        f"SELECT seq, run_id, at, {', '.join(_SNAPSHOT)}, error FROM fetch_log ORDER BY run_id, seq"
    )
    return [_logged(tuple(row)) for row in rows]


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _logged(row: tuple[object, ...]) -> LoggedPage:
    seq, run_id, at, *rest = row
    values = dict(zip((*_SNAPSHOT, "error"), rest, strict=True))
    values["fetched_at"] = _time(values["fetched_at"])
    return LoggedPage(seq=int(str(seq)), run_id=str(run_id), at=_time(at), **values)  # type: ignore[arg-type]


def replay(
    entries: Iterable[LoggedPage], runs: Mapping[str, datetime]
) -> Iterator[tuple[str, dict[tuple[str, str], LoggedPage]]]:
    """For each run of ``runs`` (run id -> start, in the order they ran), the pages as of that
    run: each page's latest log row (by write order) among the rows of that run and the rows
    written before it started (runs hold the raw/ lock, so one ran after the other; a run that
    left no row, such as a transform-only run, sees what the runs before it left). The dict
    yielded is updated in place as the walk goes on: copy it to keep it."""
    order = list(runs)
    starts = [runs[run] for run in order]
    position = {run: index for index, run in enumerate(order)}
    due: dict[int, list[LoggedPage]] = {}
    for entry in entries:
        first = bisect.bisect_right(starts, entry.at) if entry.at is not None else 0
        first = min(first, position.get(entry.run_id, len(order)))
        due.setdefault(first, []).append(entry)
    pages: dict[tuple[str, str], LoggedPage] = {}
    for index, run in enumerate(order):
        for entry in sorted(due.get(index, []), key=lambda e: e.seq):
            known = pages.get(entry.page)
            if known is None or known.seq < entry.seq:
                pages[entry.page] = entry
        yield run, pages
