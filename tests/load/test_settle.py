"""settle_pages with real publishes: a page whose rows break a rule is dropped and its previous
rows are published instead, marked stale; only table-level problems refuse the publish."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from pipeline.config import LoadConfig
from pipeline.errors import ValidationFailed
from pipeline.history.update import Publish
from pipeline.load import publish, read_published, settle_pages
from pipeline.load.assemble import assemble
from tests.load.helpers import reader_view, sample_page_tables, sample_run, sample_tables
from tests.load.test_validate import set_value

RUN_1, RUN_2, RUN_3 = "20250301T060000Z-0001", "20250302T060000Z-0002", "20250303T060000Z-0003"
NIGHT_2, NIGHT_3 = (datetime(2025, 3, day, 6, tzinfo=UTC) for day in (2, 3))
Tables = dict[str, pa.Table]


@pytest.fixture
def previous(tmp_path: Path) -> Tables:
    publish(sample_tables(), sample_run(RUN_1), {}, LoadConfig(), tmp_path / "processed")
    tables = read_published(tmp_path / "processed")
    assert tables is not None
    return tables


def rows_of(tables: Tables, table: str, cid: str) -> list[dict[str, object]]:
    part = tables[table].filter(pc.equal(tables[table].column("commitment_id"), cid))
    return part.to_pylist()


def commitment(tables: Tables, cid: str) -> dict[str, object]:
    (row,) = rows_of(tables, "commitments", cid)
    return row


def fresh(row: dict[str, object]) -> dict[str, object]:
    return {**row, "stale_since": None, "stale_reason": None}


def published_again(tmp_path: Path, tables: Tables, run_id: str) -> Tables:
    previous = read_published(tmp_path / "processed")
    started = datetime.strptime(run_id[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assembled = assemble(tables, previous, Publish(run_id, started))
    run = sample_run(run_id, "partial")
    publish(assembled.tables, run, {}, LoadConfig(), tmp_path / "processed")
    again = read_published(tmp_path / "processed")
    assert again is not None
    return again


def test_a_page_whose_rows_break_a_rule_is_replaced_by_its_previous_rows_marked_stale(
    previous: Tables, tmp_path: Path
) -> None:
    new = sample_page_tables()
    set_value(new, "commitments", "title", 2, None)  # MN0003: a required value is missing
    set_value(new, "page_fields", "value_status", 12, "maybe")  # MN0005: outside the vocabulary
    set_value(new, "commitments", "title", 6, "A new title")  # MN0007: a good change
    settled = settle_pages(new, previous, not_parsed={}, fetch_failed={}, started=NIGHT_2)
    assert settled.invalid == {
        "MN0003": ["commitments.title: required but null"],
        "MN0005": ["page_fields.value_status: values outside the vocabulary ['maybe']"],
    }
    published = published_again(tmp_path, settled.tables, RUN_2)
    for cid, rule in (
        ("MN0003", "commitments.title: required but null"),
        ("MN0005", "page_fields.value_status: values outside the vocabulary ['maybe']"),
    ):
        row = commitment(published, cid)
        assert (row["stale_since"], row["stale_reason"]) == (
            NIGHT_2,
            f"rows failed validation: {rule}",
        )
        assert fresh(row) == commitment(previous, cid)
        for table in ("page_fields", "commitment_policy_areas", "commitment_institutions"):
            assert rows_of(published, table, cid) == rows_of(previous, table, cid)
    assert commitment(published, "MN0007")["title"] == "A new title"
    assert [s.commitment_id for s in settled.stale] == ["MN0003", "MN0005"]
    assert all(s.carried_over for s in settled.stale)
    assert published["commitments"].num_rows == 20


def test_a_page_that_gave_no_rows_keeps_its_previous_rows_and_stays_stale_since_the_first_night(
    previous: Tables, tmp_path: Path
) -> None:
    without = {
        name: table.filter(pc.not_equal(table.column("commitment_id"), "MN0004"))
        for name, table in sample_page_tables().items()
    }
    failed = {"MN0004": "took longer than 60 s to parse", "XX0001": "not a commitment page"}
    first = settle_pages(without, previous, not_parsed=failed, fetch_failed={}, started=NIGHT_2)
    assert first.invalid == {}
    published = published_again(tmp_path, first.tables, RUN_2)
    row = commitment(published, "MN0004")
    assert row["stale_reason"] == "not parsed: took longer than 60 s to parse"
    assert row["stale_since"] == NIGHT_2 and fresh(row) == commitment(previous, "MN0004")
    assert rows_of(published, "commitments", "XX0001") == []  # nothing to keep: absent

    # Still failing the next night: stale since the first night, not this one.
    second = settle_pages(without, published, not_parsed=failed, fetch_failed={}, started=NIGHT_3)
    assert commitment(second.tables, "MN0004")["stale_since"] == NIGHT_2
    published = published_again(tmp_path, second.tables, RUN_3)
    # Parsed again the night after: fresh, the stale marks gone.
    healed = settle_pages(
        sample_page_tables(), published, not_parsed={}, fetch_failed={}, started=NIGHT_3
    )
    assert healed.stale == ()
    assert pc.all(pc.is_null(healed.tables["commitments"].column("stale_since"))).as_py()


def test_rows_parsed_from_a_body_kept_after_a_failed_fetch_are_stale_in_place(
    previous: Tables,
) -> None:
    settled = settle_pages(
        sample_page_tables(),
        previous,
        not_parsed={},
        fetch_failed={"MN0002": "HTTP 503"},
        started=NIGHT_2,
    )
    row = commitment(settled.tables, "MN0002")
    assert (row["stale_since"], row["stale_reason"]) == (NIGHT_2, "fetch failed: HTTP 503")
    assert [(s.commitment_id, s.carried_over) for s in settled.stale] == [("MN0002", False)]


def test_without_a_previous_publish_an_invalid_page_is_only_dropped() -> None:
    new = sample_page_tables()
    set_value(new, "commitment_ogp_values", "ogp_value", 5, "Transparency")  # MN0002
    settled = settle_pages(new, None, not_parsed={}, fetch_failed={}, started=NIGHT_2)
    assert list(settled.invalid) == ["MN0002"] and settled.stale == ()
    for table in settled.tables.values():
        assert "MN0002" not in table.column("commitment_id").to_pylist()


def test_problems_that_are_no_single_pages_still_refuse_the_publish(
    previous: Tables, tmp_path: Path
) -> None:
    before = reader_view(tmp_path / "processed")
    twice = sample_page_tables()
    set_value(twice, "commitments", "commitment_id", 1, "MN0001")  # two pages claim MN0001
    settled = settle_pages(twice, previous, not_parsed={}, fetch_failed={}, started=NIGHT_2)
    assert "MN0001" not in settled.invalid
    assembled = assemble(settled.tables, previous, Publish(RUN_2, NIGHT_2))
    with pytest.raises(ValidationFailed, match=r"commitments: primary key \['commitment_id'\]"):
        publish(assembled.tables, sample_run(RUN_2), {}, LoadConfig(), tmp_path / "processed")
    assert reader_view(tmp_path / "processed") == before
