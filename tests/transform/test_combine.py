"""Putting parsed chunks and carried-over rows together: two pages claiming one commitment ID
keep the page whose URL names the ID, and each page's child rows go with it (child rows carry
no provenance: they are found by their place in the chunk)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from pipeline.schema import POLICY_AREAS, TRANSFORM_TABLES
from pipeline.tables import build_table
from pipeline.transform.combine import combine
from pipeline.transform.worker import ChunkResult
from tests.history.test_update import row

BASE = "https://www.opengovpartnership.org/members/mongolia/commitments"


def page(
    cid: str, source: str, areas: list[str]
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """A commitments row fetched from ``source`` (its canonical URL names ``source``'s ID)
    and its policy-area rows."""
    url = f"{BASE}/{source.rsplit('/', 2)[-2]}/"
    commitment = row(cid, url=url, source_url=source)
    children = [
        {"commitment_id": cid, "position": i, "policy_area": area, "known": True}
        for i, area in enumerate(areas)
    ]
    return commitment, children


def chunk(*pages: tuple[dict[str, object], list[dict[str, object]]]) -> ChunkResult:
    rows = {spec.name: [] for spec in TRANSFORM_TABLES}  # type: dict[str, list[dict[str, object]]]
    order = []
    for commitment, children in pages:
        rows["commitments"].append(commitment)
        rows[POLICY_AREAS.name] += children
        counts = {spec.name: 0 for spec in TRANSFORM_TABLES}
        counts.update(commitments=1, commitment_policy_areas=len(children))
        order.append((str(commitment["source_url"]), counts))
    tables = {spec.name: build_table(spec, rows[spec.name]) for spec in TRANSFORM_TABLES}
    return ChunkResult(tables, pages=order)


def areas_of(tables: dict[str, pa.Table]) -> list[tuple[str, str]]:
    t = tables[POLICY_AREAS.name]
    return sorted(zip(t["commitment_id"].to_pylist(), t["policy_area"].to_pylist(), strict=True))


def test_a_page_claiming_another_pages_id_is_dropped_with_its_child_rows() -> None:
    right = page("MN0002", f"{BASE}/MN0002/", ["Open Data"])
    moved = page("MN0002", f"{BASE}/MN0009/", ["Health", "Justice"])  # title says MN0002
    other = page("MN0003", f"{BASE}/MN0003/", ["Aid"])
    tables, failures = combine([chunk(moved, other), chunk(right)], None)
    assert [(f.url, f.reason, f.commitment_id) for f in failures] == [
        (f"{BASE}/MN0009/", f"duplicate commitment MN0002; kept {BASE}/MN0002/", "MN0002")
    ]
    assert areas_of(tables) == [("MN0002", "Open Data"), ("MN0003", "Aid")]
    assert tables["commitments"]["source_url"].to_pylist() == [f"{BASE}/MN0003/", f"{BASE}/MN0002/"]


def test_adjacent_duplicates_in_one_chunk_are_told_apart_by_position() -> None:
    moved = page("MN0002", f"{BASE}/MN0009/", ["Health", "Justice"])
    right = page("MN0002", f"{BASE}/MN0002/", ["Open Data"])
    tables, failures = combine([chunk(moved, right)], None)
    assert [f.url for f in failures] == [f"{BASE}/MN0009/"]
    assert areas_of(tables) == [("MN0002", "Open Data")]


def test_a_carried_over_page_loses_to_a_parsed_page_that_names_the_id() -> None:
    carried = chunk(page("MN0002", f"{BASE}/MN0009/", ["Health"])).tables
    carried = {spec.name: carried[spec.name] for spec in TRANSFORM_TABLES[:-1]}
    parsed = chunk(page("MN0002", f"{BASE}/MN0002/", ["Open Data"]))
    tables, failures = combine([parsed], carried)
    assert [f.url for f in failures] == [f"{BASE}/MN0009/"]
    assert areas_of(tables) == [("MN0002", "Open Data")]


def test_no_duplicates_keep_every_table_as_it_came() -> None:
    first = chunk(page("MN0002", f"{BASE}/MN0002/", ["Open Data"]))
    tables, failures = combine([first, ChunkResult({})], None)
    assert failures == [] and areas_of(tables) == [("MN0002", "Open Data")]
    assert tables["commitments"]["fetched_at"].to_pylist() == [
        datetime(2025, 3, 1, 2, 5, tzinfo=UTC)
    ]
