"""Per-host politeness: a minimum gap between request starts, steered by an AIMD controller.

One ``HostThrottle`` per host; every request (every redirect hop too) waits its turn and gets
a ticket. The controller, like TCP's congestion control and Scrapy's AutoThrottle:

- starts at the configured gap (``--delay``, or robots.txt's larger Crawl-delay), which is also
  the fastest it ever goes;
- cuts the request rate multiplicatively (x0.7) on a 429 or 503 without Retry-After, once per
  congestion episode: answers to requests sent before the last cut do not cut again;
- honours a Retry-After exactly (capped) for the request it answered (the retry waits that
  long; see ``retry``) without slowing everyone else, unless such answers are frequent (more
  than a quarter of the last 20): then the server is saying "too many" and the rate is cut too;
- recovers additively with successes: back to the rate before a cut after
  ``RECOVERY_SUCCESSES`` of them, and quickly (x1.1 per success) while far below the rate the
  server delivered recently; it is back to the configured gap once that is reached.

Random 429/503s on a few percent of requests therefore cost little, while a real rate limit
is found and kept just below (see the throttle section of BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger("pipeline.extract")

# A cut keeps 70% of the rate (CUBIC's beta): three cuts in a row about halve it, and a random
# fault costs little, where halving on every 429 ratchets the rate down.
BACKOFF_FACTOR = 0.7
# Successes that bring the rate back to where it was before a cut. 50 makes a rate limiter
# answer 429 to about one request in 50 at the top of each cycle (< 5%), while random faults
# rarer than one in 50 requests leave the rate near its ceiling.
RECOVERY_SUCCESSES = 50
# Below 70% of the rate the server delivered over the last DELIVERY_WINDOW_S, grow x1.1 per
# success (doubles in ~7): after a burst of cuts the rate climbs back in seconds, not minutes.
SLOW_START_GROWTH = 1.1
DELIVERY_WINDOW_S = 10.0
# Answers with a Retry-After cut the rate only when they are over a quarter of the last 20:
# a server rate limit answers most requests over it that way, random faults a few percent.
CROWDED_SHARE = 0.25
CROWDED_WINDOW = 20
# How far back request starts are counted to measure the rate of an unthrottled host.
_RATE_WINDOW_S = 1.0


class HostThrottle:
    def __init__(
        self,
        host: str,
        delay_s: float,
        *,
        max_delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.host = host
        self.base_delay = delay_s  # the fastest pace: --delay or a larger Crawl-delay
        self.max_delay_s = max_delay_s  # the slowest pace a cut can reach
        self.rate: float | None = None  # requests/s allowed; None: the base pace
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        self._lock = asyncio.Lock()
        self._epoch = 0  # bumped by each cut; tickets older than it were sent before it
        self._rate_before_cut = 0.0
        self._starts: deque[float] = deque()
        self._successes: deque[float] = deque()
        self._answers: deque[bool] = deque(maxlen=CROWDED_WINDOW)  # True: asked to slow down
        self.slowdowns = 0  # cuts made

    @property
    def delay(self) -> float:
        """The current gap between request starts."""
        if self.rate is None:
            return self.base_delay
        return min(self.max_delay_s, max(self.base_delay, 1.0 / self.rate))

    def honour_crawl_delay(self, crawl_delay: float | None) -> None:
        """A robots.txt Crawl-delay larger than the configured delay wins."""
        if crawl_delay is not None and crawl_delay > self.base_delay:
            log.info("%s: Crawl-delay %g s from robots.txt replaces %g s",
                     self.host, crawl_delay, self.base_delay)  # fmt: skip
            self.base_delay = crawl_delay

    async def wait_turn(self) -> int:
        """Wait until this host may receive the next request (in order of arrival); returns
        the ticket to hand back with the answer."""
        async with self._lock:
            now = self._clock()
            start = max(now, self._next_start)
            if start > now:
                await self._sleep(start - now)
            started = max(self._clock(), start)
            self._next_start = started + self.delay
            self._starts.append(started)
            while self._starts and self._starts[0] < started - _RATE_WINDOW_S:
                self._starts.popleft()
            return self._epoch

    def slow_down(self, status: int, retry_after: float | None, ticket: int) -> None:
        """A 429 or 503 answered the request holding ``ticket``."""
        self._answers.append(True)
        if retry_after is not None and not self._crowded():
            return  # that request waits its Retry-After; the others go on
        if ticket < self._epoch:
            return  # sent before the last cut: part of the same episode
        before = self._current_rate()
        self._rate_before_cut = before
        self.rate = max(1.0 / self.max_delay_s, before * BACKOFF_FACTOR)
        self._epoch += 1
        self.slowdowns += 1
        log.warning("%s answered %d%s: request rate cut to %.3g/s (one every %.3g s)",
                    self.host, status, " (with Retry-After)" if retry_after is not None else "",
                    self.rate, self.delay)  # fmt: skip

    def success(self, ticket: int) -> None:
        """An answer that was not a slowdown (any status the fetch can use, or a redirect)."""
        now = self._clock()
        self._answers.append(False)
        self._successes.append(now)
        while self._successes[0] < now - DELIVERY_WINDOW_S:
            self._successes.popleft()
        if self.rate is None:
            return
        delivered = self._delivered_rate(now)
        if self.rate < BACKOFF_FACTOR * delivered:
            self.rate *= SLOW_START_GROWTH
        else:
            reference = max(self._rate_before_cut, delivered)
            self.rate += (1 - BACKOFF_FACTOR) * reference / RECOVERY_SUCCESSES
        if self._recovered(delivered):
            self.rate = None
            log.info("%s: recovered, back to one request every %.3g s", self.host, self.delay)

    def _recovered(self, delivered: float) -> bool:
        assert self.rate is not None
        if self.base_delay > 0:
            return self.rate >= 1.0 / self.base_delay
        # No configured gap: the limit is gone once it is twice what the host delivers.
        return delivered > 0 and self.rate > 2 * delivered

    def _crowded(self) -> bool:
        answers = self._answers
        return len(answers) == CROWDED_WINDOW and sum(answers) > CROWDED_SHARE * CROWDED_WINDOW

    def _current_rate(self) -> float:
        """Requests per second now: the allowed rate, or the one measured over the last
        second of request starts when the pace is the (unlimited) base."""
        if self.rate is not None:
            return self.rate
        if self.base_delay > 0:
            return 1.0 / self.base_delay
        starts = self._starts
        if len(starts) < 2:
            return 1.0 / self.max_delay_s
        span = max(starts[-1] - starts[0], 0.01)  # 10 ms: starts in one instant are a burst
        return (len(starts) - 1) / span

    def _delivered_rate(self, now: float) -> float:
        successes = self._successes
        span = min(DELIVERY_WINDOW_S, max(now - successes[0], 1.0))
        return len(successes) / span
