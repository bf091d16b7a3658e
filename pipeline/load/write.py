"""One table's files, Parquet and CSV: deterministic bytes, durable writes, exact read-back."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.errors import ValidationFailed
from pipeline.load import layout
from pipeline.load.csvfile import block_size_for, csv_batches, csv_chunks
from pipeline.schema import TableSpec

# zstd level 9: on a synthetic full-size commitments table (6,500 rows of multi-paragraph
# descriptions) it wrote in 0.2 s and gave a file a third smaller than level 3 (a third of
# level 1); from level 12 on, write time climbs steeply (19 took 40x as long) for a few % less.
# Reading is no slower at higher levels.
ZSTD_LEVEL = 9
# Fixed (not pyarrow's default, which has changed between releases) so that equal tables give
# equal bytes across upgrades too; 128k rows keep a row group of the widest table (commitments,
# with descriptions) to tens of MB, small enough for a reader to load one at a time.
ROW_GROUP_ROWS = 128 * 1024


@dataclass(frozen=True)
class FileInfo:
    """A written file: its name inside the run folder, size, sha256 and rows (None for JSON)."""

    name: str
    bytes: int
    sha256: str
    rows: int | None = None


def sorted_table(spec: TableSpec, table: pa.Table) -> pa.Table:
    """Rows in primary-key order, one chunk per column, carrying the spec's exact schema
    (field descriptions and vocabularies included), so equal data gives equal files."""
    keys = [(name, "ascending") for name in spec.sort_keys]
    order = pc.sort_indices(table, sort_keys=keys)
    # An already ordered table (rows carried over from the last publish come sorted) is kept
    # as it is: taking rows would copy the whole table for nothing.
    in_order = len(order) == 0 or pc.all(pc.equal(order, pa.array(range(len(order))))).as_py()
    ordered = table if in_order else table.take(order)
    if any(column.num_chunks > 1 for column in ordered.columns):
        ordered = ordered.combine_chunks()
    return pa.Table.from_arrays(ordered.columns, schema=spec.schema)


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        row_group_size=ROW_GROUP_ROWS,
        version="2.6",
        data_page_version="1.0",
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,  # readers get the exact Arrow types (int16, timestamp tz=UTC)
        use_compliant_nested_type=True,  # lists as the Parquet spec names them, for any reader
    )
    return bytes(sink.getvalue().to_pybytes())


def write_file(
    folder: Path, name: str, data: bytes | Iterable[bytes | memoryview], rows: int | None = None
) -> FileInfo:
    """Write a new file (from bytes or pieces) and fsync it; OSError (ENOSPC, EFBIG, ...)
    propagates to the caller, which owns the folder and removes it."""
    digest, size = hashlib.sha256(), 0
    with layout.naming(folder / name), layout.open_for_writing(folder / name, "xb") as handle:
        for piece in [data] if isinstance(data, bytes) else data:
            handle.write(piece)
            digest.update(piece)
            size += len(piece)
        handle.flush()
        os.fsync(handle.fileno())
    return FileInfo(name, size, digest.hexdigest(), rows)


@dataclass(frozen=True)
class TableFiles:
    """The two files of one published table."""

    rows: int
    parquet: FileInfo
    csv: FileInfo


def write_table_files(spec: TableSpec, table: pa.Table, folder: Path) -> TableFiles:
    """``<table>.parquet`` and ``<table>.csv`` of a table already in sorted_table form."""
    rows = table.num_rows
    return TableFiles(
        rows,
        write_file(folder, f"{spec.name}.parquet", parquet_bytes(table), rows),
        write_file(folder, f"{spec.name}.csv", csv_chunks(table), rows),
    )


def read_parquet(spec: TableSpec, path: Path) -> pa.Table:
    """A table's Parquet file with exactly the spec's schema. Its stored schema must have the
    spec's names, types, nullability and field metadata (ValidationFailed otherwise); only the
    name of a list's element field may differ: Parquet calls it ``element``, Arrow ``item``."""
    table = pq.read_table(path)
    stored = [(f.name, f.type, f.nullable, f.metadata) for f in table.schema]
    declared = [(f.name, f.type, f.nullable, f.metadata) for f in spec.schema]
    if stored != declared:  # DataType equality ignores element field names
        raise ValidationFailed(f"{path.name}: its schema differs from the {spec.name} schema")
    return table.cast(spec.schema)


def read_back(spec: TableSpec, folder: Path, written: pa.Table) -> None:
    """Raise ValidationFailed unless both files read back to exactly the table written. One
    file at a time, so that only one read-back copy is in memory with the table."""
    csv_name, parquet_name = f"{spec.name}.csv", f"{spec.name}.parquet"
    _same(parquet_name, read_parquet(spec, folder / parquet_name), written)
    offset = 0
    try:
        for block in csv_batches(spec, folder / csv_name, block_size_for(written)):
            _same(csv_name, block, written.slice(offset, block.num_rows))
            offset += block.num_rows
    except ValueError as exc:  # pa.ArrowInvalid is a ValueError
        raise ValidationFailed(f"{csv_name}: cannot be read back: {exc}") from exc
    if offset != written.num_rows:
        raise ValidationFailed(f"{csv_name}: {offset} rows read back, {written.num_rows} written")


def _same(name: str, table: pa.Table, written: pa.Table) -> None:
    if table.num_rows != written.num_rows:
        raise ValidationFailed(
            f"{name}: {table.num_rows} rows read back, {written.num_rows} written"
        )
    if not table.equals(written):
        raise ValidationFailed(f"{name}: values read back differ from those written")
