"""One mapping from how a run ended to its exit code: the process exits with the code that the
run report, the runs ledger and the runs table record."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.exit_codes import (
    EXIT_GUARD,
    EXIT_INTERNAL,
    EXIT_NOT_PUBLISHED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_STALE,
    EXIT_USAGE,
    exit_code_of_finish,
)
from pipeline.schema import FINISH_REASONS
from tests.paths import ROOT


def recorded(processed: Path) -> tuple[dict[str, object], dict[str, object]]:
    """The last ledger line and the last run report; the runs table (Parquet and CSV) must
    say the same of that run as the ledger line."""
    ledger = json.loads((processed / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    report = json.loads((processed / "last_run_report.json").read_text(encoding="utf-8"))
    runs = pq.read_table(processed / "runs.parquet").to_pylist()
    [row] = [r for r in runs if r["run_id"] == ledger["run_id"] == report["run_id"]]
    with (processed / "runs.csv").open(encoding="utf-8", newline="") as handle:
        [csv_row] = [r for r in csv.DictReader(handle) if r["run_id"] == ledger["run_id"]]
    assert (row["finish_reason"], row["exit_code"]) == (
        ledger["finish_reason"],
        ledger["exit_code"],
    )
    assert (csv_row["finish_reason"], int(csv_row["exit_code"])) == (
        ledger["finish_reason"], ledger["exit_code"],
    )  # fmt: skip
    return ledger, report


def test_a_refused_publish_exits_with_the_code_it_records(tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    (tmp_path / "raw").mkdir()
    # Nothing was ever extracted: the result is empty, and an empty result is refused.
    code = main(
        ["transform", "--raw-dir", str(tmp_path / "raw"), "--processed-dir", str(processed),
         "--workers", "1"]
    )  # fmt: skip
    row, report = recorded(processed)
    assert code == EXIT_GUARD
    assert (row["finish_reason"], row["exit_code"]) == ("refused", code)
    assert (report["finish_reason"], report["exit_code"]) == ("refused", code)
    assert report["refused_by"] == row["refused_by"] == "empty"
    assert row["error"] == report["error"] and "empty" in row["error"]


def test_a_config_error_inside_a_run_exits_with_the_code_it_records(tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text("this line names no commitment\nneither does this one\n")
    processed = tmp_path / "processed"
    code = main(
        ["refresh", "--base-url", "http://127.0.0.1:9", "--seed-file", str(seed),
         "--raw-dir", str(tmp_path / "raw"), "--processed-dir", str(processed), "--no-progress"]
    )  # fmt: skip
    row, report = recorded(processed)
    assert code == EXIT_USAGE
    assert (row["finish_reason"], row["exit_code"], row["refused_by"]) == ("failed", code, None)
    assert (report["finish_reason"], report["exit_code"]) == ("failed", code)
    assert row["error"] == report["error"] and "seed" in row["error"]


@pytest.mark.parametrize(
    ("reason", "code"),
    [("published", EXIT_OK), ("partial", EXIT_PARTIAL), ("refused", EXIT_GUARD),
     ("failed", EXIT_NOT_PUBLISHED), ("complete", EXIT_OK), ("max_pages", EXIT_OK),
     ("interrupted", EXIT_NOT_PUBLISHED), ("max_runtime", EXIT_PARTIAL)],
)  # fmt: skip
def test_every_finish_reason_has_its_documented_code(reason: str, code: int) -> None:
    assert exit_code_of_finish(reason) == code


def test_every_finish_reason_the_runs_table_allows_has_a_code() -> None:
    assert {reason: exit_code_of_finish(reason) for reason in FINISH_REASONS} == {
        "published": EXIT_OK,
        "partial": EXIT_PARTIAL,
        "refused": EXIT_GUARD,
        "failed": EXIT_NOT_PUBLISHED,
        "interrupted": EXIT_NOT_PUBLISHED,
    }


def test_a_stale_data_dictionary_exits_with_its_own_code_not_internal_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    stale = tmp_path / "DATA.md"
    stale.write_text("# an old dictionary\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "data-dictionary", "--check", str(stale)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == EXIT_STALE != EXIT_INTERNAL
    assert done.stderr == (
        f"error: {stale} is stale; regenerate it with: ogp-pipeline data-dictionary > {stale}\n"
    )
    fresh = subprocess.run(
        [sys.executable, "-m", "pipeline", "data-dictionary", "--check", "docs/DATA.md"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert (fresh.returncode, fresh.stderr) == (EXIT_OK, "")


def test_transform_of_a_raw_folder_that_does_not_exist_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-raw"
    code = main(["transform", "--raw-dir", str(missing), "--processed-dir", str(tmp_path / "p")])
    assert code == EXIT_USAGE
    assert capsys.readouterr().err.count(f"raw folder {missing} does not exist") == 1
    assert not missing.exists() and not (tmp_path / "p").exists()  # no empty store created


def test_a_bug_is_recorded_with_the_internal_error_code_the_process_exits_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The one patched function in these tests: a bug cannot be provoked from outside.
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in transform")

    monkeypatch.setattr("pipeline.refresh.transform_raw", broken)
    (tmp_path / "raw").mkdir()
    processed = tmp_path / "processed"
    with pytest.raises(RuntimeError, match="a bug in transform"):  # Python then exits 1
        main(["transform", "--raw-dir", str(tmp_path / "raw"), "--processed-dir", str(processed)])
    row, report = recorded(processed)
    assert (row["finish_reason"], row["exit_code"]) == ("failed", EXIT_INTERNAL)
    assert (report["exit_code"], report["error"]) == (
        EXIT_INTERNAL, "internal error: RuntimeError('a bug in transform')",
    )  # fmt: skip
    assert (processed / "run_report.html").is_file()
