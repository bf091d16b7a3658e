"""validate_tables, alone and inside publish: broken rules are named, nothing is published."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from pipeline.config import LoadConfig
from pipeline.errors import ValidationFailed
from pipeline.load import publish, validate_tables
from pipeline.load.csvfile import parse_csv
from pipeline.schema import COMMITMENTS, TABLES_BY_NAME
from tests.load.helpers import reader_view, sample_run, sample_tables


def replace_column(
    tables: dict[str, pa.Table], table: str, column: str, values: list[object]
) -> None:
    target = tables[table]
    field = TABLES_BY_NAME[table].schema.field(column)
    index = target.schema.get_field_index(column)
    tables[table] = target.set_column(index, field, pa.array(values, type=field.type))


def set_value(
    tables: dict[str, pa.Table], table: str, column: str, row: int, value: object
) -> None:
    values = tables[table].column(column).to_pylist()
    values[row] = value
    replace_column(tables, table, column, values)


def test_sample_tables_are_valid() -> None:
    validate_tables(sample_tables())


def test_duplicate_primary_key_is_named() -> None:
    tables = sample_tables()
    set_value(tables, "page_fields", "position", 1, 0)  # MN0001 has positions 0, 0, 2
    with pytest.raises(ValidationFailed) as raised:
        validate_tables(tables)
    assert "page_fields: primary key ['commitment_id', 'position'] repeated" in str(raised.value)
    assert "commitment_id='MN0001', position=0" in str(raised.value)


def test_dangling_child_row_is_named() -> None:
    tables = sample_tables()
    set_value(tables, "commitment_institutions", "commitment_id", 4, "XX9999")
    with pytest.raises(ValidationFailed) as raised:
        validate_tables(tables)
    message = str(raised.value)
    assert (
        "commitment_institutions.commitment_id: 1 row(s) reference no row of commitments" in message
    )
    assert "commitment_id='XX9999'" in message


def test_null_in_a_required_column_is_named() -> None:
    # pyarrow itself lets a null into a non-nullable field: exactly what validation is for.
    tables = sample_tables()
    set_value(tables, "commitments", "title", 2, None)
    with pytest.raises(ValidationFailed, match=r"commitments\.title: required but null in 1 row"):
        validate_tables(tables)


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("commitments", "completion", "Almost done", "commitments.completion: values outside"),
        ("commitments", "status_missing", "forgot", "commitments.status_missing: values outside"),
        ("commitments", "ogp_values", ["Civic Participation", "Fun"], "['Fun']"),
        ("commitment_institutions", "role", "boss", "commitment_institutions.role"),
    ],
)
def test_value_outside_a_closed_vocabulary_is_named(
    table: str, column: str, value: object, expected: str
) -> None:
    tables = sample_tables()
    set_value(tables, table, column, 3, value)
    with pytest.raises(ValidationFailed) as raised:
        validate_tables(tables)
    assert expected in str(raised.value)
    assert "commitment_id='MN000" in str(raised.value)


@pytest.mark.parametrize(
    "items",
    [
        ["Health | Education"],
        ["Health |", "Education"],
        [""],
        ["| leading bar", "a|b", "x ", ""],
        ['say "hi", \\ [ok]', "=1+1", "línea\nnueva"],
    ],
)
def test_any_list_is_valid_and_its_csv_cell_reads_back_exactly(
    items: list[str], tmp_path: Path
) -> None:
    tables = sample_tables()
    set_value(tables, "commitments", "policy_areas", 0, items)
    validate_tables(tables)
    processed = tmp_path / "processed"
    publish(tables, sample_run("20250301T060000Z-0001"), {}, LoadConfig(), processed)
    with (processed / "commitments.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert first["commitment_id"] == "MN0001"
    assert json.loads(first["policy_areas"]) == items  # what any reader gets from the cell
    from_csv = parse_csv(COMMITMENTS, (processed / "commitments.csv").read_bytes())
    assert from_csv.column("policy_areas")[0].as_py() == items


def test_schema_mismatch_is_named() -> None:
    tables = sample_tables()
    tables["commitments"] = tables["commitments"].set_column(
        tables["commitments"].schema.get_field_index("action_plan_cycle"),
        "action_plan_cycle",
        pc.cast(tables["commitments"].column("action_plan_cycle"), pa.int64()),
    )
    with pytest.raises(
        ValidationFailed, match=r"action_plan_cycle: is int64, the schema says int16"
    ):
        validate_tables(tables)
    tables["commitments"] = tables["commitments"].drop_columns(["action_plan_cycle"])
    with pytest.raises(ValidationFailed, match=r"missing \['action_plan_cycle'\]"):
        validate_tables(tables)


def test_every_problem_is_reported_at_once() -> None:
    tables = sample_tables()
    set_value(tables, "commitments", "completion", 0, "Almost done")
    set_value(tables, "page_fields", "value_status", 0, "maybe")
    set_value(tables, "commitment_policy_areas", "commitment_id", 0, "ZZ0001")
    with pytest.raises(ValidationFailed, match=r"^3 problem\(s\)"):
        validate_tables(tables)


@pytest.mark.parametrize(
    ("table", "column", "message"),
    [
        (
            "commitments",
            "member_slug",
            "commitments.member_slug: 1 row(s) reference no row of members",
        ),
        (
            "commitments",
            "action_plan_id",
            "commitments.action_plan_id: 1 row(s) reference no row of action_plans",
        ),
        ("commitment_institutions", "institution_key", "reference no row of institutions"),
        (
            "commitment_history",
            "member_slug",
            "commitment_history.member_slug: 1 row(s) reference no row of members",
        ),
        (
            "commitment_changes",
            "member_slug",
            "commitment_changes.member_slug: 1 row(s) reference no row of members",
        ),
        ("member_commitment_list", "member_slug", "reference no row of members"),
        ("action_plans", "member_slug", "reference no row of members"),
        ("institutions", "member_slug", "reference no row of members"),
    ],
)
def test_every_foreign_key_is_checked(table: str, column: str, message: str) -> None:
    tables = sample_tables()
    validate_tables(tables)
    set_value(tables, table, column, 0, "nowhere")
    with pytest.raises(ValidationFailed, match=re.escape(message)):
        validate_tables(tables)


def test_a_null_foreign_key_references_nothing_and_is_allowed() -> None:
    tables = sample_tables()
    set_value(tables, "commitments", "action_plan_id", 0, None)  # a page naming no plan
    validate_tables(tables)


def test_child_tables_need_their_parent() -> None:
    tables = sample_tables()
    del tables["commitments"]
    with pytest.raises(ValidationFailed, match="references table commitments, which is missing"):
        validate_tables(tables)


def test_a_failed_validation_leaves_the_previous_publish_untouched(tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    publish(sample_tables(), sample_run("20250301T060000Z-0001"), {}, LoadConfig(), processed)
    before = reader_view(processed)
    tables = sample_tables(30)
    set_value(tables, "commitment_ogp_values", "ogp_value", 5, "Transparency")
    with pytest.raises(ValidationFailed, match=r"commitment_ogp_values\.ogp_value"):
        publish(tables, sample_run("20250302T060000Z-0002"), {}, LoadConfig(), processed)
    assert reader_view(processed) == before
    assert sorted(p.name for p in (processed / "runs").iterdir()) == ["20250301T060000Z-0001"]
