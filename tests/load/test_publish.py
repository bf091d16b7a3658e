"""publish and friends on real folders: layout, determinism, guards, ledger, retention."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.config import LoadConfig
from pipeline.errors import ProcessedCorrupt, PublishRefused, ValidationFailed
from pipeline.history.update import Publish
from pipeline.load import publish, read_published, record_unpublished_run
from pipeline.load.assemble import assemble
from pipeline.load.csvfile import parse_csv
from pipeline.load.migrate import CARRIED_TABLES
from pipeline.schema import DATA_TABLES, PAGE_MEMBER_LISTS, TABLES_BY_NAME
from pipeline.tables import build_table
from tests.load.helpers import file_hashes, reader_view, sample_run, sample_tables

CONFIG = LoadConfig()
RUN_1, RUN_2, RUN_3 = "20250301T060000Z-0001", "20250302T060000Z-0002", "20250303T060000Z-0003"
DATA_FILES = [f"{s.name}.{ext}" for s in DATA_TABLES for ext in ("parquet", "csv")]


@pytest.fixture
def processed(tmp_path: Path) -> Path:
    folder = tmp_path / "processed"
    folder.mkdir()
    (folder / ".gitkeep").touch()
    return folder


def test_first_publish_lays_out_processed(processed: Path) -> None:
    result = publish(sample_tables(), sample_run(RUN_1), {"note": "first"}, CONFIG, processed)
    assert result.run_dir == processed / "runs" / RUN_1
    assert (processed / "current").readlink() == Path("runs") / RUN_1
    for name in [*DATA_FILES, "datapackage.json", "run_report.json"]:
        assert (processed / name).readlink() == Path("current") / name
        assert (processed / name).read_bytes() == (result.run_dir / name).read_bytes()
    # The runs table lives outside the immutable run folders: it changes at every run.
    for name in ["runs.parquet", "runs.csv", "runs.jsonl"]:
        assert (processed / name).is_file() and not (processed / name).is_symlink()
        assert not (result.run_dir / name).exists()
    assert (processed / ".gitkeep").exists()
    assert result.commitments == 20 and result.previous_commitments is None
    assert sorted(result.tables) == sorted(s.name for s in DATA_TABLES)
    assert result.tables["page_fields"].rows == 60
    assert result.not_recorded is None
    page_fields_csv = result.tables["page_fields"].csv
    assert page_fields_csv.name == "page_fields.csv"
    assert page_fields_csv.bytes == (processed / "page_fields.csv").stat().st_size
    report = json.loads((processed / "run_report.json").read_text())
    assert report["note"] == "first"
    assert report["run"]["run_id"] == RUN_1 and report["run"]["commitments"] == 20
    assert report["publish"]["files"]["page_fields.csv"]["rows"] == 60
    assert (processed / "last_run_report.json").read_text() == (
        processed / "run_report.json"
    ).read_text()
    runs = pq.read_table(processed / "runs.parquet")
    assert runs.schema.equals(TABLES_BY_NAME["runs"].schema, check_metadata=True)
    assert runs.column("run_id").to_pylist() == [RUN_1]


def test_readers_get_declared_types_through_the_links(processed: Path) -> None:
    publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    frame = pd.read_parquet(processed / "commitments.parquet", dtype_backend="pyarrow")
    assert frame["action_plan_cycle"].dtype == pd.ArrowDtype(pa.int16())
    assert frame["policy_areas"].dtype == pd.ArrowDtype(pa.list_(pa.string()))
    assert list(frame["commitment_id"])[:2] == ["MN0001", "MN0002"]


def test_same_tables_give_byte_identical_data_files(processed: Path) -> None:
    first = publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    runs_after_first = (processed / "runs.parquet").read_bytes()
    shuffled = {
        name: table.take(list(range(table.num_rows))[::-1])
        for name, table in sample_tables().items()
    }
    second = publish(shuffled, sample_run(RUN_2), {}, CONFIG, processed)
    for name in [*DATA_FILES, "datapackage.json"]:
        assert (first.run_dir / name).read_bytes() == (second.run_dir / name).read_bytes(), name
        assert first.files[name] == second.files[name]
    assert (processed / "runs.parquet").read_bytes() != runs_after_first
    assert pq.read_table(processed / "runs.parquet").column("run_id").to_pylist() == [
        RUN_1,
        RUN_2,
    ]
    assert RUN_2 not in (second.run_dir / "datapackage.json").read_text()


def test_rows_are_sorted_by_primary_key(processed: Path) -> None:
    tables = sample_tables()
    reversed_tables = {
        name: table.take(list(range(table.num_rows))[::-1]) for name, table in tables.items()
    }
    result = publish(reversed_tables, sample_run(RUN_1), {}, CONFIG, processed)
    rows = (
        pq.read_table(result.run_dir / "page_fields.parquet")
        .select(["commitment_id", "position"])
        .to_pylist()
    )
    keys = [(row["commitment_id"], row["position"]) for row in rows]
    assert keys == sorted(keys) and len(keys) == 60


def test_read_published_returns_the_current_tables(processed: Path) -> None:
    assert read_published(processed) is None
    tables = sample_tables()
    publish(tables, sample_run(RUN_1), {}, CONFIG, processed)
    published = read_published(processed)
    # What the next publish needs: the page tables, member lists and history, not the entities.
    assert published is not None and sorted(published) == sorted(s.name for s in CARRIED_TABLES)
    for name in published:
        table = tables[name]
        assert published[name].schema.equals(table.schema, check_metadata=True)
        key = [(column, "ascending") for column in TABLES_BY_NAME[name].primary_key]
        assert published[name].equals(table.sort_by(key))


def test_carried_over_tables_publish_again_unchanged(processed: Path) -> None:
    first = publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    published = read_published(processed)
    assert published is not None
    # A night where every page is carried over and no page is parsed: nothing changes.
    pages = {**published, PAGE_MEMBER_LISTS.name: build_table(PAGE_MEMBER_LISTS, [])}
    assembled = assemble(pages, published, Publish(RUN_2, datetime(2025, 3, 2, 6, tzinfo=UTC)))
    assert assembled.new_changes.num_rows == 0
    second = publish(assembled.tables, sample_run(RUN_2), {}, CONFIG, processed)
    for name in [*DATA_FILES, "datapackage.json"]:
        assert first.files[name] == second.files[name]


def test_empty_result_is_refused_unless_allowed(processed: Path) -> None:
    with pytest.raises(PublishRefused, match="no commitments"):
        publish(sample_tables(0), sample_run(RUN_1), {}, CONFIG, processed)
    assert not (processed / "current").exists() and not (processed / "runs.jsonl").exists()
    result = publish(
        sample_tables(0), sample_run(RUN_1), {}, replace(CONFIG, allow_empty=True), processed
    )
    assert result.commitments == 0
    assert pq.read_table(processed / "page_fields.parquet").num_rows == 0


@pytest.mark.parametrize(
    ("count", "config", "refused"),
    [
        (89, CONFIG, True),  # 11% lost
        (90, CONFIG, False),  # exactly 10% lost is allowed
        (89, replace(CONFIG, allow_shrink=True), False),
        (60, replace(CONFIG, max_shrink_ratio=0.5), False),
        (0, replace(CONFIG, allow_empty=True), True),  # still a 100% shrink
        (0, replace(CONFIG, allow_empty=True, allow_shrink=True), False),
        (120, CONFIG, False),
    ],
)
def test_shrink_guard(processed: Path, count: int, config: LoadConfig, refused: bool) -> None:
    publish(sample_tables(100, 1), sample_run(RUN_1), {}, CONFIG, processed)
    before = reader_view(processed)
    if refused:
        with pytest.raises(PublishRefused, match="100 are published"):
            publish(sample_tables(count, 1), sample_run(RUN_2), {}, config, processed)
        assert reader_view(processed) == before
    else:
        result = publish(sample_tables(count, 1), sample_run(RUN_2), {}, config, processed)
        assert result.previous_commitments == 100 and result.commitments == count


def test_unpublished_runs_reach_the_ledger_and_the_runs_table_at_once(processed: Path) -> None:
    publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    before, published = file_hashes(processed / "runs"), reader_view(processed)
    record_unpublished_run(sample_run(RUN_2, "refused"), {"why": "shrink"}, processed)
    assert file_hashes(processed / "runs") == before and reader_view(processed) == published
    assert json.loads((processed / "last_run_report.json").read_text()) == {"why": "shrink"}
    assert json.loads((processed / "run_report.json").read_text())["publish"]["commitments"] == 20
    for runs in (
        pq.read_table(processed / "runs.parquet").to_pylist(),
        parse_csv(TABLES_BY_NAME["runs"], (processed / "runs.csv").read_bytes()).to_pylist(),
    ):
        assert [(r["run_id"], r["finish_reason"], r["commitments"]) for r in runs] == [
            (RUN_1, "published", 20),
            (RUN_2, "refused", None),
        ]
    publish(sample_tables(), sample_run(RUN_3, "partial"), {}, CONFIG, processed)
    runs = pq.read_table(processed / "runs.parquet").to_pylist()
    assert [(r["run_id"], r["finish_reason"], r["commitments"]) for r in runs] == [
        (RUN_1, "published", 20),
        (RUN_2, "refused", None),
        (RUN_3, "partial", 20),
    ]
    assert len((processed / "runs.jsonl").read_text().splitlines()) == 3


def test_run_rows_are_checked(processed: Path) -> None:
    with pytest.raises(ValidationFailed, match="finish_reason 'failed'"):
        publish(sample_tables(), sample_run(RUN_1, "failed"), {}, CONFIG, processed)
    with pytest.raises(ValidationFailed, match="finish_reason 'published'"):
        record_unpublished_run(sample_run(RUN_1), {}, processed)
    with pytest.raises(ValidationFailed, match="cannot name a run folder"):
        publish(sample_tables(), sample_run("../escape"), {}, CONFIG, processed)
    with pytest.raises(ValidationFailed, match=r"unknown fields \['colour'\]"):
        publish(sample_tables(), {**sample_run(RUN_1), "colour": "red"}, {}, CONFIG, processed)
    publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    with pytest.raises(ValidationFailed, match="already"):
        publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)


def test_a_ledger_line_lost_in_a_crash_is_recovered(processed: Path) -> None:
    publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    publish(sample_tables(), sample_run(RUN_2), {}, CONFIG, processed)
    # As if killed between switching current and appending the ledger line of RUN_2, and in
    # the middle of appending another line: the run folder's report still holds its row.
    ledger = processed / "runs.jsonl"
    first_line = ledger.read_text().splitlines()[0]
    ledger.write_text(first_line + '\n{"run_id": "2025')
    record_unpublished_run(sample_run(RUN_3, "failed"), {}, processed)
    runs = pq.read_table(processed / "runs.parquet").column("run_id").to_pylist()
    assert runs == [RUN_1, RUN_2, RUN_3]
    assert [json.loads(line)["run_id"] for line in ledger.read_text().splitlines()] == runs


def test_a_damaged_ledger_line_stops_publishing(processed: Path) -> None:
    publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    with (processed / "runs.jsonl").open("a") as ledger:
        ledger.write("not json\n")
    with pytest.raises(ProcessedCorrupt, match=r"runs\.jsonl, line 2"):
        publish(sample_tables(), sample_run(RUN_2), {}, CONFIG, processed)


def test_old_run_folders_are_pruned_but_current_and_gitkeep_stay(processed: Path) -> None:
    config = replace(CONFIG, keep_runs=2)
    run_ids = [f"2025030{day}T060000Z-000{day}" for day in range(1, 6)]
    for run_id in run_ids:
        publish(sample_tables(), sample_run(run_id), {}, config, processed)
    assert sorted(p.name for p in (processed / "runs").iterdir()) == run_ids[-3:]
    assert (processed / "current").readlink() == Path("runs") / run_ids[-1]
    assert (processed / ".gitkeep").exists()


def test_datapackage_describes_every_published_file(processed: Path) -> None:
    result = publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    package = json.loads((processed / "datapackage.json").read_text())
    assert package["profile"] == "data-package"
    assert [lic["name"] for lic in package["licenses"]] == ["notspecified", "MIT"]
    resources = {r["path"]: r for r in package["resources"]}
    assert sorted(resources) == sorted(DATA_FILES)  # the runs table is outside the run folder
    names = {r["name"] for r in package["resources"]}
    for path, resource in resources.items():
        spec_fields = [f["name"] for f in resource["schema"]["fields"]]
        table = path.rsplit(".", 1)[0]
        assert spec_fields == pq.read_schema(processed / f"{table}.parquet").names
        for foreign_key in resource["schema"].get("foreignKeys", []):
            assert foreign_key["reference"]["resource"] in names
        info = result.files[path]
        assert resource["bytes"] == info.bytes == (processed / path).stat().st_size
        assert resource["hash"] == f"sha256:{file_hashes(processed)[path]}"
        if path.endswith(".csv"):
            assert resource["profile"] == "tabular-data-resource"
            assert resource["rows"] == info.rows
        else:  # frictionless checks bytes and hash of a file; pyarrow checks the rest
            assert (resource["type"], resource["profile"]) == ("file", "data-resource")
            assert "rows" not in resource
    fields = {f["name"]: f for f in resources["commitments.csv"]["schema"]["fields"]}
    assert fields["completion"]["constraints"]["enum"][0] == "No Evidence Available"
    assert fields["completion"]["categoriesOrdered"] is True
    assert fields["completion_rank"]["categories"][0] == {
        "value": 1,
        "label": "No Evidence Available",
    }
    assert fields["completion_rank"]["constraints"] == {
        "required": False,
        "minimum": 1,
        "maximum": 5,
    }
    assert fields["policy_areas"]["type"] == "array"
    assert fields["title"]["missingValues"] == []  # required text: "" is an empty string
    assert "missingValues" not in fields["description"]
    assert resources["commitments.csv"]["schema"]["primaryKey"] == ["commitment_id"]


def test_leftover_temporary_folders_are_removed_by_the_next_publish(processed: Path) -> None:
    leftover = processed / "runs" / "20250101T000000Z-dead.tmp"
    leftover.mkdir(parents=True)
    (leftover / "commitments.parquet").write_bytes(b"half")
    publish(sample_tables(), sample_run(RUN_1), {}, CONFIG, processed)
    assert not leftover.exists()
