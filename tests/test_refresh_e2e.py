"""The whole job against the demo site on 127.0.0.1: extract, transform and load together."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from demosite.faults import Status
from demosite.pages import DemoPage
from demosite.server import DemoServer
from pipeline import cli
from pipeline.config import Config, LoadConfig, TransformConfig
from pipeline.errors import PublishRefused
from pipeline.raw import raw_lock
from pipeline.refresh import run_pipeline
from pipeline.schema import DATA_TABLES, TABLES_BY_NAME
from tests.loopback import fast_config


@pytest.fixture(scope="module")
def english_ids(catalog_pages: list[DemoPage]) -> list[str]:
    return sorted(p.commitment_id for p in catalog_pages if p.language == "en")


def config_for(server: DemoServer, tmp_path: Path, **load: object) -> Config:
    base = fast_config(server.base_url, tmp_path / "raw")
    return replace(
        base,
        processed_dir=tmp_path / "processed",
        transform=TransformConfig(workers=1),
        load=LoadConfig(**load),
    )  # type: ignore[arg-type]


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() or p.is_symlink()
    }


def data_hashes(processed: Path) -> dict[str, str]:
    return {
        name: digest
        for name, digest in hashes(processed / "current").items()
        if not name.startswith(("runs.", "run_report"))
    }


def read(processed: Path, table: str):
    return pq.read_table(processed / f"{table}.parquet")


def test_a_refresh_publishes_every_commitment_with_the_declared_types(
    shared_catalog_server, english_ids, tmp_path
):
    server = shared_catalog_server
    outcome = run_pipeline(config_for(server, tmp_path))
    assert outcome.exit_code == 0, outcome.report.render()
    processed = tmp_path / "processed"
    commitments = read(processed, "commitments")
    assert commitments["commitment_id"].to_pylist() == english_ids  # every page, sorted by key
    for spec in (*DATA_TABLES, TABLES_BY_NAME["runs"]):
        table = read(processed, spec.name)
        assert table.schema.equals(spec.schema), spec.name
        keys = list(zip(*(table[c].to_pylist() for c in spec.primary_key), strict=True))
        assert len(keys) == len(set(keys)), f"duplicate keys in {spec.name}"
        if any(parent == "commitments" for _cols, parent, _pcols in spec.foreign_keys):
            assert set(table["commitment_id"].to_pylist()) <= set(english_ids)
    mn0002 = next(r for r in commitments.to_pylist() if r["commitment_id"] == "MN0002")
    assert (mn0002["title"], mn0002["action_plan_cycle"], mn0002["template"]) == (
        "Modernize performance indicators of information transparency of public organizations"
        " into ―”citizen targeted” ones.",
        2014,
        "T1",
    )
    # Stored once per member and language (from the most recently fetched page showing it).
    listed = read(processed, "member_commitment_list").to_pylist()
    mongolia = [r for r in listed if (r["member_slug"], r["language"]) == ("mongolia", "en")]
    assert [r["position"] for r in mongolia] == list(range(34))
    assert len({r["source_commitment_id"] for r in mongolia}) == 1
    assert "MN0022" in {r["listed_commitment_id"] for r in mongolia}
    assert read(processed, "runs").num_rows == 1


def test_a_rerun_with_nothing_changed_downloads_and_parses_nothing_and_changes_no_data_file(
    shared_catalog_server, english_ids, tmp_path
):
    server = shared_catalog_server
    config = config_for(server, tmp_path)
    run_pipeline(config)
    before = data_hashes(config.processed_dir)
    again = run_pipeline(config)
    assert again.exit_code == 0
    assert again.report.stages["extract"]["fetched"] == 0
    assert again.report.stages["extract"]["not_modified"] == len(english_ids)
    assert again.report.stages["transform"]["pages_parsed"] == 0
    assert data_hashes(config.processed_dir) == before
    assert read(config.processed_dir, "runs").num_rows == 2


def test_a_changed_page_is_refetched_and_only_it_is_parsed_again(
    catalog_site, catalog_pages, tmp_path
):
    demo, server = catalog_site
    config = config_for(server, tmp_path)
    first = run_pipeline(config)
    page = next(p for p in catalog_pages if p.commitment_id == "UK0067")
    demo.change(
        "UK0067",
        page.html.replace("Open contracting (UK0067)", "Open contracting, revised (UK0067)"),
    )
    second = run_pipeline(config)
    assert second.report.stages["extract"]["fetched"] == 1
    assert second.report.stages["transform"]["pages_parsed"] == 1
    rows = {r["commitment_id"]: r for r in read(config.processed_dir, "commitments").to_pylist()}
    assert rows["UK0067"]["title"] == "Open contracting, revised"
    assert rows["UK0067"]["run_id"] == second.run_id  # provenance names the fetch
    assert rows["MN0002"]["run_id"] == first.run_id


def test_a_page_that_keeps_failing_is_reported_and_the_rest_is_published_with_exit_3(
    catalog_site, english_ids, tmp_path
):
    demo, server = catalog_site
    path = demo.url_of("GH0003").removeprefix(server.base_url)
    server.faults.push(path, *[Status(500)] * 10)
    outcome = run_pipeline(config_for(server, tmp_path))
    assert outcome.exit_code == 3
    assert [f["url"] for f in outcome.report.failures] == [demo.url_of("GH0003")]
    ids = read(tmp_path / "processed", "commitments")["commitment_id"].to_pylist()
    assert ids == [i for i in english_ids if i != "GH0003"]


def test_losing_commitments_refuses_to_publish_unless_allowed(catalog_site, english_ids, tmp_path):
    demo, server = catalog_site
    config = config_for(server, tmp_path)
    run_pipeline(config)
    published = (tmp_path / "processed" / "current").resolve()
    before = data_hashes(tmp_path / "processed")
    for commitment_id in english_ids[: len(english_ids) // 4]:
        demo.remove(commitment_id, status=410)
    with pytest.raises(PublishRefused, match="commitments"):
        run_pipeline(config)
    assert (tmp_path / "processed" / "current").resolve() == published
    assert data_hashes(tmp_path / "processed") == before
    allowed = run_pipeline(replace(config, load=LoadConfig(allow_shrink=True)))
    assert allowed.exit_code == 0
    remaining = read(tmp_path / "processed", "commitments").num_rows
    assert remaining == len(english_ids) - len(english_ids) // 4


def test_transform_runs_offline_from_raw_alone(shared_catalog_server, tmp_path):
    server = shared_catalog_server
    config = config_for(server, tmp_path)
    run_pipeline(config)
    before = data_hashes(config.processed_dir)
    offline = replace(config, fetch=replace(config.fetch, base_url="http://127.0.0.1:9"))
    outcome = run_pipeline(offline, fetch_pages=False)
    assert outcome.exit_code == 0
    assert data_hashes(config.processed_dir) == before


def test_the_cli_exit_codes_for_a_good_run_and_a_locked_raw_folder(shared_catalog_server, tmp_path):
    server = shared_catalog_server
    args = [
        "refresh",
        "--base-url",
        server.base_url,
        "--raw-dir",
        str(tmp_path / "raw"),
        "--processed-dir",
        str(tmp_path / "processed"),
        "--delay",
        "0",
        "--no-progress",
        "--workers",
        "1",
    ]
    assert cli.main(args) == 0
    with raw_lock(tmp_path / "raw"):
        assert cli.main(args) == 5
