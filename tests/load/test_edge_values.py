"""The demo site's edge-case page (`` | `` inside list elements, text a spreadsheet would run as
a formula) through a real refresh: published, exact in Parquet, neutralised in the CSV, and read
back exactly."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from demosite import edge_cases as edge
from pipeline.load.csvfile import parse_csv
from pipeline.schema import DATA_TABLES, TableSpec
from tests.conftest import DemoPublish

pytestmark = pytest.mark.slow

FORMULA = re.compile(r"[=+@\t\r]|-[^ 0-9]")


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_edge_page_is_published_and_nothing_failed(demo_publish: DemoPublish) -> None:
    report = demo_publish.outcome.report
    assert report.failures == [] and report.stale == []
    edge_url = f"/members/{edge.MEMBER_SLUG}/commitments/{edge.COMMITMENT_ID}/"
    commitments = pq.read_table(demo_publish.processed / "commitments.parquet").to_pylist()
    row = next(r for r in commitments if r["commitment_id"] == edge.COMMITMENT_ID)
    assert row["source_url"].endswith(edge_url)
    assert row["title"] == edge.TITLE
    assert row["policy_areas"] == list(edge.POLICY_AREAS)
    assert row["irm_reports"] == [edge.REPORT]
    assert row["lead_institution"] == edge.LEAD
    institutions = pq.read_table(demo_publish.processed / "commitment_institutions.parquet")
    names = [
        r["name"] for r in institutions.to_pylist() if r["commitment_id"] == edge.COMMITMENT_ID
    ]
    assert names == [edge.LEAD, *edge.SUPPORT]


def test_the_csv_neutralises_formulas_and_holds_lists_as_json(demo_publish: DemoPublish) -> None:
    processed = demo_publish.processed
    row = next(
        r for r in csv_rows(processed / "commitments.csv") if r["commitment_id"] == "EDGE0001"
    )
    assert row["title"] == "'" + edge.TITLE
    assert row["lead_institution"] == "'" + edge.LEAD
    assert json.loads(row["policy_areas"]) == list(edge.POLICY_AREAS)
    assert row["description"].startswith("'=1+1 is how")
    names = [
        r["name"]
        for r in csv_rows(processed / "commitment_institutions.csv")
        if r["commitment_id"] == edge.COMMITMENT_ID
    ]
    assert names == [
        "'@Digital Service",
        "'+Civic Tech Lab",
        "'-Budget Watch",
        "''=Already Quoted Forum",
    ]


@pytest.mark.parametrize("spec", DATA_TABLES, ids=lambda spec: spec.name)
def test_no_csv_cell_would_run_as_a_formula_and_every_file_reads_back_exactly(
    demo_publish: DemoPublish, spec: TableSpec
) -> None:
    path = demo_publish.processed / f"{spec.name}.csv"
    for row in csv_rows(path):
        for name, cell in row.items():
            assert not FORMULA.match(cell), (name, cell)
    parquet = pq.read_table(demo_publish.processed / f"{spec.name}.parquet")
    assert parse_csv(spec, path.read_bytes()).equals(parquet)
