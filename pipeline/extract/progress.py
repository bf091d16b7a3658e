"""Progress while a run goes: a tqdm bar on a terminal, a periodic log line otherwise (cron)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from tqdm import tqdm

from pipeline.extract.summary import Tally

log = logging.getLogger("pipeline.extract")


class Progress:
    def __init__(
        self,
        tally: Tally,
        total: Callable[[], int],
        *,
        bar: bool | None,
        log_every_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tally = tally
        self.total = total
        self.log_every_s = log_every_s
        self._clock = clock
        self._started = clock()
        self._last_log = self._started
        use_bar = sys.stderr.isatty() if bar is None else bar
        self._bar = tqdm(total=0, unit="page", desc="extract", file=sys.stderr) if use_bar else None

    def page_done(self) -> None:
        if self._bar is not None:
            total = self.total()
            if self._bar.total != total:
                self._bar.total = total
            self._bar.update(1)
            return
        now = self._clock()
        if now - self._last_log >= self.log_every_s:
            self._last_log = now
            self.log_line()

    def log_line(self) -> None:
        tally = self.tally
        elapsed = max(self._clock() - self._started, 1e-9)
        log.info(
            "extract: %d/%d pages done (%d new or changed, %d not modified, %d failed), "
            "%d requests, %.1f pages/s",
            tally.commitments_done, self.total(), tally.fetched, tally.not_modified,
            len(tally.failed), sum(tally.requests_by_status.values()),
            tally.commitments_done / elapsed,
        )  # fmt: skip

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
