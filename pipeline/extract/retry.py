"""Which fetch outcomes are retried, how long to wait, and Retry-After parsing.

Retried: 408, 429, 5xx and transport errors (connect error, timeout, the total deadline, reset,
truncated body), with exponential backoff and jitter and a bounded number of attempts
(tenacity); an answer with a Retry-After is retried after exactly that wait (capped). Not retried:
404/410 (the page is gone: an answer, not an error), other 4xx, and refusals (off-site
redirect, redirect loop, oversize body, not HTML, robots.txt).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import datetime
from email.utils import parsedate_to_datetime

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
)

from pipeline.config import FetchConfig
from pipeline.errors import TransientFetchError

GONE_STATUSES = frozenset({404, 410})
# 429 and 503 say "too much, slow down": the whole host is slowed, not only this request.
SLOWDOWN_STATUSES = frozenset({429, 503})


def is_retryable_status(status: int) -> bool:
    return status in (408, 429) or 500 <= status <= 599


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header, in either form ("120" or an HTTP-date);
    None when absent or unreadable. A date in the past means no wait."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is True too, and float() refuses it
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None  # HTTP-dates are GMT; a zone-less date is not one
    return max(0.0, (when - now).total_seconds())


def backoff_s(config: FetchConfig, attempt: int) -> float:
    """Wait after failed attempt number ``attempt``: base, 2x, 4x... plus up to one base of
    jitter (so workers hit by one outage do not come back in step), never over backoff_max_s."""
    exponential = config.backoff_base_s * 2 ** (attempt - 1)
    return float(min(config.backoff_max_s, exponential + random.uniform(0, config.backoff_base_s)))


def wait_s(config: FetchConfig, state: RetryCallState) -> float:
    """The wait before the next attempt: the Retry-After of the last answer when it had one
    (already capped), else ``backoff_s``."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, TransientFetchError) and error.retry_after is not None:
        return error.retry_after
    return backoff_s(config, state.attempt_number)


def retry_policy(
    config: FetchConfig,
    on_retry: Callable[[TransientFetchError, float], None],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> AsyncRetrying:
    """Attempts for one URL: ``max_attempts`` tries with ``wait_s`` between them. The wait is
    an asyncio sleep: a stopping run cancels it at once."""

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, TransientFetchError):
            on_retry(error, state.next_action.sleep if state.next_action else 0.0)

    return AsyncRetrying(
        stop=stop_after_attempt(config.max_attempts),
        wait=lambda state: wait_s(config, state),
        retry=retry_if_exception_type(TransientFetchError),
        before_sleep=before_sleep,
        sleep=sleep,
        reraise=True,
    )
