"""Time and run identifiers. Every timestamp the pipeline records is timezone-aware UTC."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC start time to the second plus 4 random hex digits, so two runs
    started in the same second (a test, a retry) still differ."""
    moment = (now or utc_now()).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"
