"""Worker processes that parse pages, and survive the pages that kill or hang them.

Pages go to workers in tasks of a few dozen. A worker that dies (killed, out of memory, a
segfault in a C extension) loses its task: each page of it is tried once more, alone, in a
fresh worker, so that a page that kills its worker again is found and recorded as a failed
page while the others are parsed. A page that takes longer than the time limit has its worker
killed and is recorded as failed at once; the other pages of its task are retried alone.

Workers are started with ``spawn``: the parent may hold threads (progress bar, HTTP client) and
a lexbor parser, and a fresh interpreter per worker is the safe choice (~0.3 s, once).
"""

from __future__ import annotations

import math
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from pipeline.errors import TransformFailed
from pipeline.raw import StoredPage
from pipeline.transform.worker import PAGE_INDEX, PAGE_START, ChunkResult, PageFailure, worker_main

# Pages per task: large enough that hand-off costs little per page, small enough that workers
# finish together (6,500 pages make ~100 tasks) and that a dead worker loses little work.
MAX_CHUNK = 64
# Tasks per worker at least, so that a small run still keeps every worker busy.
_TASKS_PER_WORKER = 4
# How often the pool looks at a worker that has a task but has not reported starting a page.
_RECHECK_S = 1.0
# A stopped worker that does not exit within this long is killed.
_EXIT_WAIT_S = 5.0
# Workers dying this many times in a row, with no task finished in between, are not one bad
# page but a broken parser or machine (a crashing build of a C extension, no memory left):
# the run stops (TransformFailed) instead of retrying every page alone in a fresh process.
MAX_DEATHS_IN_A_ROW = 10

Task = tuple[StoredPage, ...]


@dataclass
class _Busy:
    task: Task
    alone: bool  # a page retried alone after its worker died


class _Worker:
    def __init__(self, context: Any, raw_dir: Path) -> None:
        self.progress = context.RawArray("d", 2)
        self.progress[PAGE_START] = -1.0
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=worker_main, args=(child, raw_dir, self.progress), daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False
        self.busy: _Busy | None = None

    def give(self, busy: _Busy) -> None:
        self.progress[PAGE_START] = -1.0
        self.busy = busy
        self.conn.send(busy.task)

    def page_started(self) -> tuple[int, float] | None:
        """(index in the task, monotonic start) of the page being parsed, or None when no
        page has started or the worker is writing the pair right now."""
        start = self.progress[PAGE_START]
        index = self.progress[PAGE_INDEX]
        again = self.progress[PAGE_START]
        return None if start < 0 or start != again else (int(index), start)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def chunks(pages: Sequence[StoredPage], workers: int) -> list[Task]:
    size = max(1, min(MAX_CHUNK, math.ceil(len(pages) / (workers * _TASKS_PER_WORKER))))
    return [tuple(pages[i : i + size]) for i in range(0, len(pages), size)]


def parse_in_workers(
    raw_dir: Path, pages: Sequence[StoredPage], workers: int, time_limit_s: float
) -> Iterator[ChunkResult]:
    """Parse pages in up to ``workers`` processes; yields each task's result as it arrives,
    and the failures of pages that killed or outlasted their worker. Raises what a worker
    raised outside any one page (raw/ unreadable), and TransformFailed when workers die
    before they can start."""
    if not pages:
        return
    pool = _Pool(raw_dir, workers, time_limit_s, chunks(pages, workers))
    try:
        yield from pool.run()
    finally:
        pool.close()


class _Pool:
    def __init__(self, raw_dir: Path, workers: int, limit_s: float, tasks: list[Task]) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.raw_dir, self.size, self.limit_s = raw_dir, workers, limit_s
        self.tasks: deque[_Busy] = deque(_Busy(task, alone=False) for task in tasks)
        self.workers: list[_Worker] = []
        self.deaths_in_a_row = 0

    def run(self) -> Iterator[ChunkResult]:
        while self.tasks or any(w.busy for w in self.workers):
            self._assign()
            ready = wait(self._waitables(), timeout=self._until_next_deadline())
            for worker in list(self.workers):
                if worker.conn in ready or worker.process.sentinel in ready:
                    yield from self._service(worker)
            yield from self._stop_overdue()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy ones (the run is ending on an
        error or an interrupt) are killed."""
        for worker in self.workers:
            if worker.busy is None and worker.process.is_alive():
                try:
                    worker.conn.send(None)
                except OSError:
                    continue  # it is gone already; stop() below reaps it
        deadline = time.monotonic() + _EXIT_WAIT_S
        for worker in self.workers:
            if worker.busy is None:
                worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.stop()
        self.workers = []

    def _assign(self) -> None:
        wanted = min(self.size, len(self.tasks) + sum(1 for w in self.workers if w.busy))
        while len(self.workers) < wanted:
            self.workers.append(_Worker(self.context, self.raw_dir))
        for worker in self.workers:
            if self.tasks and worker.ready and worker.busy is None:
                worker.give(self.tasks.popleft())

    def _waitables(self) -> list[Connection | int]:
        return [x for w in self.workers for x in (w.conn, w.process.sentinel)]

    def _until_next_deadline(self) -> float | None:
        now, waits = time.monotonic(), []
        for worker in self.workers:
            if worker.busy is not None:
                started = worker.page_started()
                waits.append(_RECHECK_S if started is None else started[1] + self.limit_s - now)
        return max(0.0, min(waits)) if waits else None

    def _service(self, worker: _Worker) -> Iterator[ChunkResult]:
        """Take every message the worker sent; then, if it has died, deal with its task."""
        while worker.conn.poll():
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):
                break  # died: its sentinel says so below
            if kind == "ready":
                worker.ready = True
            elif kind == "done":
                worker.busy = None
                self.deaths_in_a_row = 0
                yield payload
            elif kind == "error":
                raise payload
        worker.process.join(0)
        if worker.process.exitcode is not None:
            yield from self._lost(worker, _how_it_died(worker.process.exitcode))

    def _stop_overdue(self) -> Iterator[ChunkResult]:
        now = time.monotonic()
        for worker in list(self.workers):
            started = worker.page_started() if worker.busy is not None else None
            # A worker with a message waiting may have finished: it is served first.
            if started is not None and now - started[1] > self.limit_s and not worker.conn.poll():
                yield from self._lost(worker, None, culprit=started[0])

    def _lost(
        self, worker: _Worker, how: str | None, culprit: int | None = None
    ) -> Iterator[ChunkResult]:
        """A worker died (``how``) or was stopped for taking too long on page ``culprit``."""
        worker.stop()
        self.workers.remove(worker)
        if not worker.ready:
            raise TransformFailed(f"a transform worker process died before it started ({how})")
        if how is not None:
            self.deaths_in_a_row += 1
            if self.deaths_in_a_row >= MAX_DEATHS_IN_A_ROW:
                raise TransformFailed(
                    f"{self.deaths_in_a_row} transform worker processes died in a row, the last "
                    f"{how}: the parser or the machine is broken, not one page"
                )
        busy = worker.busy
        if busy is None:
            return
        failures, retries = [], []
        for index, page in enumerate(busy.task):
            if index == culprit:
                reason = f"took longer than {self.limit_s:g} s to parse; its process was stopped"
            elif busy.alone and how is not None:
                reason = (
                    f"the process parsing this page died ({how}), again when the page was "
                    "parsed alone in a fresh process"
                )
            else:
                retries.append(_Busy((page,), alone=True))
                continue
            failures.append(PageFailure(page.url, reason, page.commitment_id))
        self.tasks.extendleft(reversed(retries))  # before the untouched tasks: culprits first
        if failures:
            yield ChunkResult({}, failures=failures)


def _how_it_died(exitcode: int) -> str:
    if exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"
