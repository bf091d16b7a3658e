"""Hypothesis: rows generated from each table's schema survive build -> write -> read back,
through Parquet (pyarrow and pandas) and CSV, with exactly the declared types."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.load.csvfile import parse_csv
from pipeline.load.field_metadata import vocabulary
from pipeline.load.write import sorted_table, write_table_files
from pipeline.schema import ALL_TABLES, TableSpec
from pipeline.tables import build_table, is_string_list

Row = dict[str, object]

# Any Unicode text pyarrow can store (no lone surrogates), including quotes, commas, CR, LF,
# NUL, JSON's brackets and backslash, and the characters that start a spreadsheet formula
# (and the quote that escapes one), which the CSV must all carry.
SPECIAL = ['"', ",", "\r", "\n", "\t", "|", " ", "[", "]", "\\", "=", "+", "-", "@", "'"]
TEXT = st.text(st.characters(exclude_categories=["Cs"]) | st.sampled_from(SPECIAL))
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
)
MOMENTS = st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1), timezones=ZONES)


def value_strategy(field: pa.Field) -> st.SearchStrategy[object]:
    allowed = vocabulary(field)
    type_ = field.type
    if is_string_list(type_):
        items = st.sampled_from(allowed) if allowed else TEXT
        values: st.SearchStrategy[object] = st.lists(items, max_size=4)
    elif allowed:
        values = st.sampled_from(allowed)
    elif pa.types.is_string(type_):
        values = TEXT
    elif pa.types.is_boolean(type_):
        values = st.booleans()
    elif pa.types.is_integer(type_):
        bits = type_.bit_width
        values = st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    elif pa.types.is_date32(type_):
        values = st.dates()
    elif pa.types.is_timestamp(type_):
        values = MOMENTS
    else:
        raise AssertionError(f"no strategy for {type_}")
    return values if not field.nullable else st.none() | values


def rows_strategy(spec: TableSpec) -> st.SearchStrategy[list[Row]]:
    row = st.fixed_dictionaries({field.name: value_strategy(field) for field in spec.schema})
    return st.lists(row, max_size=6, unique_by=lambda r: tuple(r[k] for k in spec.primary_key))


def normalized(spec: TableSpec, rows: list[Row]) -> list[Row]:
    """The rows as pyarrow gives them back: key order, lists as lists, moments in UTC."""

    def plain(value: object) -> object:
        if isinstance(value, tuple):
            return list(value)
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        return value

    ordered = sorted(
        rows,
        key=lambda r: tuple(str(r[k]) if isinstance(r[k], str) else r[k] for k in spec.sort_keys),
    )
    return [{k: plain(v) for k, v in row.items()} for row in ordered]


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda spec: spec.name)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rows_round_trip_with_declared_types(spec: TableSpec, data: st.DataObject) -> None:
    rows = data.draw(rows_strategy(spec))
    table = sorted_table(spec, build_table(spec, rows))
    with tempfile.TemporaryDirectory() as folder:
        write_table_files(spec, table, Path(folder))
        from_parquet = pq.read_table(Path(folder) / f"{spec.name}.parquet")
        frame = pd.read_parquet(Path(folder) / f"{spec.name}.parquet", dtype_backend="pyarrow")
        from_csv = parse_csv(spec, (Path(folder) / f"{spec.name}.csv").read_bytes())

    for field, stored in zip(spec.schema, from_parquet.schema, strict=True):
        assert (stored.name, stored.type, stored.nullable) == (
            field.name,
            field.type,
            field.nullable,
        )
        assert stored.metadata == field.metadata
        assert frame[field.name].dtype == pd.ArrowDtype(field.type)
    assert list(frame.columns) == spec.schema.names
    expected = normalized(spec, rows)
    assert from_parquet.to_pylist() == expected
    assert from_csv.to_pylist() == expected
    assert from_csv.schema.equals(spec.schema, check_metadata=True)


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda spec: spec.name)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_all_null_columns_keep_their_types_in_every_reader(
    spec: TableSpec, data: st.DataObject
) -> None:
    required = {f.name: data.draw(value_strategy(f)) for f in spec.schema if not f.nullable}
    rows = [{**dict.fromkeys(spec.schema.names), **required}]
    with tempfile.TemporaryDirectory() as folder:
        write_table_files(spec, sorted_table(spec, build_table(spec, rows)), Path(folder))
        frame = pd.read_parquet(Path(folder) / f"{spec.name}.parquet", dtype_backend="pyarrow")
        from_csv = parse_csv(spec, (Path(folder) / f"{spec.name}.csv").read_bytes())
    for field in spec.schema:
        assert frame[field.name].dtype == pd.ArrowDtype(field.type)
        assert from_csv.schema.field(field.name).type == field.type
    assert from_csv.to_pylist() == normalized(spec, rows)
