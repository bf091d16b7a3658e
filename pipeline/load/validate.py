"""The rules a set of tables must satisfy before anything is published.

Every rule is checked and every broken one reported in one ValidationFailed, so a nightly run's
mail names all of a night's problems at once. Each problem names its table and column and
quotes a few offending keys or values.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.errors import ValidationFailed
from pipeline.load.csvfile import list_survives_csv
from pipeline.load.field_metadata import vocabulary
from pipeline.schema import TABLES_BY_NAME, TableSpec
from pipeline.tables import is_string_list, key_text

# Offending keys quoted per problem: enough to find the pages, short enough for a cron mail.
SHOWN = 5


def validate_tables(tables: Mapping[str, pa.Table]) -> None:
    """Raise ValidationFailed unless every table has its schema's columns, types and
    nullability, unique primary keys, no null in a required column, only vocabulary values in
    closed columns, lists the CSV can carry, and child rows whose commitment exists."""
    specs = _specs(tables)
    problems = [p for spec in specs for p in schema_problems(spec, tables[spec.name])]
    if not problems:
        for spec in specs:
            problems += table_problems(spec, tables[spec.name])
            problems += _foreign_key_problems(spec, tables)
    if problems:
        listed = "\n".join(f"- {problem}" for problem in problems)
        raise ValidationFailed(f"{len(problems)} problem(s) in the tables:\n{listed}")


def schema_problems(spec: TableSpec, table: pa.Table) -> list[str]:
    """Column names and order, types and nullability against the spec (metadata aside)."""
    expected, actual = spec.schema, table.schema
    if actual.names != expected.names:
        missing = [n for n in expected.names if n not in actual.names]
        unknown = [n for n in actual.names if n not in expected.names]
        return [
            f"{spec.name}: columns differ from the schema (missing {missing}, unknown "
            f"{unknown}, or out of order)"
        ]
    return [
        f"{spec.name}.{want.name}: is {got.type}{'' if got.nullable else ' not null'}, "
        f"the schema says {want.type}{'' if want.nullable else ' not null'}"
        for got, want in zip(actual, expected, strict=True)
        if got.type != want.type or got.nullable != want.nullable
    ]


def table_problems(spec: TableSpec, table: pa.Table) -> list[str]:
    """The rules that need only the table itself (its schema already checked)."""
    problems = _required_problems(spec, table) + _key_problems(spec, table)
    for field in spec.schema:
        problems += _vocabulary_problems(spec, table, field) + _list_problems(spec, table, field)
    return problems


def _specs(tables: Mapping[str, pa.Table]) -> list[TableSpec]:
    unknown = sorted(set(tables) - set(TABLES_BY_NAME))
    if unknown:
        raise ValidationFailed(f"unknown tables {unknown}; known: {sorted(TABLES_BY_NAME)}")
    return [TABLES_BY_NAME[name] for name in tables]


def _required_problems(spec: TableSpec, table: pa.Table) -> list[str]:
    problems = []
    for field in spec.schema:
        column = table.column(field.name)
        if not field.nullable and column.null_count:
            rows = pc.indices_nonzero(pc.is_null(column))
            problems.append(
                f"{spec.name}.{field.name}: required but null in "
                f"{column.null_count} row(s): {_keys(spec, table, rows)}"
            )
    return problems


def _key_problems(spec: TableSpec, table: pa.Table) -> list[str]:
    key = list(spec.primary_key)
    counts = table.group_by(key).aggregate([([], "count_all")])
    repeated = counts.filter(pc.greater(counts.column("count_all"), 1))
    if repeated.num_rows == 0:
        return []
    shown = sorted(tuple(row[name] for name in key) for row in repeated.select(key).to_pylist())
    keys = "; ".join(key_text(spec, k) for k in shown[:SHOWN])
    return [f"{spec.name}: primary key {key} repeated for {repeated.num_rows} key(s): {keys}"]


def _vocabulary_problems(spec: TableSpec, table: pa.Table, field: pa.Field) -> list[str]:
    allowed = vocabulary(field)
    if allowed is None:
        return []
    column = table.column(field.name).combine_chunks()
    values, rows = column, pa.array(range(len(column)), pa.int64())
    if is_string_list(field.type):
        values, rows = pc.list_flatten(column), pc.list_parent_indices(column)
    outside = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=pa.array(allowed))))
    if not pc.any(outside).as_py():
        return []
    bad_values = sorted(set(pc.filter(values, outside).to_pylist()))
    bad_rows = pc.unique(pc.filter(rows, outside))
    return [
        f"{spec.name}.{field.name}: values outside the vocabulary {bad_values[:SHOWN]} in "
        f"{len(bad_rows)} row(s): {_keys(spec, table, bad_rows)}"
    ]


def _list_problems(spec: TableSpec, table: pa.Table, field: pa.Field) -> list[str]:
    if not is_string_list(field.type):
        return []
    lists = table.column(field.name).to_pylist()
    bad = [i for i, items in enumerate(lists) if items is not None and not list_survives_csv(items)]
    if not bad:
        return []
    examples = [lists[i] for i in bad[:SHOWN]]
    return [
        f"{spec.name}.{field.name}: {len(bad)} list(s) cannot be written to CSV (an element "
        f"contains the separator, ends with ' |', or is the only and empty one): {examples} "
        f"in {_keys(spec, table, pa.array(bad, pa.int64()))}"
    ]


def _foreign_key_problems(spec: TableSpec, tables: Mapping[str, pa.Table]) -> list[str]:
    problems = []
    child = tables[spec.name]
    for columns, parent_name, parent_columns in spec.foreign_keys:
        if parent_name not in tables:
            problems.append(f"{spec.name}: references table {parent_name}, which is missing")
            continue
        parent = tables[parent_name].select(list(parent_columns))
        keys = list(dict.fromkeys((*spec.primary_key, *columns)))
        dangling = child.select(keys).join(
            parent, keys=list(columns), right_keys=list(parent_columns), join_type="left anti"
        )
        if dangling.num_rows:
            shown = sorted(
                tuple(row[name] for name in spec.primary_key) for row in dangling.to_pylist()
            )
            problems.append(
                f"{spec.name}.{','.join(columns)}: {dangling.num_rows} row(s) reference no row of "
                f"{parent_name}: {'; '.join(key_text(spec, k) for k in shown[:SHOWN])}"
            )
    return problems


def _keys(spec: TableSpec, table: pa.Table, rows: pa.Array) -> str:
    chosen = table.select(list(spec.primary_key)).take(rows[:SHOWN]).to_pylist()
    shown = [key_text(spec, tuple(row.values())) for row in chosen]
    more = "; ..." if len(rows) > SHOWN else ""
    return "; ".join(shown) + more
