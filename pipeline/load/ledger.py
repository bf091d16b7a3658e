"""The append-only runs ledger, ``processed/runs.jsonl``: one JSON line per run, published or
not, from which the ``runs`` table (``processed/runs.parquet`` and ``.csv``, outside the
immutable run folders) is rewritten after every run. Only written under the publish lock."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import ProcessedCorrupt, ValidationFailed
from pipeline.load import layout
from pipeline.load.csvfile import csv_chunks, parse_csv
from pipeline.load.layout import LEDGER, RUN_REPORT, RUNS_TABLE, fsync_dir, write_atomically
from pipeline.load.validate import validate_tables
from pipeline.load.write import parquet_bytes, sorted_table
from pipeline.schema import RUNS
from pipeline.tables import build_table

Row = dict[str, object]

log = logging.getLogger(__name__)


def read_ledger(processed_dir: Path) -> list[Row]:
    """Every run recorded so far, as rows of the runs table. A last line without its newline
    is an append cut short by a crash: it is skipped (and cut off by the next append)."""
    path = processed_dir / LEDGER
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines[-1]:
        log.warning("%s: ignoring an unfinished last line left by a crash", path)
    return [_decode(path, number, line) for number, line in enumerate(lines[:-1], start=1)]


def append_ledger(processed_dir: Path, row: Mapping[str, object]) -> None:
    """Append one run's line durably, first cutting off an unfinished last line."""
    path = processed_dir / LEDGER
    _cut_unfinished_line(path)
    line = json.dumps(_encode(row), sort_keys=True, ensure_ascii=False) + "\n"
    with layout.naming(path), layout.open_for_writing(path, "ab") as handle:
        handle.write(line.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(processed_dir)


def recover_published_run(processed_dir: Path, run_dir: Path | None) -> None:
    """Append the published run's line if the ledger lacks it: a publish killed between
    switching ``current`` and appending its line leaves exactly that. The run folder's report
    holds the run's row under "run"."""
    if run_dir is None or not (run_dir / RUN_REPORT).exists():
        return
    path = run_dir / RUN_REPORT
    try:
        row = json.loads(path.read_text(encoding="utf-8")).get("run")
    except (OSError, ValueError, AttributeError) as exc:
        raise ProcessedCorrupt(f"cannot read {path}: {exc}") from exc
    if not isinstance(row, dict) or "run_id" not in row:
        return  # written before reports carried their row; its line is in the ledger
    if any(known["run_id"] == row["run_id"] for known in read_ledger(processed_dir)):
        return
    log.warning("ledger lacks published run %s; adding it back", row["run_id"])
    append_ledger(processed_dir, _decode(path, 1, json.dumps(row)))


def write_runs_table(processed_dir: Path) -> pa.Table:
    """Rewrite ``runs.parquet`` and ``runs.csv`` from the ledger, each atomically (a reader
    sees the old or the new file), after checking that both read back to the table."""
    table = sorted_table(RUNS, runs_table(read_ledger(processed_dir)))
    validate_tables({RUNS.name: table})
    parquet = parquet_bytes(table)
    csv = b"".join(bytes(piece) for piece in csv_chunks(table))
    for name, back in (
        ("runs.parquet", pq.read_table(pa.BufferReader(parquet)).cast(RUNS.schema)),
        ("runs.csv", parse_csv(RUNS, csv)),
    ):
        if not back.equals(table):
            raise ValidationFailed(f"{name}: values read back differ from those written")
    write_atomically(processed_dir / f"{RUNS_TABLE}.parquet", parquet)
    write_atomically(processed_dir / f"{RUNS_TABLE}.csv", csv)
    return table


def runs_table(rows: list[Row]) -> pa.Table:
    """The runs table of the given rows (older ledger lines lack columns added since)."""
    return build_table(RUNS, [{name: row.get(name) for name in RUNS.schema.names} for row in rows])


def run_row(run: Mapping[str, object], **filled: object) -> Row:
    """A complete runs-table row from the caller's fields plus those the load stage fills."""
    unknown = sorted(set(run) - set(RUNS.schema.names))
    if unknown:
        raise ValidationFailed(f"runs: unknown fields {unknown} in the run row")
    row: Row = {name: run.get(name) for name in RUNS.schema.names}
    row.update({name: value for name, value in filled.items() if value is not None})
    build_table(RUNS, [row])  # type-checks it, naming the field that does not fit
    return row


def _encode(row: Mapping[str, object]) -> Row:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def _decode(path: Path, number: int, line: str) -> Row:
    try:
        row = json.loads(line)
        if not isinstance(row, dict):
            raise TypeError("not a JSON object")
        for field in RUNS.schema:
            if pa.types.is_timestamp(field.type) and row.get(field.name) is not None:
                row[field.name] = datetime.fromisoformat(row[field.name])
    except (ValueError, TypeError) as exc:
        raise ProcessedCorrupt(f"{path}, line {number}: not a run record ({exc})") from exc
    return row


def _cut_unfinished_line(path: Path) -> None:
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)
