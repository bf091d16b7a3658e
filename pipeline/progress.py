"""Progress of the transform and load stages, as extract shows its own: a tqdm bar on a
terminal, and without one (cron) a log line now and then, so that a long stage is seen alive.

The library reports progress through a plain callback, ``(done, total)``; this is what the
orchestrator plugs into it. Log records printed meanwhile go around the bar (pipeline.logs).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from tqdm import tqdm

log = logging.getLogger("pipeline.progress")


class StageProgress:
    def __init__(
        self,
        stage: str,
        unit: str,
        *,
        bar: bool | None,
        log_every_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stage, self.unit = stage, unit
        self.log_every_s = log_every_s
        self._clock = clock
        self._last_log = clock()
        use_bar = sys.stderr.isatty() if bar is None else bar
        self._bar = tqdm(total=0, unit=unit, desc=stage, file=sys.stderr) if use_bar else None

    def update(self, done: int, total: int) -> None:
        """``done`` of ``total`` items finished so far."""
        if self._bar is not None:
            self._bar.total = total
            self._bar.update(done - self._bar.n)
            return
        now = self._clock()
        if now - self._last_log >= self.log_every_s:
            self._last_log = now
            log.info(
                "%s: %d/%d %ss done",
                self.stage,
                done,
                total,
                self.unit,
                extra={"event": "progress", "stage": self.stage, "done": done, "total": total},
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
