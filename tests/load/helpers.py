"""Shared by the tests of the load stage: synthetic tables that satisfy every rule, built
column by column (fast enough for tables of a few hundred thousand rows)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from pipeline import PARSER_VERSION, __version__
from pipeline.load.field_metadata import vocabulary
from pipeline.schema import COMMITMENTS, DATA_TABLES, TableSpec, rank_columns
from pipeline.tables import is_string_list

FETCHED = datetime(2025, 3, 1, 6, 30, tzinfo=UTC)


def commitment_ids(count: int, member: str = "MN") -> list[str]:
    return [f"{member}{i:04d}" for i in range(1, count + 1)]


def sample_tables(commitments: int = 20, per_commitment: int = 3) -> dict[str, pa.Table]:
    """Every data table: `commitments` rows and `per_commitment` child rows for each (at most
    4, the number of OGP values, which are part of a primary key)."""
    ids = commitment_ids(commitments)
    tables = {COMMITMENTS.name: table_of(COMMITMENTS, ids, [0] * len(ids))}
    for spec in DATA_TABLES[1:]:
        owners = [cid for cid in ids for _ in range(per_commitment)]
        positions = [j for _ in ids for j in range(per_commitment)]
        tables[spec.name] = table_of(spec, owners, positions)
    return tables


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
