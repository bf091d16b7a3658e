"""Publishing a run: write a new run folder, read it back, validate it, switch ``current``;
then record the run (ledger, runs table, last run report).

Until the one atomic rename of ``processed/current``, nothing a reader can see has changed; a
crash, a kill, a full disk or a failed check at any earlier point leaves the previous publish
exactly as it was (the unfinished ``runs/<run_id>.tmp`` is removed then or at the next publish).
A run that publishes nothing is still recorded (``record_unpublished_run``).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.clock import utc_now
from pipeline.config import LoadConfig
from pipeline.errors import ProcessedCorrupt, PublishRefused, RunNotRecorded, ValidationFailed
from pipeline.json_values import json_default
from pipeline.load import layout
from pipeline.load.datapackage import render_datapackage
from pipeline.load.ledger import (
    append_ledger,
    read_ledger,
    recover_published_run,
    run_row,
    write_runs_table,
)
from pipeline.load.validate import validate_tables
from pipeline.load.write import (
    FileInfo,
    TableFiles,
    read_back,
    sorted_table,
    write_file,
    write_table_files,
)
from pipeline.schema import COMMITMENTS, DATA_TABLES, TABLES_BY_NAME

PUBLISHED_REASONS = ("published", "partial")
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # a folder name, never a path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote; ``as_report()`` is stored in the run report under "publish"."""

    run_dir: Path
    tables: Mapping[str, TableFiles]  # every data table written
    datapackage: FileInfo
    commitments: int
    previous_commitments: int | None  # None when nothing was published before
    # Set when the run was published but processed/ could not take its record (ledger, runs
    # table, last report): the next run adds the ledger line back from the run folder.
    not_recorded: str | None = None

    @property
    def files(self) -> dict[str, FileInfo]:
        """Every file of the run folder but the run report, by name."""
        tables = [f for t in self.tables.values() for f in (t.parquet, t.csv)]
        return {f.name: f for f in [*tables, self.datapackage]}

    def as_report(self) -> dict[str, object]:
        """What the run report records about the publish (JSON-able)."""
        return {
            "run_dir": f"{layout.RUNS_DIR}/{self.run_dir.name}",  # relative to processed/
            "commitments": self.commitments,
            "previous_commitments": self.previous_commitments,
            "files": {
                name: {"rows": f.rows, "bytes": f.bytes, "sha256": f.sha256}
                for name, f in sorted(self.files.items())
            },
        }


def publish(
    tables: Mapping[str, pa.Table],
    run: Mapping[str, object],
    report: Mapping[str, object],
    config: LoadConfig,
    processed_dir: Path,
    on_progress: Callable[[int, int], None] | None = None,
) -> PublishResult:
    """Publish every data table; see the module docstring. ``run`` is this run's runs row
    without ``commitments`` (counted here) and, optionally, ``finished_at`` (default: now).
    ``on_progress(done, total)`` is called as tables are written and read back.
    Raises ValidationFailed, PublishRefused, DiskFull, ProcessedNotWritable or
    ProcessedCorrupt; the previous publish is then untouched."""
    if sorted(tables) != sorted(spec.name for spec in DATA_TABLES):
        raise ValidationFailed(f"publish needs exactly the tables {[s.name for s in DATA_TABLES]}")
    validate_tables(tables)
    count = tables[COMMITMENTS.name].num_rows
    row = run_row(run, commitments=count, finished_at=run.get("finished_at") or utc_now())
    run_id = _run_id(row, PUBLISHED_REASONS)
    with layout.writing(processed_dir), layout.publish_lock(processed_dir):
        layout.remove_leftovers(processed_dir)
        previous_dir = layout.current_run_dir(processed_dir)
        previous = _commitment_count(previous_dir)
        refuse_shrink(count, previous, config)
        recover_published_run(processed_dir, previous_dir)
        _check_new(processed_dir, run_id)
        run_dir = processed_dir / layout.RUNS_DIR / run_id
        written, package = _write_run(processed_dir, run_id, tables, on_progress)
        result = PublishResult(run_dir, written, package, count, previous)
        report_bytes = _report_json({**report, "run": row, "publish": result.as_report()})
        _finish_run_folder(processed_dir, run_id, report_bytes)
        layout.ensure_reader_links(processed_dir, [*result.files, layout.RUN_REPORT])
        layout.switch_current(processed_dir, run_dir)
        # Published. What follows records the run; failing that must not unpublish it.
        problems = _record(processed_dir, row, report_bytes)
        try:
            removed = layout.prune_runs(processed_dir, config.keep_runs)
        except OSError as exc:
            problems.append(f"old run folders not removed: {_describe(processed_dir, exc)}")
            removed = []
    log.info("published run %s (%d commitments); removed old runs %s", run_id, count, removed)
    return replace(result, not_recorded="; ".join(problems) or None)


def record_unpublished_run(
    run: Mapping[str, object], report: Mapping[str, object], processed_dir: Path
) -> None:
    """A run that did not publish (finish_reason ``refused``, ``failed`` or ``interrupted``)
    still gets its ledger line, its row in the runs table and becomes ``last_run_report.json``;
    the published data is not touched. Raises RunNotRecorded when processed/ cannot take some
    of that (a full or read-only disk), after writing what it could."""
    row = run_row(run, finished_at=run.get("finished_at") or utc_now())
    run_id = _run_id(row, ("refused", "failed", "interrupted"))
    try:
        with layout.publish_lock(processed_dir):
            recover_published_run(processed_dir, layout.current_run_dir(processed_dir))
            _check_new(processed_dir, run_id)
            problems = _record(processed_dir, row, _report_json(report))
    except OSError as exc:
        problems = [_describe(processed_dir, exc)]
    if problems:
        raise RunNotRecorded(f"run {run_id} could not be recorded: {'; '.join(problems)}")


def _record(processed_dir: Path, row: Mapping[str, object], report_bytes: bytes) -> list[str]:
    """Append the ledger line, rewrite the runs table, replace the last run report; each step
    is tried even when an earlier one failed (a line appended to the ledger may fit where a
    new file does not). Returns what could not be written."""
    steps: list[Callable[[], object]] = [
        lambda: append_ledger(processed_dir, row),
        lambda: write_runs_table(processed_dir),
        lambda: layout.write_atomically(processed_dir / layout.LAST_REPORT, report_bytes),
    ]
    problems = []
    for step in steps:
        try:
            step()
        except OSError as exc:
            problems.append(_describe(processed_dir, exc))
    return problems


def _describe(processed_dir: Path, exc: OSError) -> str:
    error = layout.write_error(processed_dir, exc)
    if error is None:
        raise exc  # not a full or read-only disk: a bug or a hardware fault
    return str(error)


def complete_last_report(processed_dir: Path, report: Mapping[str, object]) -> None:
    """Replace last_run_report.json with the run's final report, which adds what is known only
    once publishing is done (the load stage's duration, peak memory). The run folder keeps the
    report as it was when the folder was sealed. Raises DiskFull or ProcessedNotWritable."""
    with layout.writing(processed_dir), layout.publish_lock(processed_dir):
        layout.write_atomically(processed_dir / layout.LAST_REPORT, _report_json(report))


def refuse_shrink(count: int, previous: int | None, config: LoadConfig) -> None:
    """Raise PublishRefused for an empty result (unless allow_empty) and for one that lost
    more than max_shrink_ratio of the published commitments (unless allow_shrink); an empty
    result after a non-empty publish needs both."""
    reasons = []
    if count == 0 and not config.allow_empty:
        reasons.append("the result has no commitments (allow_empty / --allow-empty)")
    if previous and not config.allow_shrink:
        lost = (previous - count) / previous
        if lost > config.max_shrink_ratio:
            reasons.append(
                f"it has {count} commitments where {previous} are published: {lost:.1%} lost, "
                f"more than the {config.max_shrink_ratio:.1%} allowed "
                "(allow_shrink / --allow-shrink, or max_shrink_ratio / --max-shrink)"
            )
    if reasons:
        guard = "empty" if count == 0 and not config.allow_empty else "shrink"
        raise PublishRefused("not published: " + "; ".join(reasons), guard)


def _write_run(
    processed_dir: Path,
    run_id: str,
    tables: Mapping[str, pa.Table],
    on_progress: Callable[[int, int], None] | None,
) -> tuple[dict[str, TableFiles], FileInfo]:
    """Write, read back and validate every table and the datapackage in runs/<run_id>.tmp;
    on any failure the folder is removed (an OSError is turned into DiskFull or
    ProcessedNotWritable by the caller)."""
    folder = layout.temporary_run_dir(processed_dir, run_id)
    folder.mkdir(parents=True)
    try:
        # One table at a time: only one ordered copy is in memory besides the input. Each
        # file is read back and compared with the rows written, so the checks publish() made
        # on the input hold for what readers get.
        files = {}
        for name, table in tables.items():
            spec = TABLES_BY_NAME[name]
            ordered = sorted_table(spec, table)
            files[name] = write_table_files(spec, ordered, folder)
            read_back(spec, folder, ordered)
            del ordered
            if on_progress is not None:
                on_progress(len(files), len(tables))
        by_name = {f.name: f for t in files.values() for f in (t.parquet, t.csv)}
        return files, write_file(folder, layout.DATAPACKAGE, render_datapackage(by_name))
    except BaseException:
        _remove(folder)
        raise


def _remove(folder: Path) -> None:
    """Remove an unfinished run folder after a failure, without hiding that failure behind a
    second one: what cannot be removed now is logged, and removed by the next publish."""

    def report(_function: object, path: str, _info: object) -> None:
        log.warning("could not remove %s now; the next publish will", path)

    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=report)
    else:
        shutil.rmtree(folder, onerror=report)


def _finish_run_folder(processed_dir: Path, run_id: str, report_bytes: bytes) -> None:
    folder = layout.temporary_run_dir(processed_dir, run_id)
    try:
        write_file(folder, layout.RUN_REPORT, report_bytes)
        layout.fsync_dir(folder)
    except BaseException:
        _remove(folder)
        raise
    final = folder.with_name(run_id)
    folder.rename(final)
    layout.fsync_dir(final.parent)


def _run_id(row: Mapping[str, object], reasons: tuple[str, ...]) -> str:
    run_id, reason = row["run_id"], row["finish_reason"]
    if not isinstance(run_id, str) or not _RUN_ID.fullmatch(run_id):
        raise ValidationFailed(f"runs: run_id {run_id!r} cannot name a run folder")
    if reason not in reasons:
        raise ValidationFailed(f"runs: finish_reason {reason!r} of run {run_id}, not {reasons}")
    return run_id


def _check_new(processed_dir: Path, run_id: str) -> None:
    if any(row["run_id"] == run_id for row in read_ledger(processed_dir)):
        raise ValidationFailed(f"run {run_id} is already in the runs ledger")
    if (processed_dir / layout.RUNS_DIR / run_id).exists():
        raise ValidationFailed(f"run {run_id} was already published")


def _commitment_count(run_dir: Path | None) -> int | None:
    if run_dir is None:
        return None
    path = run_dir / f"{COMMITMENTS.name}.parquet"
    try:
        return int(pq.read_metadata(path).num_rows)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ProcessedCorrupt(f"cannot count the published commitments in {path}: {exc}") from exc


def _report_json(report: Mapping[str, object]) -> bytes:
    text = json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False, default=json_default)
    return (text + "\n").encode()
