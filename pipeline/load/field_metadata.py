"""Reading the documentation a schema field carries in its metadata (see ``pipeline.schema``)."""

from __future__ import annotations

import json

import pyarrow as pa


def description(field: pa.Field) -> str:
    return _metadata(field).get("description", "")


def vocabulary(field: pa.Field) -> tuple[str, ...] | None:
    """The closed vocabulary of a string (or list<string>) column, None when it is open."""
    text = _metadata(field).get("vocabulary")
    return None if text is None else tuple(json.loads(text))


def is_ordered(field: pa.Field) -> bool:
    """True when the vocabulary is a scale, listed from lowest to highest."""
    return _metadata(field).get("ordered") == "true"


def _metadata(field: pa.Field) -> dict[str, str]:
    raw = field.metadata or {}
    return {k.decode(): v.decode() for k, v in raw.items()}


def rank_scale(field: pa.Field) -> tuple[str, ...] | None:
    """For a *_rank column, the scale it ranks in (rank 1 is the first value), else None."""
    text = _metadata(field).get("scale")
    return None if text is None else tuple(json.loads(text))
