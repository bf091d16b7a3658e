"""A raw/ and a publish written by the release before schema 3.0.0 (``tests/fixtures/publish_v2``:
six fixture pages refreshed by that release, unchanged) are taken over by an offline
``transform``: raw/ is migrated to schema 3 (its fetch log seeded), and the 2.0.0 tables are
migrated in memory and carried over instead of parsing every page again. The tables published
are the ones a fresh parse of the same raw/ gives, file for file; the history starts there."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import PARSER_VERSION
from pipeline.config import Config, TransformConfig
from pipeline.load.migrate import V2, schema_version_of
from pipeline.raw import RawStore
from pipeline.refresh import run_pipeline
from pipeline.schema import DATA_TABLES, HISTORY_TABLES, SCHEMA_VERSION
from tests.paths import ROOT

pytestmark = pytest.mark.slow
FIXTURE = ROOT / "tests" / "fixtures" / "publish_v2"


def transform(raw: Path, processed: Path) -> tuple[int, int]:
    config = Config(raw_dir=raw, processed_dir=processed, transform=TransformConfig(workers=1))
    outcome = run_pipeline(config, fetch_pages=False)
    assert outcome.exit_code == 0, outcome.report.render()
    stage = outcome.report.stages["transform"]
    return int(stage["pages_parsed"]), int(stage["pages_reused"])  # type: ignore[call-overload]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_2_0_0_publish_is_carried_over_as_a_fresh_parse_would_publish_it(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old"
    shutil.copytree(FIXTURE, old, symlinks=True)
    fresh_raw = tmp_path / "fresh-raw"
    shutil.copytree(FIXTURE / "raw", fresh_raw)
    assert schema_version_of(old / "processed" / "current") == V2
    versions = set(
        pq.read_table(old / "processed" / "current" / "commitments.parquet")[
            "parser_version"
        ].to_pylist()
    )

    parsed, reused = transform(old / "raw", old / "processed")
    same_parser = versions == {PARSER_VERSION}
    assert (parsed, reused) == ((0, 6) if same_parser else (6, 0))
    assert transform(fresh_raw, tmp_path / "fresh") == (6, 0)

    current = old / "processed" / "current"
    assert schema_version_of(current) == SCHEMA_VERSION
    for spec in DATA_TABLES:
        if spec in HISTORY_TABLES:
            continue
        for ext in ("parquet", "csv"):
            name = f"{spec.name}.{ext}"
            assert digest(current / name) == digest(tmp_path / "fresh" / name), name
    # The history starts with this publish: every commitment added, one version each.
    for processed in (old / "processed", tmp_path / "fresh"):
        changes = pq.read_table(processed / "commitment_changes.parquet")
        assert set(changes["change"].to_pylist()) == {"added"} and changes.num_rows == 6
        assert pq.read_table(processed / "commitment_history.parquet").num_rows == 6


def test_its_raw_folder_is_migrated_to_schema_3_with_a_seeded_fetch_log(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE / "raw", raw)
    transform(raw, tmp_path / "processed")
    assert (raw / "state.v2-backup.sqlite").exists()
    with RawStore(raw) as store:
        log = store.db.fetch_log()
        pages = store.current_pages()
    assert len(pages) == 6
    assert {(e.commitment_id, e.sha256, e.state) for e in log} == {
        (p.commitment_id, p.sha256, "ok") for p in pages
    }
