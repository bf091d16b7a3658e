"""ParsedPage records to column-oriented rows of the output tables (made into tables of the
declared schemas by ``pipeline.tables.table_from_columns``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from pipeline import PARSER_VERSION
from pipeline.entities.institutions import institution_rows
from pipeline.entities.keys import action_plan_id
from pipeline.records import ParsedPage
from pipeline.schema import (
    COMMITMENT_INSTITUTIONS,
    COMMITMENTS,
    IRM_REPORTS,
    OGP_VALUES,
    PAGE_FIELDS,
    PAGE_MEMBER_LISTS,
    POLICY_AREAS,
    TRANSFORM_TABLES,
    rank_columns,
)
from pipeline.vocab import default_vocabulary

Columns = dict[str, list[object]]


@dataclass(frozen=True, slots=True)
class Provenance:
    source_url: str
    fetched_at: datetime
    content_sha256: str
    run_id: str
    parser_version: str = PARSER_VERSION


def empty_columns() -> dict[str, Columns]:
    return {spec.name: {name: [] for name in spec.schema.names} for spec in TRANSFORM_TABLES}


def _append(columns: Columns, row: dict[str, object]) -> None:
    for name, values in columns.items():
        values.append(row[name])


_NAMES: dict[type, tuple[str, ...]] = {}  # field names per record type, looked up once


def _fields(record: Any) -> dict[str, object]:
    """A flat record's fields by name (dataclasses.asdict deep-copies; these need no copy)."""
    names = _NAMES.get(type(record))
    if names is None:
        names = _NAMES[type(record)] = tuple(f.name for f in fields(record))
    return {name: getattr(record, name) for name in names}


# {rank column: (scale column, {value: rank})}, from the scales in vocabulary.toml.
_RANKS = {
    rank: (name, {value: place for place, value in enumerate(scale, start=1)})
    for rank, (name, scale) in rank_columns(COMMITMENTS).items()
}
# Set by the load stage, which alone knows what the previous publish held.
_FRESH = {"stale_since": None, "stale_reason": None}


def _ranks(commitment: dict[str, object]) -> dict[str, object]:
    ranks: dict[str, object] = {}
    for rank, (name, places) in _RANKS.items():
        value = commitment[name]
        ranks[rank] = places.get(value) if isinstance(value, str) else None
    return ranks


def add_page(out: dict[str, Columns], page: ParsedPage, origin: Provenance) -> None:
    """Append every row one page yields to the column lists of each table."""
    prov = _fields(origin)
    record = page.commitment
    commitment = _fields(record)
    cid = record.commitment_id
    derived = {
        "member_name_shown": record.member_name is not None,
        "action_plan_id": action_plan_id(
            record.member_slug,
            record.action_plan,
            record.action_plan_start_year,
            record.action_plan_end_year,
        ),
    }
    _append(
        out[COMMITMENTS.name], {**commitment, **derived, **_ranks(commitment), **_FRESH, **prov}
    )
    vocab = default_vocabulary()
    for position, area in enumerate(record.policy_areas):
        _append(
            out[POLICY_AREAS.name],
            {
                "commitment_id": cid,
                "position": position,
                "policy_area": area,
                "known": vocab.is_known_policy_area(area),
            },
        )
    for position, value in enumerate(record.ogp_values):
        _append(
            out[OGP_VALUES.name], {"commitment_id": cid, "position": position, "ogp_value": value}
        )
    for row in institution_rows(cid, record.member_slug, page.institutions):
        _append(out[COMMITMENT_INSTITUTIONS.name], row)
    for report in page.irm_reports:
        _append(out[IRM_REPORTS.name], {"commitment_id": cid, **_fields(report)})
    for item in page.member_list:
        _append(
            out[PAGE_MEMBER_LISTS.name],
            {
                "commitment_id": cid,
                "member_slug": record.member_slug,
                "language": record.language,
                **_fields(item),
                **prov,
            },
        )
    for page_field in page.fields:
        _append(out[PAGE_FIELDS.name], {"commitment_id": cid, **_fields(page_field), **prov})
