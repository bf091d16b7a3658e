"""Per-host politeness: a minimum gap between request starts, steered by an AIMD controller.

One ``HostThrottle`` per host; every request (every redirect hop too) waits its turn and gets
a ticket. The controller, like TCP's congestion control and Scrapy's AutoThrottle:

- starts at the configured gap (``--delay``, or robots.txt's larger Crawl-delay), which is also
  the fastest it ever goes;
- cuts the request rate multiplicatively on a 429 or 503 without Retry-After: to 70% of the
  most the server delivered in one second lately (or of the rate allowed, if lower), once per
  congestion episode: answers to requests sent before the last cut, or within a second of it,
  do not cut again, unless slowdowns are crowding the answers (then the cut is to 70% of what
  the server let through, which does not cascade while that holds). A burst into a rate limit
  thus drops to below the limit, while a lone fault early in a run or in a quiet phase of the
  crawl does not pin the rate to that moment's pace;
- honours a Retry-After exactly (capped) for the request it answered (the retry waits that
  long; see ``retry``) without slowing everyone else, unless such answers are frequent (more
  than a quarter of the last 20): then the server is saying "too many" and the rate is cut too;
- recovers additively with successes: by the 30% a cut took after ``RECOVERY_SUCCESSES`` of
  them (the step is a share of the rate at the last cut, so it scales with the site), and
  quickly (x1.1 per success) while below 70% of that rate; it is back to the configured gap
  once that is reached (with no configured gap: at 1.5x the rate of the last cut).

Random 429/503s on a few percent of requests therefore cost little, while a real rate limit
is found and kept just below (see the throttle section of BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable

log = logging.getLogger("pipeline.extract")

# A cut keeps 70% of the rate (CUBIC's beta): three cuts in a row about halve it, and a random
# fault costs little, where halving on every 429 ratchets the rate down.
BACKOFF_FACTOR = 0.7
# Successes that bring the rate back to where it was before a cut. 50 makes a rate limiter
# answer 429 to about one request in 50 at the top of each cycle (< 5%), while random faults
# rarer than one in 50 requests leave the rate near its ceiling.
RECOVERY_SUCCESSES = 50
# Below 70% of the rate of the last cut, grow x1.1 per success (doubles in ~7): after cuts
# in a row (a server that said no for a while) the rate climbs back in seconds, not minutes.
SLOW_START_GROWTH = 1.1
# What the server can deliver: the most successful answers in one second, over this long.
# Long enough to remember a busy phase of the crawl, short enough to follow a server whose
# limit changed.
DELIVERY_WINDOW_S = 10
# Within a run's first second, the successes so far extrapolate to a rate over at least this
# long (a burst of a few answers in microseconds is not a rate).
_MIN_SPAN_S = 0.05
# With no configured gap, the limit is lifted once the allowed rate is this many times the
# rate of the last cut: it is no longer what holds the crawl back.
RELEASE_FACTOR = 1.5
# Answers with a Retry-After cut the rate only when they are over a quarter of the last 20:
# a server rate limit answers most requests over it that way, random faults a few percent.
CROWDED_SHARE = 0.25
CROWDED_WINDOW = 20
# Rate limits count requests per second: a cut shows its effect only once the server's window
# has moved on, so 429s within a second of a cut are part of the episode it answered.
MIN_CUT_INTERVAL_S = 1.0


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
        self._last_cut = -math.inf
        self._reference = 0.0  # the rate at the last cut (what the server coped with)
        self._recent: deque[float] = deque()  # times of the successes of the last second
        self._peaks: Counter[int] = Counter()  # per second: most successes in a second
        self._first_success: float | None = None
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
            self._next_start = max(self._clock(), start) + self.delay
            return self._epoch

    def slow_down(self, status: int, retry_after: float | None, ticket: int) -> None:
        """A 429 or 503 answered the request holding ``ticket``."""
        self._answers.append(True)
        crowded = self._crowded()
        if retry_after is not None and not crowded:
            return  # that request waits its Retry-After; the others go on
        now = self._clock()
        if ticket < self._epoch or (now < self._last_cut + MIN_CUT_INTERVAL_S and not crowded):
            return  # part of the episode the last cut answered
        allowed = self.rate if self.rate is not None else self._base_rate()
        delivered = self._delivered(now, extrapolate=not crowded)
        if crowded and delivered > 0:
            # What the server lets through now (within the configured pace), not what this
            # throttle allows: repeated cuts while the 429s go on do not cascade.
            base = min(self._base_rate(), delivered)
        else:
            base = min(allowed, delivered) if delivered > 0 else allowed
        if math.isinf(base):  # nothing measured yet: from the polite default of one a second
            base = 1.0
        rate = max(1.0 / self.max_delay_s, base * BACKOFF_FACTOR)
        if self.rate is not None and rate >= self.rate:
            return  # already at or below it
        self.rate, self._reference, self._last_cut = rate, base, now
        self._epoch += 1
        self.slowdowns += 1
        log.warning("%s answered %d%s: request rate cut to %.3g/s (one every %.3g s)",
                    self.host, status, " (with Retry-After)" if retry_after is not None else "",
                    self.rate, self.delay)  # fmt: skip

    def success(self, ticket: int) -> None:
        """An answer that was not a slowdown (any status the fetch can use, or a redirect)."""
        self._answers.append(False)
        self._count_success(self._clock())
        if self.rate is None:
            return
        if self.rate < BACKOFF_FACTOR * self._reference:
            self.rate *= SLOW_START_GROWTH
        else:
            self.rate += (1 - BACKOFF_FACTOR) * self._reference / RECOVERY_SUCCESSES
        if self._recovered():
            self.rate = None
            log.info("%s: recovered, back to one request every %.3g s", self.host, self.delay)

    def _recovered(self) -> bool:
        assert self.rate is not None
        if self.base_delay > 0:
            return self.rate >= 1.0 / self.base_delay
        return self.rate > RELEASE_FACTOR * self._reference

    def _crowded(self) -> bool:
        answers = self._answers
        return len(answers) == CROWDED_WINDOW and sum(answers) > CROWDED_SHARE * CROWDED_WINDOW

    def _base_rate(self) -> float:
        return 1.0 / self.base_delay if self.base_delay > 0 else math.inf

    def _count_success(self, now: float) -> None:
        if self._first_success is None:
            self._first_success = now
        recent = self._recent
        recent.append(now)
        while recent[0] <= now - 1.0:
            recent.popleft()
        second = int(now)
        self._peaks[second] = max(self._peaks[second], len(recent))

    def _delivered(self, now: float, *, extrapolate: bool) -> float:
        """The most successes the server gave in one second over the last DELIVERY_WINDOW_S.
        With ``extrapolate``, in a run's first second, the successes so far per second."""
        for old in [s for s in self._peaks if s <= int(now) - DELIVERY_WINDOW_S]:
            del self._peaks[old]
        peak = float(max(self._peaks.values(), default=0))
        if not extrapolate or self._first_success is None:
            return peak
        age = now - self._first_success
        if age >= 1.0:
            return peak
        return max(peak, len(self._recent) / max(age, _MIN_SPAN_S))
