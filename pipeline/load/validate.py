"""The rules a set of tables must satisfy before anything is published.

Every rule is checked and every broken one reported in one ValidationFailed, so a nightly run's
mail names all of a night's problems at once. Each problem names its table and column and
quotes a few offending keys or values.

Most rules concern rows, and a broken one can be traced to the pages (commitments) whose rows
break it: ``page_problems`` lists them, so that the load stage can publish every other page
(see ``settle``). The schema, and a key repeated across pages, concern whole tables.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.errors import ValidationFailed
from pipeline.load.field_metadata import vocabulary
from pipeline.schema import TABLES_BY_NAME, TableSpec, rank_columns
from pipeline.tables import is_string_list, key_text

# Offending keys quoted per problem: enough to find the pages, short enough for a cron mail.
SHOWN = 5
_ROW = "__row"  # a column of row numbers, added to find which rows a join keeps


@dataclass(frozen=True)
class BrokenRule:
    """Rows of one table that break one rule."""

    message: str  # the whole problem, with a few offending keys
    rule: str  # the rule alone, as a page's problem is named ("commitments.title: ...")
    rows: pa.Array  # row numbers (int64)
    of_pages: bool  # True when dropping these rows' pages mends it


def validate_tables(tables: Mapping[str, pa.Table]) -> None:
    """Raise ValidationFailed unless every table has its schema's columns, types and
    nullability, unique primary keys, no null in a required column, only vocabulary values in
    closed columns, ranks that match their scale's value, and child rows whose commitment
    exists."""
    specs = _specs(tables)
    problems = [p for spec in specs for p in schema_problems(spec, tables[spec.name])]
    if not problems:
        problems = [broken.message for spec in specs for broken in broken_rules(spec, tables)]
    if problems:
        listed = "\n".join(f"- {problem}" for problem in problems)
        raise ValidationFailed(f"{len(problems)} problem(s) in the tables:\n{listed}")


def page_problems(tables: Mapping[str, pa.Table]) -> dict[str, list[str]]:
    """The commitments whose rows break a rule of their own page, with the rules they break.
    Tables whose schema is wrong are skipped: that is validate_tables' to refuse."""
    found: dict[str, list[str]] = {}
    for spec in _specs(tables):
        if schema_problems(spec, tables[spec.name]) or "commitment_id" not in spec.schema.names:
            continue
        ids = tables[spec.name].column("commitment_id")
        for broken in broken_rules(spec, tables):
            if broken.of_pages:
                for cid in pc.unique(ids.take(broken.rows)).to_pylist():
                    found.setdefault(cid, []).append(broken.rule)
    return found


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


def broken_rules(spec: TableSpec, tables: Mapping[str, pa.Table]) -> list[BrokenRule]:
    """Every row rule the table breaks (its schema already checked)."""
    table = tables[spec.name]
    broken = [*_required(spec, table), *_keys(spec, table)]
    for field in spec.schema:
        broken += _vocabulary(spec, table, field)
    broken += _ranks(spec, table)
    broken += _foreign_keys(spec, tables)
    return broken


def _specs(tables: Mapping[str, pa.Table]) -> list[TableSpec]:
    unknown = sorted(set(tables) - set(TABLES_BY_NAME))
    if unknown:
        raise ValidationFailed(f"unknown tables {unknown}; known: {sorted(TABLES_BY_NAME)}")
    return [TABLES_BY_NAME[name] for name in tables]


def _required(spec: TableSpec, table: pa.Table) -> Iterator[BrokenRule]:
    for field in spec.schema:
        column = table.column(field.name)
        if not field.nullable and column.null_count:
            rows = pc.indices_nonzero(pc.is_null(column))
            rule = f"{spec.name}.{field.name}: required but null"
            message = f"{rule} in {column.null_count} row(s): {_keys_of(spec, table, rows)}"
            yield BrokenRule(message, rule, rows, of_pages=True)


def _keys(spec: TableSpec, table: pa.Table) -> Iterator[BrokenRule]:
    key = list(spec.primary_key)
    counts = table.group_by(key).aggregate([([], "count_all")])
    repeated = counts.filter(pc.greater(counts.column("count_all"), 1))
    if repeated.num_rows == 0:
        return
    shown = sorted(tuple(row[name] for name in key) for row in repeated.select(key).to_pylist())
    keys = "; ".join(key_text(spec, k) for k in shown[:SHOWN])
    rule = f"{spec.name}: primary key {key} repeated"
    message = f"{rule} for {repeated.num_rows} key(s): {keys}"
    rows = _numbered(table, key).join(repeated.select(key), keys=key, join_type="inner")
    # A key holding commitment_id with more columns repeats within one page; the key of
    # commitments itself repeats across two pages, which is no single page's fault.
    within_pages = "commitment_id" in key and len(key) > 1
    yield BrokenRule(message, rule, _row_numbers(rows), of_pages=within_pages)


def _vocabulary(spec: TableSpec, table: pa.Table, field: pa.Field) -> Iterator[BrokenRule]:
    allowed = vocabulary(field)
    if allowed is None:
        return
    column = table.column(field.name).combine_chunks()
    values, rows = column, pa.array(range(len(column)), pa.int64())
    if is_string_list(field.type):
        values, rows = pc.list_flatten(column), pc.list_parent_indices(column)
    outside = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=pa.array(allowed))))
    if not pc.any(outside).as_py():
        return
    bad_values = sorted(set(pc.filter(values, outside).to_pylist()))
    bad_rows = pc.unique(pc.filter(rows, outside)).cast(pa.int64())
    rule = f"{spec.name}.{field.name}: values outside the vocabulary {bad_values[:SHOWN]}"
    message = f"{rule} in {len(bad_rows)} row(s): {_keys_of(spec, table, bad_rows)}"
    yield BrokenRule(message, rule, bad_rows, of_pages=True)


def _ranks(spec: TableSpec, table: pa.Table) -> Iterator[BrokenRule]:
    """Each *_rank holds its value's place in the scale (1 = first), and is null with it. (A
    value outside the scale breaks the vocabulary rule; its rank is not judged.)"""
    for rank, (name, scale) in rank_columns(spec).items():
        values, ranks = table.column(name), pc.cast(table.column(rank), pa.int32())
        place = pc.add(pc.index_in(values, value_set=pa.array(scale)), 1)
        valued_wrong = pc.and_(pc.is_valid(place), pc.fill_null(pc.not_equal(ranks, place), True))
        null_wrong = pc.and_(pc.is_null(values), pc.is_valid(ranks))
        rows = pc.indices_nonzero(pc.or_(valued_wrong, null_wrong))
        if len(rows):
            rule = f"{spec.name}.{rank}: not the place of {name} in its scale"
            message = f"{rule} in {len(rows)} row(s): {_keys_of(spec, table, rows)}"
            yield BrokenRule(message, rule, rows, of_pages=True)


def _foreign_keys(spec: TableSpec, tables: Mapping[str, pa.Table]) -> Iterator[BrokenRule]:
    child = tables[spec.name]
    for columns, parent_name, parent_columns in spec.foreign_keys:
        if parent_name not in tables:
            message = f"{spec.name}: references table {parent_name}, which is missing"
            yield BrokenRule(message, message, pa.array([], pa.int64()), of_pages=False)
            continue
        parent = tables[parent_name].select(list(parent_columns))
        keys = list(dict.fromkeys((*spec.primary_key, *columns)))
        numbered = _numbered(child, keys)
        # A row whose key columns are all null references nothing (commitments without a plan).
        valid = [pc.is_valid(child.column(name)) for name in columns]
        referencing = functools.reduce(pc.or_, valid)
        if not pc.all(referencing).as_py():
            numbered = numbered.filter(referencing)
        dangling = numbered.join(
            parent, keys=list(columns), right_keys=list(parent_columns), join_type="left anti"
        )
        if dangling.num_rows:
            shown = sorted(
                tuple(row[name] for name in spec.primary_key)
                for row in dangling.select(list(spec.primary_key)).to_pylist()
            )
            rule = f"{spec.name}.{','.join(columns)}: reference no row of {parent_name}"
            message = (
                f"{spec.name}.{','.join(columns)}: {dangling.num_rows} row(s) reference no row "
                f"of {parent_name}: {'; '.join(key_text(spec, k) for k in shown[:SHOWN])}"
            )
            yield BrokenRule(message, rule, _row_numbers(dangling), of_pages=True)


def _numbered(table: pa.Table, columns: list[str]) -> pa.Table:
    return table.select(columns).append_column(_ROW, pa.array(range(table.num_rows), pa.int64()))


def _row_numbers(joined: pa.Table) -> pa.Array:
    return pc.unique(joined.column(_ROW).combine_chunks())


def _keys_of(spec: TableSpec, table: pa.Table, rows: pa.Array) -> str:
    chosen = table.select(list(spec.primary_key)).take(rows[:SHOWN]).to_pylist()
    shown = [key_text(spec, tuple(row.values())) for row in chosen]
    more = "; ..." if len(rows) > SHOWN else ""
    return "; ".join(shown) + more
