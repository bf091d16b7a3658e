"""How the pipeline writes values JSON has no type for (run reports, ``parse`` output)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path


def json_default(value: object) -> str:
    """For ``json.dumps(default=...)``: dates and times in ISO 8601, paths as text. Anything else
    is a TypeError: a report must not silently hold the repr of an object."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as JSON")
