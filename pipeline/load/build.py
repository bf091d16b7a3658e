"""Rows as plain dicts -> a pa.Table with a table's exact schema. No type is ever guessed.

pyarrow alone would quietly accept a float in an integer column, cut a datetime down to a date,
read a naive datetime as UTC and turn a string into a list of its characters; every value is
therefore checked against its column's declared type before any array is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

import pyarrow as pa

from pipeline.errors import ValidationFailed
from pipeline.load.fields import is_string_list, key_text
from pipeline.schema import TableSpec

# Returns what is wrong with a non-null value, or None when it fits the column's type.
Check = Callable[[object], str | None]


def build_table(spec: TableSpec, rows: Iterable[Mapping[str, object]]) -> pa.Table:
    """The rows as a table of ``spec.schema`` (zero rows give an empty table of the schema).

    Every row must have exactly the schema's columns. Raises ValidationFailed naming the table,
    column and row (by index and primary key) of the first value that does not fit.
    """
    fields = list(spec.schema)
    checks = [(field, type_check(field.type)) for field in fields]
    columns: list[list[object]] = [[] for _ in fields]
    for index, row in enumerate(rows):
        _check_columns(spec, index, row)
        for (field, check), values in zip(checks, columns, strict=True):
            value = row[field.name]
            problem = _problem(field, check, value)
            if problem is not None:
                where = f"{spec.name}.{field.name}, row {index} ({_row_key(spec, row)})"
                raise ValidationFailed(f"{where}: {problem}")
            values.append(value)
    arrays = [_array(spec, field, values) for field, values in zip(fields, columns, strict=True)]
    return pa.Table.from_arrays(arrays, schema=spec.schema)


def type_check(type_: pa.DataType) -> Check:
    """The check of non-null values of a column type; TypeError for a type the load stage
    does not know how to write (a schema change that needs code here first)."""
    if pa.types.is_string(type_):
        return _string
    if pa.types.is_boolean(type_):
        return _bool
    if pa.types.is_integer(type_):
        return _integer(type_)
    if pa.types.is_date32(type_):
        return _date
    if pa.types.is_timestamp(type_) and type_.tz == "UTC":
        return _aware_datetime
    if is_string_list(type_):
        return _string_list
    raise TypeError(f"the load stage cannot write columns of type {type_}")


def _problem(field: pa.Field, check: Check, value: object) -> str | None:
    if value is None:
        return None if field.nullable else "required value is null"
    return check(value)


def _check_columns(spec: TableSpec, index: int, row: Mapping[str, object]) -> None:
    names = spec.schema.names
    if len(row) == len(names) and all(name in row for name in names):
        return
    missing = [name for name in names if name not in row]
    unknown = sorted(set(row) - set(names))
    raise ValidationFailed(
        f"{spec.name}, row {index}: missing columns {missing}, unknown columns {unknown}"
    )


def _row_key(spec: TableSpec, row: Mapping[str, object]) -> str:
    return key_text(spec, tuple(row.get(name) for name in spec.primary_key))


def _array(spec: TableSpec, field: pa.Field, values: list[object]) -> pa.Array:
    try:
        return pa.array(values, type=field.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError) as exc:
        # Values passed the type checks; what is left is text that is not valid Unicode.
        raise ValidationFailed(f"{spec.name}.{field.name}: {exc}") from exc


def _string(value: object) -> str | None:
    return None if isinstance(value, str) else f"expected a string, got {value!r}"


def _bool(value: object) -> str | None:
    return None if isinstance(value, bool) else f"expected a bool, got {value!r}"


def _integer(type_: pa.DataType) -> Check:
    bits = type_.bit_width
    low, high = (
        (0, 2**bits - 1)
        if pa.types.is_unsigned_integer(type_)
        else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    )

    def check(value: object) -> str | None:
        # bool is an int subclass, but True in a count or a year is a bug upstream.
        if not isinstance(value, int) or isinstance(value, bool):
            return f"expected an int, got {value!r}"
        return None if low <= value <= high else f"{value} is outside {type_} ({low}..{high})"

    return check


def _date(value: object) -> str | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return None
    return f"expected a datetime.date, got {value!r}"


def _aware_datetime(value: object) -> str | None:
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return None
    return f"expected a timezone-aware datetime, got {value!r}"


def _string_list(value: object) -> str | None:
    if not isinstance(value, list | tuple):
        return f"expected a list or tuple of strings, got {value!r}"
    if all(isinstance(item, str) for item in value):
        return None
    return f"expected only strings in the list, got {value!r}"
