"""The CSV form of a table: how each type is written, and the reader that proves it lossless.

Conventions (documented for readers in docs/DATA.md): UTF-8 without BOM, a header row, rows
ended by ``\\n``, fields separated by ``,``; a field is quoted (``"``, doubled inside) when it
holds a comma, a quote, a CR or LF, or is the empty string. So a null is an empty unquoted
field and an empty string is ``""``: the two stay distinct. Booleans are ``true``/``false``,
dates ``YYYY-MM-DD``, timestamps ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC), and ``list<string>``
cells are JSON arrays of strings (``["a", "b"]``; an empty list is ``[]``), which hold any text.

Text a spreadsheet would run as a formula (a cell starting with ``=``, ``+``, ``@``, a tab, a
CR, or ``-`` followed by anything but a space or a digit) gets a leading ``'``, as OWASP
recommends against CSV injection; so that the rule can be undone exactly, a text that already
starts with ``'`` (any number of them) before such a character gets one more. ``unescape_text``
undoes it; Parquet files hold the text exactly.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pipeline.schema import TableSpec
from pipeline.tables import is_string_list

# Fields holding one of these are quoted (as is the empty string, to tell it from a null).
_QUOTE_WHEN = r'[",\r\n]'
_NEEDS_QUOTES = re.compile(_QUOTE_WHEN)
# The reader needs a whole row inside one block. A commitments row holds a page's description
# twice (text and HTML) and page bodies are capped at 10 MiB by the fetcher, so 64 MiB always
# fits a row while staying a bounded read buffer.
_READ_BLOCK_BYTES = 64 * 1024 * 1024
_MIN_BLOCK_BYTES = 1024 * 1024  # small blocks cost per-block overhead; 1 MiB amortises it


# A text cell a spreadsheet would evaluate, after any quotes a previous escape added. RE2
# syntax (Arrow's regex engine); (?s) lets "-" be followed by a line break.
_FORMULA = r"(?s)^'*(?:[=+@\t\r]|-[^ 0-9])"
_ESCAPED = r"(?s)^'+(?:[=+@\t\r]|-[^ 0-9])"


def escape_text(text: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Text cells as written to the CSV: one more leading ``'`` where a spreadsheet would
    see a formula (see the module docstring)."""
    formula = pc.match_substring_regex(text, _FORMULA)
    return pc.if_else(formula, pc.binary_join_element_wise("'", text, ""), text)


def unescape_text(text: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """The inverse of escape_text: drops the ``'`` it added."""
    escaped = pc.match_substring_regex(text, _ESCAPED)
    return pc.if_else(escaped, pc.utf8_slice_codeunits(text, 1), text)


def list_cell(items: list[str]) -> str:
    """A list's CSV cell: a JSON array of strings (non-ASCII kept as is)."""
    return json.dumps(items, ensure_ascii=False)


def parse_list_cell(text: str) -> list[str]:
    """The list a list_cell holds; ValueError when the text is not a JSON array of strings."""
    items = json.loads(text)
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError(f"not a JSON array of strings: {text[:80]!r}")
    return items


def _list_cells(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pa.array(
        [None if items is None else list_cell(items) for items in column.to_pylist()],
        pa.string(),
    )


# Rows formatted at a time: the formatted cells of a piece take a few times its size in memory,
# so pieces keep the CSV writer's peak small whatever the table's size.
_ROWS_PER_PIECE = 20_000


def csv_chunks(table: pa.Table) -> Iterator[bytes | memoryview]:
    """The table as CSV, in pieces to write one after the other; the same table always gives
    the same bytes. Cells are formatted and lines joined by Arrow compute kernels, and each
    chunk's lines are handed over as Arrow's own buffer: no Python string per cell or line
    (that took seconds and several times the table's size in memory)."""
    yield (",".join(_quote(name) for name in table.schema.names) + "\n").encode("utf-8")
    for start in range(0, table.num_rows, _ROWS_PER_PIECE):
        rows = table.slice(start, _ROWS_PER_PIECE)
        cells = [_csv_cells(rows.column(i), field.type) for i, field in enumerate(rows.schema)]
        lines = pc.binary_join_element_wise(*cells, ",") if len(cells) > 1 else cells[0]
        for chunk in pc.binary_join_element_wise(lines, "", "\n").chunks:
            yield _string_data(chunk)


def _string_data(chunk: pa.Array) -> memoryview:
    """The concatenated bytes of a string array without nulls (int32 offsets, as Arrow's
    ``string`` type has)."""
    if chunk.type != pa.string() or chunk.null_count:
        raise TypeError(f"expected a string array without nulls, got {chunk.type}")
    offsets = memoryview(chunk.buffers()[1]).cast("B").cast("i")
    start, end = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
    return memoryview(chunk.buffers()[2]).cast("B")[start:end]


def parse_csv(spec: TableSpec, data: bytes) -> pa.Table:
    """A CSV written by csv_chunks, back as a table of ``spec.schema``. Raises pa.ArrowInvalid
    (or ValueError) when the bytes are not such a CSV."""
    parts = list(csv_batches(spec, io.BytesIO(data)))
    return pa.concat_tables(parts) if parts else spec.schema.empty_table()


def block_size_for(table: pa.Table) -> int:
    """A CSV read block that surely holds the table's longest row: every row must fit in one
    block, and a larger block than needed only costs memory (the reader's parse buffers are
    several times the block)."""
    widest = 0
    for column in table.columns:
        if pa.types.is_string(column.type) or is_string_list(column.type):
            text = column if pa.types.is_string(column.type) else _list_cells(column)
            # quotes doubled, plus the escape's quote, the field's quotes and its comma
            widest += (pc.max(pc.binary_length(text)).as_py() or 0) * 2 + 4
        else:
            widest += 32  # numbers, dates, timestamps, booleans
    return max(_MIN_BLOCK_BYTES, min(_READ_BLOCK_BYTES, 4 * widest))


def csv_batches(
    spec: TableSpec, source: Path | BinaryIO, block_size: int = 0
) -> Iterator[pa.Table]:
    """The CSV read back a block at a time, each as a table of ``spec.schema``: a read-back
    check then holds one block in memory, not the whole file."""
    raw_types = {f.name: pa.string() if is_string_list(f.type) else f.type for f in spec.schema}
    reader = pa_csv.open_csv(
        str(source) if isinstance(source, Path) else source,
        # One block at a time (no read-ahead threads): the read-back check's memory stays at
        # about one block, whatever the file's size.
        read_options=pa_csv.ReadOptions(
            encoding="utf8", block_size=block_size or _READ_BLOCK_BYTES, use_threads=False
        ),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=raw_types,
            include_columns=spec.schema.names,
            null_values=[""],
            true_values=["true"],
            false_values=["false"],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,  # "" is an empty string, not a null
        ),
    )
    if reader.schema.names != spec.schema.names:
        raise ValueError(f"CSV columns {reader.schema.names} are not {spec.schema.names}")
    for batch in reader:
        table = pa.Table.from_batches([batch])
        arrays = [_typed_column(table.column(f.name), f.type) for f in spec.schema]
        yield pa.Table.from_arrays(arrays, schema=spec.schema)


def _typed_column(column: pa.ChunkedArray, type_: pa.DataType) -> pa.ChunkedArray | pa.Array:
    if pa.types.is_string(type_):
        return unescape_text(column)
    if not is_string_list(type_):
        return column
    texts = column.to_pylist()
    return pa.array([None if t is None else parse_list_cell(t) for t in texts], type=type_)


def _csv_cells(column: pa.ChunkedArray, type_: pa.DataType) -> pa.ChunkedArray:
    """Each value as its CSV field: formatted, quoted when needed, "" for a null."""
    text = _as_text(column, type_)
    needs_quotes = pc.or_(pc.match_substring_regex(text, _QUOTE_WHEN), pc.equal(text, ""))
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(needs_quotes, quoted, text), "")


def _as_text(column: pa.ChunkedArray, type_: pa.DataType) -> pa.ChunkedArray:
    if pa.types.is_string(type_):
        return escape_text(column)
    if pa.types.is_boolean(type_):
        return pc.if_else(column, "true", "false")
    if pa.types.is_timestamp(type_):
        # %S of a microsecond timestamp prints SS.ffffff; the column's zone is UTC.
        return pc.binary_join_element_wise(pc.strftime(column, format="%Y-%m-%dT%H:%M:%S"), "Z", "")
    if is_string_list(type_):
        return _list_cells(column)
    if pa.types.is_integer(type_) or pa.types.is_date32(type_):
        return pc.cast(column, pa.string())  # decimal; ISO YYYY-MM-DD
    raise TypeError(f"no CSV form for {type_}")


def _quote(text: str) -> str:
    if text and not _NEEDS_QUOTES.search(text):
        return text
    return '"' + text.replace('"', '""') + '"'
