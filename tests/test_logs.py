"""Logs like other tools': JSON records with run id, stage, URL and event names; a log file;
levels; and log lines that never land inside the progress bar. Real processes against the demo
site on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from demosite.faults import Status
from pipeline.cli.settings import resolve
from pipeline.schema import DATA_TABLES
from pipeline.transform.faults import BUG_MARKER, ENV
from tests.loopback import Demo

TEXT_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) ")


def refresh(
    demo: Demo, tmp_path: Path, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "refresh", "--base-url", demo.url,
         "--raw-dir", str(tmp_path / "raw"), "--processed-dir", str(tmp_path / "processed"),
         "--delay", "0", "--workers", "1", *options],
        capture_output=True, check=False, timeout=120, env={**os.environ, **(env or {})},
    )  # fmt: skip
    # Decoded here, not with text=True: universal newlines would turn the bar's \r into \n.
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def screen(stream: str) -> list[str]:
    """What a terminal shows for this output: a carriage return moves back to the start of the
    line and what follows overwrites it (tqdm draws its bar that way)."""
    lines = []
    for raw in stream.split("\n"):
        shown: list[str] = []
        for part in raw.split("\r"):
            shown[: len(part)] = list(part)
        lines.append("".join(shown).rstrip())
    return lines


def failing_page(demo: Demo) -> str:
    """Make one page answer 403 (failed at once, no retry to wait for); returns its URL."""
    commitment_id = sorted(p.commitment_id for p in demo.site.pages())[0]
    demo.server.faults.push(demo.path(commitment_id), *[Status(403)] * 5)
    return demo.site.url_of(commitment_id)


def test_json_records_carry_run_id_stage_url_and_event(demo, tmp_path):
    url = failing_page(demo)
    done = refresh(demo, tmp_path, "--log-format", "json", "-v", "--no-progress")
    assert done.returncode == 3, done.stderr[-2000:]
    records = [json.loads(line) for line in done.stderr.splitlines()]  # every line is JSON
    report = json.loads((tmp_path / "processed" / "last_run_report.json").read_text())
    in_run = [r for r in records if "run_id" in r]
    assert {r["run_id"] for r in in_run} == {report["run_id"]}
    assert {"extract", "transform", "load"} <= {r.get("stage") for r in in_run}
    failed = [r for r in records if r["event"] == "page_failed"]
    assert [(r["url"], r["stage"], r["level"]) for r in failed] == [(url, "extract", "WARNING")]
    assert {"stage_started", "stage_finished", "run_finished"} <= {r["event"] for r in records}
    summary = records[-1]
    assert (summary["event"], summary["exit_code"]) == ("run_summary", 3)
    assert "run_report.html" in summary["message"]
    for record in records:
        assert {"time", "level", "logger", "event", "message"} <= set(record)


def test_a_log_file_takes_the_records_and_stderr_keeps_the_summary(demo, tmp_path):
    failing_page(demo)
    log_file = tmp_path / "logs" / "refresh.log"
    done = refresh(demo, tmp_path, "--log-file", str(log_file), "--no-progress")
    assert done.returncode == 3
    assert not any(TEXT_RECORD.match(line) for line in done.stderr.splitlines())
    assert done.stderr.startswith("run ") and "partial" in done.stderr.splitlines()[0]
    logged = log_file.read_text(encoding="utf-8").splitlines()
    assert any(TEXT_RECORD.match(line) and "403" in line for line in logged)
    summary = [line for line in logged if TEXT_RECORD.match(line) and "pipeline: run " in line]
    assert len(summary) == 1 and summary[0].endswith(": partial (exit 3)")


@pytest.mark.parametrize(("option", "shown"), [("-q", set()), ("--log-level=info", {"INFO"})])
def test_the_level_decides_which_records_show(demo, tmp_path, option, shown):
    done = refresh(demo, tmp_path, option, "--no-progress")
    assert done.returncode == 0, done.stderr[-2000:]
    levels = {m.group(1) for line in done.stderr.splitlines() if (m := TEXT_RECORD.match(line))}
    assert levels == shown


def test_log_lines_never_break_the_progress_bar(demo, tmp_path):
    # -v logs every request (httpx, httpcore) while the bar is drawn.
    failing_page(demo)
    done = refresh(demo, tmp_path, "--progress", "-v")
    assert done.returncode == 3, done.stderr[-2000:]
    assert "\r" in done.stderr and "page/s" in done.stderr  # the bar was drawn, in place
    lines = screen(done.stderr)
    records = [line for line in lines if TEXT_RECORD.search(line)]
    assert len(records) > 10
    broken = [line for line in records if not TEXT_RECORD.match(line)]
    assert not broken, broken[:3]
    # Transform and load show their progress too: pages parsed, tables written.
    tables = len(DATA_TABLES)
    finished = {line.split(":")[0] for line in lines if re.match(r"\w+: 100%\|", line)}
    assert finished == {"extract", "transform", "load"}
    assert any(re.match(rf"load: 100%\|.*\| {tables}/{tables} .*table/s", line) for line in lines)
    assert any(re.match(r"transform: 100%\|.*\| 11/11 .*page/s", line) for line in lines)


def test_a_parser_bug_in_a_worker_process_is_logged_by_the_parent_in_its_format(demo, tmp_path):
    page = sorted(demo.site.pages(), key=lambda p: p.commitment_id)[1]
    demo.site.change(page.commitment_id, page.html.replace("</body>", f"{BUG_MARKER}</body>"))
    done = refresh(demo, tmp_path, "--log-format", "json", "--no-progress", env={ENV: "1"})
    assert done.returncode == 3, done.stderr[-2000:]
    records = [json.loads(line) for line in done.stderr.splitlines()]  # nothing else on stderr
    [bug] = [r for r in records if r["event"] == "page_failed"]
    assert (bug["level"], bug["stage"], bug["url"]) == (
        "ERROR", "transform", demo.site.url_of(page.commitment_id),
    )  # fmt: skip
    assert "RuntimeError('a parser bug (test fault)')" in bug["message"]
    assert "Traceback (most recent call last)" in bug["message"]


def test_the_test_fault_switch_is_not_mistaken_for_a_misspelt_option():
    assert resolve("refresh", {}, {ENV: "1"}).warnings == []


def test_a_bug_in_one_extract_task_is_logged_once_with_its_traceback(
    demo, tmp_path, monkeypatch, capsys
):
    # As in tests/extract/test_hostile_input.py: a step made to fail, for any future bug.
    from pipeline.cli import main
    from pipeline.extract import crawl

    page = demo.site.url_of(sorted(p.commitment_id for p in demo.site.pages())[0])
    real = dict(crawl.STEPS)

    async def buggy(ctx, item):
        if item.url == page:
            raise RuntimeError("a bug in a step")
        return await real[item.kind](ctx, item)

    monkeypatch.setitem(crawl.STEPS, "commitment", buggy)
    code = main(["refresh", "--base-url", demo.url, "--raw-dir", str(tmp_path / "raw"),
                 "--processed-dir", str(tmp_path / "processed"), "--delay", "0",
                 "--no-progress", "--log-format", "json", "--workers", "1"])  # fmt: skip
    assert code == 3
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [failed] = [r for r in records if r["event"] == "page_failed"]
    assert (failed["url"], failed["stage"], failed["level"]) == (page, "extract", "ERROR")
    assert "RuntimeError: a bug in a step" in failed["exception"]
