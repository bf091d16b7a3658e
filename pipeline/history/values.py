"""Values of commitments columns as the text of a change row, and their comparison."""

from __future__ import annotations

import json
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc


def as_text(value: object) -> str | None:
    """A value as commitment_changes holds it: lists as JSON arrays, booleans true/false,
    dates and times in ISO 8601, numbers in decimal, null as null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def differs(old: pa.ChunkedArray | pa.Array, new: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Row by row (aligned arrays of one type): True where the values differ, null counting as
    a value (null and null are the same, null and a value differ)."""
    if pa.types.is_list(old.type):
        # Arrow compares no lists: compare their JSON text (a few short lists per row).
        old = pa.array([as_text(v) for v in old.to_pylist()], pa.string())
        new = pa.array([as_text(v) for v in new.to_pylist()], pa.string())
    both_null = pc.and_(pc.is_null(old), pc.is_null(new))
    unequal = pc.fill_null(pc.not_equal(old, new), True)
    return pc.and_(unequal, pc.invert(both_null))
