"""Shared by the tests of the load stage: synthetic tables that satisfy every rule, built
column by column (fast enough for tables of a few hundred thousand rows)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from pipeline import PARSER_VERSION, __version__
from pipeline.entities.keys import institution_key
from pipeline.history.update import Publish
from pipeline.load.assemble import assemble
from pipeline.load.field_metadata import vocabulary
from pipeline.schema import (
    COMMITMENT_INSTITUTIONS,
    COMMITMENTS,
    DATA_TABLES,
    PAGE_MEMBER_LISTS,
    TRANSFORM_TABLES,
    TableSpec,
    rank_columns,
)
from pipeline.tables import is_string_list

FETCHED = datetime(2025, 3, 1, 6, 30, tzinfo=UTC)


def commitment_ids(count: int, member: str = "MN") -> list[str]:
    return [f"{member}{i:04d}" for i in range(1, count + 1)]


MEMBERS = ("mongolia", "ghana", "paris-france")
FIRST_RUN = Publish("20250228T060000Z-0000", datetime(2025, 2, 28, 6, tzinfo=UTC))


def sample_page_tables(commitments: int = 20, per_commitment: int = 3) -> dict[str, pa.Table]:
    """What transform hands to load: `commitments` rows and `per_commitment` child rows for
    each (at most 4, the number of OGP values, which are part of a primary key), members
    taken in turn from MEMBERS, every key consistent with its member."""
    ids = commitment_ids(commitments)
    slugs = {cid: MEMBERS[i % len(MEMBERS)] for i, cid in enumerate(ids)}
    tables = {COMMITMENTS.name: table_of(COMMITMENTS, ids, [0] * len(ids))}
    for spec in TRANSFORM_TABLES[1:]:
        owners = [cid for cid in ids for _ in range(per_commitment)]
        positions = [j for _ in ids for j in range(per_commitment)]
        tables[spec.name] = table_of(spec, owners, positions)
    for spec in (COMMITMENTS, PAGE_MEMBER_LISTS):
        owners = tables[spec.name]["commitment_id"].to_pylist()
        _set(tables, spec.name, "member_slug", [slugs[cid] for cid in owners])
    languages = dict(zip(ids, tables[COMMITMENTS.name]["language"].to_pylist(), strict=True))
    owners = tables[PAGE_MEMBER_LISTS.name]["commitment_id"].to_pylist()
    _set(tables, PAGE_MEMBER_LISTS.name, "language", [languages[cid] for cid in owners])
    rows = tables[COMMITMENT_INSTITUTIONS.name]
    keys = [
        institution_key(slugs[cid], name)
        for cid, name in zip(
            rows["commitment_id"].to_pylist(), rows["name"].to_pylist(), strict=True
        )
    ]
    _set(tables, COMMITMENT_INSTITUTIONS.name, "institution_key", keys)
    return tables


def sample_tables(commitments: int = 20, per_commitment: int = 3) -> dict[str, pa.Table]:
    """Every table a publish writes, from ``sample_page_tables`` as a first publish makes it
    (every commitment added to the history by FIRST_RUN)."""
    return assemble(sample_page_tables(commitments, per_commitment), None, FIRST_RUN).tables


def _set(tables: dict[str, pa.Table], table: str, column: str, values: list[object]) -> None:
    schema = tables[table].schema
    index = schema.get_field_index(column)
    array = pa.array(values, schema.field(index).type)
    tables[table] = tables[table].set_column(index, schema.field(index), array)


def table_of(spec: TableSpec, owners: list[str], positions: list[int]) -> pa.Table:
    """One row per (owner commitment, position); other columns vary with the row number.
    Rank columns hold the rank of their scale column's value; nothing is stale."""
    columns: dict[str, list[object]] = {}
    ranks = rank_columns(spec)
    for field in spec.schema:
        if field.name == "commitment_id":
            values: list[object] = list(owners)
        elif field.name == "position":
            values = list(positions)
        elif field.name in ranks:
            name, scale = ranks[field.name]
            values = [None if v is None else scale.index(str(v)) + 1 for v in columns[name]]
        elif field.name in ("stale_since", "stale_reason"):
            values = [None] * len(owners)
        else:
            allowed = vocabulary(field)
            values = [_value(field, allowed, i, positions[i]) for i in range(len(owners))]
        columns[field.name] = values
    arrays = [pa.array(columns[field.name], type=field.type) for field in spec.schema]
    return pa.Table.from_arrays(arrays, schema=spec.schema)


def sample_run(run_id: str, finish_reason: str = "published") -> dict[str, object]:
    started = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
    return {
        "run_id": run_id,
        "started_at": started,
        "finished_at": started + timedelta(minutes=40),
        "finish_reason": finish_reason,
        "exit_code": {"published": 0, "partial": 3}.get(finish_reason, 4),
        "pipeline_version": __version__,
        "parser_version": PARSER_VERSION,
        "base_url": "http://127.0.0.1:8000",
        "pages_discovered": 20,
    }


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every regular file under folder (links followed), by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def reader_view(processed: Path) -> dict[str, str]:
    """What a reader sees of the publish: the hashes of the top-level published names (through
    the links). The runs table is not part of it: it records every run, published or not."""
    names = [f"{s.name}.{ext}" for s in DATA_TABLES for ext in ("parquet", "csv")]
    names += ["datapackage.json", "run_report.json"]
    return {name: hashlib.sha256((processed / name).read_bytes()).hexdigest() for name in names}


def _value(field: pa.Field, allowed: tuple[str, ...] | None, i: int, position: int) -> object:
    if field.name == "ogp_value":
        return allowed[position] if allowed else None
    if field.name.endswith("_missing"):
        return None if i % 3 else (allowed or ("",))[i % len(allowed or ("",))]
    type_ = field.type
    if is_string_list(type_):
        return list(allowed[: i % 3]) if allowed else [f"{field.name} {i}", "second, with comma"]
    if allowed:
        return allowed[i % len(allowed)]
    if pa.types.is_string(type_):
        return f"{field.name} {i}" if i % 5 else f'{field.name} "{i}",\nsecond line'
    if pa.types.is_boolean(type_):
        return i % 2 == 0
    if pa.types.is_integer(type_):
        return 2000 + i % 30 if type_.bit_width >= 16 else i % 100
    if pa.types.is_date32(type_):
        return date(2020, 1, 1) + timedelta(days=i % 2000)
    if pa.types.is_timestamp(type_):
        return FETCHED + timedelta(seconds=i)
    raise TypeError(type_)
