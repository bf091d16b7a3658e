"""Which rows a run publishes for each page: its new rows when they are good, otherwise the
rows of the previous publish, marked stale. Nothing a previous publish had is lost to a bad
night.

- A page whose new rows break a rule of their own (``validate.page_problems``: a required value
  missing, a value outside its vocabulary, a rank that does not match its value, a key repeated
  within the page, a child row without its commitment) is dropped from this publish.
- A dropped page, and a page that gave no rows at all (it could not be parsed, or killed or
  outlasted its worker), keeps the rows the previous publish had for it, if any.
- Those rows, and the rows parsed from a body kept after a failed fetch, are stale:
  ``commitments.stale_since`` is the start of the first run since which they have been stale
  (kept from the previous publish when it already said so), ``stale_reason`` says why.

Problems that are no single page's (the schema, a key repeated across pages, shrink) are left
to ``validate_tables`` and the shrink guard, which refuse the whole publish.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.load.validate import page_problems
from pipeline.schema import COMMITMENTS, PAGE_TABLES, TIMESTAMP

FETCH_FAILED = "fetch failed: "
NOT_PARSED = "not parsed: "
INVALID = "rows failed validation: "


@dataclass(frozen=True)
class StalePage:
    commitment_id: str
    since: datetime
    reason: str
    carried_over: bool  # rows of the previous publish (else parsed from a kept body)


@dataclass(frozen=True)
class Settled:
    tables: dict[str, pa.Table]
    invalid: dict[str, list[str]]  # commitment -> rules its new rows broke (rows dropped)
    stale: tuple[StalePage, ...]


def settle_pages(
    tables: Mapping[str, pa.Table],
    previous: Mapping[str, pa.Table] | None,
    *,
    not_parsed: Mapping[str, str],
    fetch_failed: Mapping[str, str],
    started: datetime,
) -> Settled:
    """``not_parsed`` and ``fetch_failed`` map commitment IDs to the reason (the page's
    failure this run, the fetch error); ``started`` is this run's start."""
    invalid = page_problems(tables)
    kept = _without(tables, set(invalid))
    present = set(kept[COMMITMENTS.name].column("commitment_id").to_pylist())
    reasons = {cid: FETCH_FAILED + reason for cid, reason in fetch_failed.items()}
    wanted = {cid: NOT_PARSED + reason for cid, reason in not_parsed.items()}
    wanted |= {cid: INVALID + "; ".join(rules) for cid, rules in invalid.items()}
    carried: set[str] = set()
    if previous is not None:
        missing = {cid: reason for cid, reason in wanted.items() if cid not in present}
        kept, carried = _carry_over(kept, previous, missing)
        reasons |= {cid: wanted[cid] for cid in carried}
    kept[COMMITMENTS.name], stale = _mark_stale(
        kept[COMMITMENTS.name], previous, reasons, carried, started
    )
    return Settled(kept, invalid, stale)


def _of_pages(table: pa.Table) -> bool:
    """Whether a table's rows belong to pages (commitments): only those are settled per page."""
    return "commitment_id" in table.schema.names


def _without(tables: Mapping[str, pa.Table], ids: set[str]) -> dict[str, pa.Table]:
    if not ids:
        return dict(tables)
    drop = pa.array(sorted(ids), pa.string())
    return {
        name: table.filter(pc.invert(pc.is_in(table.column("commitment_id"), value_set=drop)))
        if _of_pages(table)
        else table
        for name, table in tables.items()
    }


def _carry_over(
    tables: dict[str, pa.Table], previous: Mapping[str, pa.Table], wanted: Mapping[str, str]
) -> tuple[dict[str, pa.Table], set[str]]:
    """Add the previous publish's rows of the wanted commitments it has."""
    old = previous[COMMITMENTS.name].column("commitment_id")
    have = set(
        pc.filter(old, pc.is_in(old, value_set=pa.array(sorted(wanted), pa.string()))).to_pylist()
    )
    if not have:
        return tables, set()
    ids = pa.array(sorted(have), pa.string())
    combined = dict(tables)
    for spec in PAGE_TABLES:
        rows = previous[spec.name].select(spec.schema.names).cast(spec.schema)
        rows = rows.filter(pc.is_in(rows.column("commitment_id"), value_set=ids))
        combined[spec.name] = pa.concat_tables([tables[spec.name], rows])
    return combined, have


def _mark_stale(
    commitments: pa.Table,
    previous: Mapping[str, pa.Table] | None,
    reasons: Mapping[str, str],
    carried: set[str],
    started: datetime,
) -> tuple[pa.Table, tuple[StalePage, ...]]:
    """Set stale_since and stale_reason on every row: null for fresh rows."""
    before = _stale_since(previous)
    ids = commitments.column("commitment_id").to_pylist()
    since = [before.get(cid) or started if cid in reasons else None for cid in ids]
    why = [reasons.get(cid) for cid in ids]
    table = commitments
    for name, values, type_ in (
        ("stale_since", since, TIMESTAMP),
        ("stale_reason", why, pa.string()),
    ):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(index), pa.array(values, type_))
    stale = tuple(
        StalePage(cid, moment, reasons[cid], cid in carried)
        for cid, moment in sorted(zip(ids, since, strict=True))
        if moment is not None
    )
    return table, stale


def _stale_since(previous: Mapping[str, pa.Table] | None) -> dict[str, datetime]:
    """When each commitment that the previous publish marked stale became stale."""
    if previous is None:
        return {}
    rows = previous[COMMITMENTS.name].select(["commitment_id", "stale_since"])
    rows = rows.filter(pc.is_valid(rows.column("stale_since")))
    return dict(
        zip(
            rows.column("commitment_id").to_pylist(),
            rows.column("stale_since").to_pylist(),
            strict=True,
        )
    )
