"""What researchers' tools make of a real demo-site publish: pandas (``read_csv`` with its
defaults, ``read_parquet`` with either dtype backend) and DuckDB (``read_csv`` auto-detection,
Parquet). Text stays text, and the ordered scales sort in their real order through *_rank."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from pipeline import PARSER_VERSION
from pipeline.schema import DATA_TABLES, rank_columns
from tests.conftest import DemoPublish

pytestmark = pytest.mark.slow

TEXT = {
    spec.name: [
        f.name for f in spec.schema if pa.types.is_string(f.type) or pa.types.is_list(f.type)
    ]
    for spec in DATA_TABLES
}
SCALES = rank_columns(DATA_TABLES[0])


@pytest.mark.parametrize("table", sorted(TEXT))
def test_pandas_read_csv_reads_no_text_column_as_a_number_or_a_date(
    demo_publish: DemoPublish, table: str
) -> None:
    frame = pd.read_csv(demo_publish.processed / f"{table}.csv")
    for name in TEXT[table]:
        column = frame[name]
        if column.isna().all():
            # No text to see: pandas reads an empty column as float NaN (docs/DATA.md says so).
            assert column.dtype == "float64"
            continue
        assert pd.api.types.is_string_dtype(column.dtype), (table, name, column.dtype)
    if "parser_version" in frame:  # the tables with provenance
        assert set(frame["parser_version"]) == {PARSER_VERSION}  # "2.0.0" stays text


@pytest.mark.parametrize("table", sorted(TEXT))
def test_duckdb_read_csv_reads_every_text_column_as_text(
    demo_publish: DemoPublish, table: str
) -> None:
    path = demo_publish.processed / f"{table}.csv"
    relation = duckdb.sql(f"SELECT * FROM read_csv('{path}')")
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert {name: types[name] for name in TEXT[table]} == dict.fromkeys(TEXT[table], "VARCHAR")


def _in_scale_order(values: list[object], scale: tuple[str, ...]) -> bool:
    places = [scale.index(str(v)) for v in values]
    return places == sorted(places) and len(set(places)) > 1


@pytest.mark.parametrize("backend", ["numpy_nullable", "pyarrow", None])
def test_pandas_sorts_and_compares_scales_by_rank(
    demo_publish: DemoPublish, backend: str | None
) -> None:
    path = demo_publish.processed / "commitments.parquet"
    frame = (
        pd.read_parquet(path) if backend is None else pd.read_parquet(path, dtype_backend=backend)
    )
    for rank, (name, scale) in SCALES.items():
        valued = frame[frame[rank].notna()].sort_values(rank, kind="stable")
        if valued[name].nunique() > 1:
            assert _in_scale_order(valued[name].tolist(), scale), (backend, rank)
    at_least_substantial = frame[frame["completion_rank"] >= 4]["completion"]
    assert set(at_least_substantial) == {"Substantial", "Complete"} & set(frame["completion"])
    assert len(at_least_substantial) > 0


@pytest.mark.parametrize("file", ["commitments.parquet", "commitments.csv"])
def test_duckdb_sorts_and_compares_scales_by_rank(demo_publish: DemoPublish, file: str) -> None:
    source = demo_publish.processed / file
    for rank, (name, scale) in SCALES.items():
        rows = duckdb.sql(
            f"SELECT {name} FROM '{source}' WHERE {rank} IS NOT NULL ORDER BY {rank}"
        ).fetchall()
        values = [row[0] for row in rows]
        if len(set(values)) > 1:
            assert _in_scale_order(values, scale), (file, rank)
    outside = duckdb.sql(
        f"SELECT count(*) FROM '{source}' WHERE completion_rank >= 4 "
        "AND completion NOT IN ('Substantial', 'Complete')"
    ).fetchall()
    inside = duckdb.sql(f"SELECT count(*) FROM '{source}' WHERE completion_rank >= 4").fetchall()
    assert outside == [(0,)] and inside[0][0] > 0
