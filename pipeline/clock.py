"""Time, run identifiers and resource readings. Every timestamp the pipeline records is
timezone-aware UTC."""

from __future__ import annotations

import resource
import secrets
from datetime import UTC, datetime
from pathlib import Path


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC start time to the second plus 4 random hex digits, so two runs
    started in the same second (a test, a retry) still differ."""
    moment = (now or utc_now()).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def own_peak_rss_kb() -> int:
    """This process's peak resident memory in KiB, counted from its own start (Linux VmHWM),
    else as ru_maxrss reports it."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
