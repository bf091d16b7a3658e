"""Putting rebuilt history tables in place: as a new publish (the current tables with the two
history tables replaced, switched atomically like any publish and recorded in the runs table),
or as files in a folder of the user's choice (to compare before publishing)."""

from __future__ import annotations

from pathlib import Path

from pipeline import PARSER_VERSION, __version__
from pipeline.clock import new_run_id, utc_now
from pipeline.config import LoadConfig
from pipeline.errors import ConfigError, ProcessedCorrupt
from pipeline.history.rebuild import RebuiltHistory
from pipeline.load import layout
from pipeline.load.migrate import schema_version_of
from pipeline.load.publish import PublishResult, publish
from pipeline.load.write import read_parquet, sorted_table, write_table_files
from pipeline.schema import COMMITMENT_CHANGES, COMMITMENT_HISTORY, DATA_TABLES, SCHEMA_VERSION


def write_history_files(rebuilt: RebuiltHistory, folder: Path) -> list[Path]:
    """commitment_changes and commitment_history as Parquet and CSV files in ``folder``
    (created; existing files of those names are an error, never overwritten)."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in (COMMITMENT_CHANGES, COMMITMENT_HISTORY):
        for ext in ("parquet", "csv"):
            if (folder / f"{spec.name}.{ext}").exists():
                raise ConfigError(f"{folder / f'{spec.name}.{ext}'} exists; not overwritten")
    written = []
    for spec, table in (
        (COMMITMENT_CHANGES, rebuilt.changes),
        (COMMITMENT_HISTORY, rebuilt.history),
    ):
        write_table_files(spec, sorted_table(spec, table), folder)
        written += [folder / f"{spec.name}.parquet", folder / f"{spec.name}.csv"]
    return written


def publish_history(rebuilt: RebuiltHistory, processed_dir: Path) -> PublishResult:
    """A new publish: the current one's tables with both history tables rebuilt."""
    current = layout.current_run_dir(processed_dir)
    if current is None:
        raise ConfigError(f"nothing is published in {processed_dir}: nothing to rebuild")
    if schema_version_of(current) != SCHEMA_VERSION:
        raise ProcessedCorrupt(
            f"the publish in {current} is of an older schema: run a refresh first"
        )
    tables = {s.name: read_parquet(s, current / f"{s.name}.parquet") for s in DATA_TABLES}
    tables[COMMITMENT_CHANGES.name] = rebuilt.changes
    tables[COMMITMENT_HISTORY.name] = rebuilt.history
    started = utc_now()
    run = {
        "run_id": new_run_id(started),
        "started_at": started,
        "finish_reason": "published",
        "exit_code": 0,
        "pipeline_version": __version__,
        "parser_version": PARSER_VERSION,
        "pages_parsed": rebuilt.pages_parsed,
    }
    report = {
        "run_id": run["run_id"],
        "started_at": started.isoformat(),
        "finish_reason": "published",
        "rebuild_history": {
            "publishes_replayed": rebuilt.runs,
            "pages_parsed": rebuilt.pages_parsed,
            "commitment_changes": rebuilt.changes.num_rows,
            "commitment_history": rebuilt.history.num_rows,
            "tables_from_run": current.name,
        },
    }
    # The data tables are the current publish's: no guard can find less than it has.
    return publish(tables, run, report, LoadConfig(), processed_dir)
