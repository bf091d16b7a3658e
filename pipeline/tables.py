"""Rows or column lists -> a pa.Table with a table's exact schema. No type is ever guessed.

The one table builder: transform builds its tables from column lists, load (the runs table)
and tests from row dicts, and both go through the same checks. pyarrow alone would quietly
accept a float in an integer column, cut a datetime down to a date, read a naive datetime as
UTC and turn a string into a list of its characters; every value is therefore checked against
its column's declared type before any array is built (a whole column at once where its Python
types already show it fits, value by value otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import cast

import pyarrow as pa

from pipeline.errors import ValidationFailed
from pipeline.schema import TableSpec

# Returns what is wrong with a non-null value, or None when it fits the column's type.
Check = Callable[[object], str | None]
Columns = Mapping[str, Sequence[object]]


def build_table(spec: TableSpec, rows: Iterable[Mapping[str, object]]) -> pa.Table:
    """The rows as a table of ``spec.schema`` (zero rows give an empty table of the schema).

    Every row must have exactly the schema's columns. Raises ValidationFailed naming the table,
    column and row (by index and primary key) of a value that does not fit.
    """
    names = spec.schema.names
    columns: dict[str, list[object]] = {name: [] for name in names}
    for index, row in enumerate(rows):
        _check_columns(spec, f"row {index}", row)
        for name in names:
            columns[name].append(row[name])
    return table_from_columns(spec, columns)


def table_from_columns(spec: TableSpec, columns: Columns) -> pa.Table:
    """Column lists (one per schema column, all of one length) as a table of ``spec.schema``,
    with the same checks and messages as ``build_table``."""
    _check_columns(spec, "columns", columns)
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        raise ValidationFailed(f"{spec.name}: columns of different lengths {lengths}")
    arrays = []
    for field in spec.schema:
        values = columns[field.name]
        if not _fits_at_once(field, values):
            _raise_first_problem(spec, field, columns)
        arrays.append(_array(spec, field, values))
    return pa.Table.from_arrays(arrays, schema=spec.schema)


def type_check(type_: pa.DataType) -> Check:
    """The check of non-null values of a column type; TypeError for a type the pipeline
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
    raise TypeError(f"the pipeline cannot write columns of type {type_}")


def is_string_list(type_: pa.DataType) -> bool:
    return bool(pa.types.is_list(type_) and pa.types.is_string(type_.value_type))


def key_text(spec: TableSpec, key: tuple[object, ...]) -> str:
    """A row's primary key for error messages: "commitment_id='MN0002', position=3"."""
    return ", ".join(f"{name}={value!r}" for name, value in zip(spec.primary_key, key, strict=True))


def _fits_at_once(field: pa.Field, values: Sequence[object]) -> bool:
    """True when the column's Python types alone show every value fits (the common case);
    False means "check value by value", not necessarily that a value is wrong."""
    kinds = set(map(type, values))
    if type(None) in kinds:
        if not field.nullable:
            return False
        kinds.discard(type(None))
    if not kinds:
        return True
    type_ = field.type
    if pa.types.is_string(type_):
        return kinds == {str}
    if pa.types.is_boolean(type_):
        return kinds == {bool}
    if pa.types.is_date32(type_):
        return kinds == {date}  # exact types: a datetime is not a date here
    present = [v for v in values if v is not None]
    if pa.types.is_integer(type_) and kinds == {int}:
        low, high = _int_bounds(type_)
        ints = cast(list[int], present)
        return low <= min(ints) and max(ints) <= high
    if pa.types.is_timestamp(type_) and kinds == {datetime}:
        return all(v.utcoffset() is not None for v in cast(list[datetime], present))
    if is_string_list(type_) and kinds <= {list, tuple}:
        return all(type(x) is str for v in cast(list[Sequence[object]], present) for x in v)
    return False


def _raise_first_problem(spec: TableSpec, field: pa.Field, columns: Columns) -> None:
    check = type_check(field.type)
    for index, value in enumerate(columns[field.name]):
        problem = _problem(field, check, value)
        if problem is not None:
            key = key_text(spec, tuple(columns[name][index] for name in spec.primary_key))
            raise ValidationFailed(f"{spec.name}.{field.name}, row {index} ({key}): {problem}")


def _problem(field: pa.Field, check: Check, value: object) -> str | None:
    if value is None:
        return None if field.nullable else "required value is null"
    return check(value)


def _check_columns(spec: TableSpec, where: str, given: Mapping[str, object]) -> None:
    names = spec.schema.names
    if len(given) == len(names) and all(name in given for name in names):
        return
    missing = [name for name in names if name not in given]
    unknown = sorted(set(given) - set(names))
    raise ValidationFailed(
        f"{spec.name}, {where}: missing columns {missing}, unknown columns {unknown}"
    )


def _array(spec: TableSpec, field: pa.Field, values: Sequence[object]) -> pa.Array:
    try:
        return pa.array(values, type=field.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError) as exc:
        # Values passed the type checks; what is left is text that is not valid Unicode.
        raise ValidationFailed(f"{spec.name}.{field.name}: {exc}") from exc


def _string(value: object) -> str | None:
    return None if isinstance(value, str) else f"expected a string, got {value!r}"


def _bool(value: object) -> str | None:
    return None if isinstance(value, bool) else f"expected a bool, got {value!r}"


def _int_bounds(type_: pa.DataType) -> tuple[int, int]:
    bits = type_.bit_width
    if pa.types.is_unsigned_integer(type_):
        return 0, 2**bits - 1
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def _integer(type_: pa.DataType) -> Check:
    low, high = _int_bounds(type_)

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
