"""Per-host politeness: a minimum gap between request starts, host-wide pauses after 429/503.

One ``HostThrottle`` per host. Every request (every redirect hop too) waits its turn. A 429 or
503 pauses the whole host (for its Retry-After, capped, or else for the new delay) and doubles
the delay between requests, up to a bound; the delay halves back after a run of successes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger("pipeline.extract")

# Ten successes in a row at the slowed pace show the server has recovered; halving then brings
# the pace back to normal in a few steps instead of jumping straight back into a 429.
RECOVERY_SUCCESSES = 10


class HostThrottle:
    def __init__(
        self,
        host: str,
        delay_s: float,
        *,
        slowdown_floor_s: float,
        max_delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.host = host
        self.base_delay = delay_s
        self.delay = delay_s
        self.slowdown_floor_s = slowdown_floor_s
        self.max_delay_s = max_delay_s
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        self._paused_until = 0.0
        self._successes = 0
        self._lock = asyncio.Lock()
        self.pauses = 0
        self.pause_seconds = 0.0

    def honour_crawl_delay(self, crawl_delay: float | None) -> None:
        """A robots.txt Crawl-delay larger than the configured delay wins."""
        if crawl_delay is not None and crawl_delay > self.base_delay:
            log.info("%s: Crawl-delay %g s from robots.txt replaces %g s",
                     self.host, crawl_delay, self.base_delay)  # fmt: skip
            self.base_delay = crawl_delay
            self.delay = max(self.delay, crawl_delay)

    async def wait_turn(self) -> None:
        """Wait until this host may receive the next request (held in order of arrival)."""
        async with self._lock:
            now = self._clock()
            start = max(now, self._next_start, self._paused_until)
            if start > now:
                await self._sleep(start - now)
            self._next_start = max(self._clock(), start) + self.delay

    def slow_down(self, status: int, retry_after: float | None) -> None:
        """After a 429/503: pause the host and double its delay (bounded). Overlapping answers
        from requests already in flight extend the pause but count as one."""
        now = self._clock()
        already_paused = now < self._paused_until
        if not already_paused:
            self.delay = min(max(self.delay * 2, self.slowdown_floor_s), self.max_delay_s)
        self._successes = 0
        pause = retry_after if retry_after is not None else self.delay
        until = now + pause
        if until <= self._paused_until:
            return
        if already_paused:
            self.pause_seconds += until - self._paused_until
        else:
            self.pauses += 1
            self.pause_seconds += pause
        self._paused_until = until
        log.warning(
            "%s answered %d: pausing the host for %.3g s%s; delay between requests now %.3g s",
            self.host, status, pause,
            " (Retry-After)" if retry_after is not None else "", self.delay,
        )  # fmt: skip

    def success(self) -> None:
        if self.delay <= self.base_delay:
            return
        self._successes += 1
        if self._successes >= RECOVERY_SUCCESSES:
            self.delay = max(self.base_delay, self.delay / 2)
            self._successes = 0
            log.info("%s: recovered, delay between requests back to %.3g s", self.host, self.delay)
