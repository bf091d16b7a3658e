"""datapackage.json of a real demo-site publish: ``frictionless validate`` finds no error (it
checks the CSV files cell by cell, and bytes and hash of the Parquet files), and pyarrow finds
each Parquet file as its descriptor says (types, required, enums, ranks, keys, rows, bytes,
hash), which frictionless cannot check: it reads Parquet through pandas."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipeline.schema import DATA_TABLES, SCHEMA_VERSION
from tests.conftest import DemoPublish

pytestmark = pytest.mark.slow

_TYPES = {
    "string": pa.types.is_string,
    "integer": pa.types.is_integer,
    "boolean": pa.types.is_boolean,
    "date": pa.types.is_date32,
    "datetime": lambda t: pa.types.is_timestamp(t) and t.tz == "UTC",
    "array": lambda t: pa.types.is_list(t) and pa.types.is_string(t.value_type),
}


def resources(processed: Path) -> dict[str, dict[str, object]]:
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: r for r in package["resources"]}


def frictionless_validate(folder: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return done, json.loads(done.stdout)


def test_frictionless_validate_finds_no_error(demo_publish: DemoPublish) -> None:
    # As a user runs it: in processed/, through its links to the current run folder.
    done, report = frictionless_validate(demo_publish.processed)
    errors = [(task["name"], error["note"]) for task in report["tasks"] for error in task["errors"]]
    assert errors == [] and report["errors"] == [], errors[:10]
    assert report["valid"] is True and done.returncode == 0, done.stderr[-2000:]
    checked = {task["name"] for task in report["tasks"]}
    assert checked == set(resources(demo_publish.processed))  # every resource was looked at
    assert all(task["stats"]["bytes"] for task in report["tasks"])


def test_frictionless_validate_does_check_cells_and_hashes(
    demo_publish: DemoPublish, tmp_path: Path
) -> None:
    """The control: a copy with one CSV cell outside its enum is reported."""
    copy = tmp_path / "copy"
    shutil.copytree(demo_publish.processed / "current", copy)
    csv = copy / "commitments.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",Substantial,", ",Nearly,", 1))
    done, report = frictionless_validate(copy)
    errors = {(t["name"], e["type"]) for t in report["tasks"] for e in t["errors"]}
    assert done.returncode == 1
    assert errors == {
        ("commitments-csv", "constraint-error"),  # "Nearly" is not in completion's enum
        ("commitments-csv", "hash-count"),
        ("commitments-csv", "byte-count"),
    }


def test_package_names_the_licences_and_the_source(demo_publish: DemoPublish) -> None:
    package = json.loads((demo_publish.processed / "datapackage.json").read_text())
    licences = {lic["name"]: lic for lic in package["licenses"]}
    assert sorted(licences) == ["MIT", "notspecified"]
    assert "licence unknown" in licences["notspecified"]["title"]
    assert "pipeline" in licences["MIT"]["title"]
    assert package["sources"][0]["path"] == "https://www.opengovpartnership.org"


def _values(column: pa.ChunkedArray) -> pa.Array:
    flat = column.combine_chunks()
    return pc.list_flatten(flat) if pa.types.is_list(flat.type) else flat


def test_parquet_files_are_what_their_descriptors_say(demo_publish: DemoPublish) -> None:
    processed = demo_publish.processed
    described = resources(processed)
    parquet = [r for r in described.values() if r["format"] == "parquet"]
    assert len(parquet) == len(DATA_TABLES) == 12
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    assert package["schema_version"] == SCHEMA_VERSION
    for resource in parquet:
        path = processed / str(resource["path"])
        data = path.read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"
        table = pq.read_table(path)
        assert table.schema.metadata[b"schema_version"] == SCHEMA_VERSION.encode()
        csv_twin = described[str(resource["name"]).replace("-parquet", "-csv")]
        assert table.num_rows == csv_twin["rows"] > 0
        schema = resource["schema"]
        assert isinstance(schema, dict)
        fields = schema["fields"]
        assert table.schema.names == [f["name"] for f in fields]
        for field in fields:
            name, column = field["name"], table.column(field["name"])
            assert _TYPES[field["type"]](column.type), (resource["name"], name, column.type)
            constraints = field["constraints"]
            if constraints["required"]:
                assert column.null_count == 0, (resource["name"], name)
            present = pc.drop_null(_values(column)).to_pylist()
            allowed = constraints.get("enum") or field.get("vocabulary")
            if allowed is not None:
                assert set(present) <= set(allowed), (resource["name"], name)
            if "minimum" in constraints:
                assert all(constraints["minimum"] <= v <= constraints["maximum"] for v in present)
        key = schema["primaryKey"]
        assert table.group_by(key).aggregate([([], "count_all")]).num_rows == table.num_rows
        for foreign in schema.get("foreignKeys", []):
            parent = described[foreign["reference"]["resource"]]
            assert parent["format"] == "parquet"
            (parent_column,) = foreign["reference"]["fields"]
            parent_ids = pq.read_table(processed / parent["path"]).column(parent_column)
            child_ids = pc.drop_null(table.column(foreign["fields"][0]))
            assert len(child_ids) > 0, (resource["name"], foreign)
            assert pc.all(pc.is_in(child_ids, value_set=parent_ids.combine_chunks())).as_py()


def test_ranks_follow_their_scale_in_the_files(demo_publish: DemoPublish) -> None:
    commitments = pq.read_table(demo_publish.processed / "commitments.parquet")
    fields = {
        f["name"]: f
        for f in resources(demo_publish.processed)["commitments-csv"]["schema"]["fields"]
    }
    for rank in ("completion_rank", "potential_impact_rank", "ambition_rank",
                 "early_results_rank", "status_rank"):  # fmt: skip
        scale = [c["label"] for c in fields[rank]["categories"]]
        assert scale == fields[rank.removesuffix("_rank")]["constraints"]["enum"]
        for value, place in zip(
            commitments.column(rank.removesuffix("_rank")).to_pylist(),
            commitments.column(rank).to_pylist(),
            strict=True,
        ):
            assert place == (None if value is None else scale.index(value) + 1)
    assert set(commitments.column("completion_rank").to_pylist()) >= {3, 4}  # not all null
