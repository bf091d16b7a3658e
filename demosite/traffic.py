"""Server-wide answers that depend on the stream of requests, not on one path: random 429/503
at a given rate, and a real rate limit. For the throttle's tests and benchmarks.

Faults queued on a path (``faults.FaultQueue``) come first; then the rate limit; then the
random faults. robots.txt is never given a random fault: a crawler rightly treats an
unreachable robots.txt as "disallow all", which would end a benchmark of page fetching.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

from demosite.faults import Status


@dataclass(frozen=True)
class RandomFaults:
    """A share of requests answered 429 (with ``retry_after``, None for none) or 503 (without),
    drawn from a seeded generator."""

    rate_429: float = 0.0
    rate_503: float = 0.0
    retry_after: str | None = "1"
    seed: int = 0


class RateLimit:
    """At most ``per_second`` requests accepted in any one-second window; the others get 429
    (without Retry-After by default, as nginx's limit_req answers). Rejected requests do not
    count against the window."""

    def __init__(
        self,
        per_second: float,
        retry_after: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.retry_after = retry_after
        self._clock = clock
        self._accepted: deque[float] = deque()

    def admit(self) -> bool:
        now = self._clock()
        while self._accepted and self._accepted[0] <= now - 1.0:
            self._accepted.popleft()
        if len(self._accepted) >= self.per_second:
            return False
        self._accepted.append(now)
        return True


class Traffic:
    """Decides, per request, whether the rate limit or a random fault answers it."""

    def __init__(
        self,
        random_faults: RandomFaults | None,
        rate_limit: RateLimit | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.random_faults = random_faults
        self.rate_limit = rate_limit
        self._random = random.Random(random_faults.seed if random_faults else 0)
        self._lock = threading.Lock()
        self._clock = clock
        self._started: float | None = None
        self.limited = 0  # requests the rate limit refused
        self.faulted = 0  # requests given a random fault
        # Per second since the first request: requests let through and refused (benchmarks).
        self.passed_per_s: Counter[int] = Counter()
        self.refused_per_s: Counter[int] = Counter()

    def fault_for(self, path: str) -> Status | None:
        with self._lock:
            now = self._clock()
            self._started = now if self._started is None else self._started
            second = int(now - self._started)
            fault = self._decide(path)
            (self.passed_per_s if fault is None else self.refused_per_s)[second] += 1
            return fault

    def _decide(self, path: str) -> Status | None:
        if self.rate_limit is not None and not self.rate_limit.admit():
            self.limited += 1
            return Status(429, self.rate_limit.retry_after)
        chaos = self.random_faults
        if chaos is None or path == "/robots.txt":
            return None
        draw = self._random.random()
        if draw < chaos.rate_429:
            self.faulted += 1
            return Status(429, chaos.retry_after)
        if draw < chaos.rate_429 + chaos.rate_503:
            self.faulted += 1
            return Status(503)
        return None

    def summary(self) -> dict[str, object]:
        """What the traffic modes did, JSON-able (printed by ``serve`` when it stops)."""
        seconds = max([*self.passed_per_s, *self.refused_per_s], default=-1) + 1
        return {
            "limited": self.limited,
            "faulted": self.faulted,
            "passed_per_s": [self.passed_per_s[s] for s in range(seconds)],
            "refused_per_s": [self.refused_per_s[s] for s in range(seconds)],
        }
