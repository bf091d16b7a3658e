"""One mapping from how a run ended to its exit code: the process exits with the code that the
run report, the runs ledger and the runs table record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.exit_codes import (
    EXIT_NOT_PUBLISHED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    exit_code_of_finish,
)
from pipeline.schema import FINISH_REASONS


def recorded(processed: Path) -> tuple[dict[str, object], dict[str, object]]:
    """The last ledger line and the last run report."""
    ledger = (processed / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    report = json.loads((processed / "last_run_report.json").read_text(encoding="utf-8"))
    return json.loads(ledger[-1]), report


def test_a_refused_publish_exits_with_the_code_it_records(tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    # Nothing was ever extracted: the result is empty, and an empty result is refused.
    code = main(
        ["transform", "--raw-dir", str(tmp_path / "raw"), "--processed-dir", str(processed),
         "--workers", "1"]
    )  # fmt: skip
    row, report = recorded(processed)
    assert code == EXIT_NOT_PUBLISHED
    assert (row["finish_reason"], row["exit_code"]) == ("refused", code)
    assert (report["finish_reason"], report["exit_code"]) == ("refused", code)


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
    assert (row["finish_reason"], row["exit_code"]) == ("failed", code)
    assert (report["finish_reason"], report["exit_code"]) == ("failed", code)


@pytest.mark.parametrize(
    ("reason", "code"),
    [("published", EXIT_OK), ("partial", EXIT_PARTIAL), ("refused", EXIT_NOT_PUBLISHED),
     ("failed", EXIT_NOT_PUBLISHED), ("complete", EXIT_OK), ("max_pages", EXIT_OK),
     ("interrupted", EXIT_NOT_PUBLISHED), ("max_runtime", EXIT_PARTIAL)],
)  # fmt: skip
def test_every_finish_reason_has_its_documented_code(reason: str, code: int) -> None:
    assert exit_code_of_finish(reason) == code


def test_every_finish_reason_the_runs_table_allows_has_a_code() -> None:
    assert {reason: exit_code_of_finish(reason) for reason in FINISH_REASONS} == {
        "published": EXIT_OK,
        "partial": EXIT_PARTIAL,
        "refused": EXIT_NOT_PUBLISHED,
        "failed": EXIT_NOT_PUBLISHED,
        "interrupted": EXIT_NOT_PUBLISHED,
    }
