"""The one table builder: rows as plain dicts (build_table) or column lists (table_from_columns,
what transform uses) become tables of the exact declared schema, or fail loudly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pipeline.errors import ValidationFailed
from pipeline.schema import ALL_TABLES, COMMITMENTS, IRM_REPORTS, RUNS, TableSpec
from pipeline.tables import build_table, table_from_columns

PROVENANCE_ROW = {
    "source_url": "http://127.0.0.1:8000/members/mongolia/commitments/MN0002/",
    "fetched_at": datetime(2025, 3, 1, 6, 30, 15, 123456, tzinfo=UTC),
    "content_sha256": "ab" * 32,
    "parser_version": "1",
    "run_id": "20250301T060000Z-0a1b",
}


def minimal_row(spec: TableSpec, **values: object) -> dict[str, object]:
    """Nulls everywhere, then the given values and provenance."""
    row: dict[str, object] = dict.fromkeys(spec.schema.names)
    if spec.provenance:
        row.update(PROVENANCE_ROW)
    row.update(values)
    return row


def commitment_row(**values: object) -> dict[str, object]:
    required = {
        "commitment_id": "MN0002",
        "title": "Open budget",
        "member_name_shown": False,
        "member_slug": "mongolia",
        "language": "en",
        "url": "https://www.opengovpartnership.org/members/mongolia/commitments/MN0002/",
        "template": "T1",
    }
    return minimal_row(COMMITMENTS, **{**required, **values})


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda spec: spec.name)
def test_zero_rows_give_an_empty_table_of_the_schema(spec: TableSpec) -> None:
    table = build_table(spec, [])
    assert table.num_rows == 0
    assert table.schema.equals(spec.schema, check_metadata=True)


def test_all_null_columns_keep_their_declared_types() -> None:
    table = build_table(COMMITMENTS, [commitment_row(), commitment_row(commitment_id="MN0003")])
    # Equal schemas (metadata included) mean every column has its declared type.
    assert table.schema.equals(COMMITMENTS.schema, check_metadata=True)
    for name in ("action_plan_cycle", "commitment_start", "policy_areas", "starred"):
        assert table.column(name).null_count == 2


def test_values_of_every_kind_arrive_as_given() -> None:
    row = commitment_row(
        action_plan_cycle=2024,
        commitment_start=date(2024, 2, 1),
        policy_areas=("Open Data", "Health"),  # a tuple is accepted like a list
        ogp_values=[],
        starred=False,
        verifiable=True,
        fetched_at=datetime(2025, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=2))),
    )
    built = build_table(COMMITMENTS, [row]).to_pylist()[0]
    assert built["action_plan_cycle"] == 2024
    assert built["commitment_start"] == date(2024, 2, 1)
    assert built["policy_areas"] == ["Open Data", "Health"]
    assert built["ogp_values"] == []
    assert built["starred"] is False and built["verifiable"] is True
    assert built["fetched_at"] == datetime(2025, 3, 1, 6, 30, tzinfo=UTC)
    assert built["fetched_at"].utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("column", "value", "complaint"),
    [
        ("action_plan_cycle", 2024.0, "expected an int"),
        ("action_plan_cycle", True, "expected an int"),
        ("action_plan_cycle", "2024", "expected an int"),
        ("action_plan_cycle", 40000, "outside int16"),
        ("starred", 1, "expected a bool"),
        ("starred", "Yes", "expected a bool"),
        ("commitment_start", datetime(2024, 2, 1, tzinfo=UTC), "expected a datetime.date"),
        ("commitment_start", "2024-02-01", "expected a datetime.date"),
        ("fetched_at", datetime(2025, 3, 1, 6, 30), "timezone-aware"),
        ("fetched_at", date(2025, 3, 1), "timezone-aware"),
        ("policy_areas", "Open Data", "list or tuple"),
        ("policy_areas", ["Open Data", None], "only strings"),
        ("title", 42, "expected a string"),
        ("title", None, "required value is null"),
    ],
)
@pytest.mark.parametrize("from_columns", [False, True], ids=["rows", "columns"])
def test_a_value_that_does_not_fit_names_table_column_and_row(
    column: str, value: object, complaint: str, from_columns: bool
) -> None:
    rows = [commitment_row(), commitment_row(commitment_id="MN0007", **{column: value})]
    with pytest.raises(ValidationFailed) as raised:
        if from_columns:
            table_from_columns(COMMITMENTS, {name: [r[name] for r in rows] for name in rows[0]})
        else:
            build_table(COMMITMENTS, rows)
    message = str(raised.value)
    assert f"commitments.{column}, row 1 (commitment_id='MN0007')" in message
    assert complaint in message


def test_text_that_is_not_unicode_is_refused_naming_the_column() -> None:
    with pytest.raises(ValidationFailed, match=r"commitments\.title"):
        build_table(COMMITMENTS, [commitment_row(title="half a surrogate \ud800")])


def test_rows_must_have_exactly_the_schema_columns() -> None:
    row = commitment_row()
    del row["member_name"]
    with pytest.raises(ValidationFailed, match=r"missing columns \['member_name'\]"):
        build_table(COMMITMENTS, [row])
    with pytest.raises(ValidationFailed, match=r"unknown columns \['titel'\]"):
        build_table(COMMITMENTS, [commitment_row(titel="typo")])


def test_child_row_errors_name_the_whole_primary_key() -> None:
    row = minimal_row(
        IRM_REPORTS,
        commitment_id="MN0002",
        position=3,
        title="Mongolia Design Report 2019",
        public_comment_version="no",
    )
    with pytest.raises(ValidationFailed, match=r"commitment_id='MN0002', position=3"):
        build_table(IRM_REPORTS, [row])


def test_runs_rows_have_no_provenance_and_small_exit_codes() -> None:
    row = minimal_row(
        RUNS,
        run_id="r1",
        started_at=datetime(2025, 1, 1, tzinfo=UTC),
        finished_at=datetime(2025, 1, 1, 1, tzinfo=UTC),
        finish_reason="failed",
        exit_code=300,
        pipeline_version="0.1.0",
        parser_version="1",
    )
    with pytest.raises(ValidationFailed, match=r"runs\.exit_code.*outside int8"):
        build_table(RUNS, [row])


def test_column_lists_must_be_the_schema_columns_of_one_length() -> None:
    columns: dict[str, list[object]] = {name: [] for name in COMMITMENTS.schema.names}
    assert table_from_columns(COMMITMENTS, columns).schema.equals(
        COMMITMENTS.schema, check_metadata=True
    )
    with pytest.raises(ValidationFailed, match=r"unknown columns \['titel'\]"):
        table_from_columns(COMMITMENTS, {**columns, "titel": []})
    row = commitment_row()
    uneven = {name: [value] for name, value in row.items()} | {"title": ["a", "b"]}
    with pytest.raises(ValidationFailed, match="different lengths"):
        table_from_columns(COMMITMENTS, uneven)
