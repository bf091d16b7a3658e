"""Extend the history with one publish.

The commitments of a publish are compared with the current version of each commitment in the
history so far (``valid_to`` null), column by column over ``CHANGE_FIELDS``:

- not in the history: ``added``, version 1;
- its current version is a tombstone: ``restored`` (plus a ``changed`` row for each column
  that differs from the version before the removal), a new version;
- a column differs: a ``changed`` row per column, a new version;
- in the history, live, and not in this publish (its page answers 404/410, or it is not
  published any more): ``removed``, and a tombstone version that repeats the last one.

The version replaced gets ``valid_to``; the new one has ``valid_from`` = ``detected_at`` = the
start of this run. Only values count: a page fetched again with the same content, or a new
body or parser version that changes nothing a reader sees, adds nothing, so a publish with no
change leaves both tables as they were (the same rows, and the same bytes once written).

``cause``: ``parser`` when the commitment's row was parsed from the same body (sha256) as the
previous publish's row, by another parser version; ``site`` otherwise (a new body, added,
removed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.history.values import as_text, differs
from pipeline.schema import (
    CHANGE_FIELDS,
    COMMITMENT_CHANGES,
    COMMITMENT_HISTORY,
    COMMITMENTS,
)
from pipeline.tables import build_table

Row = dict[str, object]
_VERSIONED = [f.name for f in COMMITMENT_HISTORY.schema]
_COPIED = [n for n in _VERSIONED if n in COMMITMENTS.schema.names]  # from a commitments row


@dataclass(frozen=True)
class HistoryUpdate:
    changes: pa.Table  # commitment_changes: every change so far
    history: pa.Table  # commitment_history: every version so far
    new_changes: pa.Table  # the rows this publish added to commitment_changes


@dataclass(frozen=True)
class Publish:
    """What identifies a publish in the history."""

    run_id: str
    detected_at: datetime  # the run's start


def empty_history() -> tuple[pa.Table, pa.Table]:
    """commitment_changes and commitment_history before the first publish."""
    return build_table(COMMITMENT_CHANGES, []), build_table(COMMITMENT_HISTORY, [])


def update_history(
    commitments: pa.Table,
    previous_commitments: pa.Table | None,
    changes: pa.Table,
    history: pa.Table,
    publish: Publish,
) -> HistoryUpdate:
    """The history tables after this publish of ``commitments`` (see the module docstring).
    ``previous_commitments`` (content_sha256 and parser_version are read) decides causes."""
    current = history.filter(pc.is_null(history["valid_to"]))
    known = set(current["commitment_id"].to_pylist())
    live_before = set(current.filter(pc.invert(current["removed"]))["commitment_id"].to_pylist())
    now_ids = commitments["commitment_id"].to_pylist()
    causes = _causes(commitments, previous_commitments)
    rows: list[Row] = []
    slugs = dict(zip(now_ids, commitments["member_slug"].to_pylist(), strict=True))
    for cid in sorted(set(now_ids) - known):
        rows.append(_change(publish, cid, slugs[cid], "added", "site"))
    restored = sorted((set(now_ids) & known) - live_before)
    for cid in restored:
        rows.append(_change(publish, cid, slugs[cid], "restored", causes[cid]))
    field_changes = _field_changes(commitments, current, sorted(set(now_ids) & known))
    for cid, field, old, new in field_changes:
        rows.append(_change(publish, cid, slugs[cid], "changed", causes[cid], field, old, new))
    removed = sorted(live_before - set(now_ids))
    removed_slugs = dict(
        zip(current["commitment_id"].to_pylist(), current["member_slug"].to_pylist(), strict=True)
    )
    for cid in removed:
        rows.append(_change(publish, cid, str(removed_slugs[cid]), "removed", "site"))
    if not rows:
        return HistoryUpdate(changes, history, build_table(COMMITMENT_CHANGES, []))
    # In primary-key order, as the published table will hold them.
    rows.sort(key=lambda r: (str(r["commitment_id"]), str(r["change"]), str(r["field"] or "")))
    new_changes = build_table(COMMITMENT_CHANGES, rows)
    versioned = set(now_ids) - known | set(restored) | {cid for cid, *_ in field_changes}
    history = _versions(history, current, commitments, versioned, set(removed), publish)
    return HistoryUpdate(pa.concat_tables([changes, new_changes]), history, new_changes)


def _change(
    publish: Publish,
    cid: str,
    member_slug: str,
    change: str,
    cause: str,
    field: str | None = None,
    old: object = None,
    new: object = None,
) -> Row:
    return {
        "run_id": publish.run_id,
        "detected_at": publish.detected_at,
        "commitment_id": cid,
        "member_slug": member_slug,
        "change": change,
        "field": field,
        "old_value": as_text(old),
        "new_value": as_text(new),
        "cause": cause,
    }


def _causes(commitments: pa.Table, previous: pa.Table | None) -> dict[str, str]:
    """ "parser" for the commitments whose body is the previous publish's and whose parser
    version is not; "site" for the others."""
    names = ["commitment_id", "content_sha256", "parser_version"]
    before = {}
    if previous is not None:
        before = {row["commitment_id"]: row for row in previous.select(names).to_pylist()}
    causes = {}
    for row in commitments.select(names).to_pylist():
        old = before.get(row["commitment_id"])
        same_body = old is not None and old["content_sha256"] == row["content_sha256"]
        new_parser = old is not None and old["parser_version"] != row["parser_version"]
        causes[row["commitment_id"]] = "parser" if same_body and new_parser else "site"
    return causes


def _aligned(table: pa.Table, ids: list[str]) -> pa.Table:
    """The rows of these commitment IDs (each present once), in the order given."""
    position = pc.index_in(pa.array(ids, pa.string()), value_set=table["commitment_id"])
    return table.take(position)


def _field_changes(
    commitments: pa.Table, current: pa.Table, ids: list[str]
) -> list[tuple[str, str, object, object]]:
    """(commitment, field, old value, new value) of every column that differs between the
    current versions and this publish, column by column in Arrow, values read only where
    they differ."""
    if not ids:
        return []
    new = _aligned(commitments.select(["commitment_id", *CHANGE_FIELDS]), ids)
    old = _aligned(current.select(["commitment_id", *CHANGE_FIELDS]), ids)
    found = []
    for field in CHANGE_FIELDS:
        rows = pc.indices_nonzero(differs(old[field], new[field])).to_pylist()
        if rows:
            olds, news = old[field].take(rows).to_pylist(), new[field].take(rows).to_pylist()
            found += [
                (ids[row], field, before, after)
                for row, before, after in zip(rows, olds, news, strict=True)
            ]
    return sorted(found, key=lambda change: (change[0], change[1]))


def _versions(
    history: pa.Table,
    current: pa.Table,
    commitments: pa.Table,
    versioned: set[str],
    removed: set[str],
    publish: Publish,
) -> pa.Table:
    """The history with the replaced versions closed and the new versions (from this
    publish's rows) and tombstones (from the last versions) added."""
    closing = pa.array(sorted(versioned | removed), pa.string())
    ends = pc.and_(pc.is_null(history["valid_to"]), pc.is_in(history["commitment_id"], closing))
    moment = pa.scalar(publish.detected_at, COMMITMENT_HISTORY.schema.field("valid_to").type)
    index = history.schema.get_field_index("valid_to")
    closed = history.set_column(
        index, history.schema.field(index), pc.if_else(ends, moment, history["valid_to"])
    )
    last = dict(
        zip(current["commitment_id"].to_pylist(), current["version"].to_pylist(), strict=True)
    )
    parts = [closed]
    if versioned:
        ids = sorted(versioned)
        rows = _aligned(commitments.select(_COPIED), ids)
        parts.append(_stamped(rows, [last.get(cid, 0) + 1 for cid in ids], publish, False))
    if removed:
        ids = sorted(removed)
        rows = _aligned(current.select(_COPIED), ids)
        parts.append(_stamped(rows, [last[cid] + 1 for cid in ids], publish, True))
    return pa.concat_tables(parts)


def _stamped(rows: pa.Table, versions: list[int], publish: Publish, tombstone: bool) -> pa.Table:
    """History rows: ``rows`` (the commitments columns) with their version columns."""
    count = rows.num_rows
    schema = COMMITMENT_HISTORY.schema
    moment = publish.detected_at
    filled = {
        "version": pa.array(versions, schema.field("version").type),
        "valid_from": pa.array([moment] * count, schema.field("valid_from").type),
        "valid_to": pa.nulls(count, schema.field("valid_to").type),
        "removed": pa.array([tombstone] * count, pa.bool_()),
        "removed_at": pa.array(
            [moment if tombstone else None] * count, schema.field("removed_at").type
        ),
    }
    columns = [filled[name] if name in filled else rows[name] for name in schema.names]
    return pa.Table.from_arrays(columns, schema=schema)
