"""The CLI's history commands: ``diff``, ``rebuild-history`` and ``prune``."""

from __future__ import annotations

from pathlib import Path

from pipeline import logs
from pipeline.cli.settings import Settings
from pipeline.config import TransformConfig
from pipeline.exit_codes import EXIT_OK


def _path(settings: Settings, key: str) -> Path:
    value = settings[key]
    assert isinstance(value, Path)
    return value


def run_diff(settings: Settings) -> int:
    """Print the changes between two publishes (default: the last two)."""
    from pipeline.history.diff import diff_publishes

    given = settings.get("runs")
    runs = [str(run) for run in given] if isinstance(given, tuple) else []
    diff = diff_publishes(_path(settings, "processed_dir"), runs)
    print(diff.as_json() if settings["format"] == "json" else diff.render())
    return EXIT_OK


def run_rebuild_history(settings: Settings) -> int:
    """Recompute both history tables from raw/; publish them, or write them to --output."""
    from pipeline.history.rebuild import rebuild_history
    from pipeline.history.republish import publish_history, write_history_files
    from pipeline.raw import raw_lock

    raw_dir, processed_dir = _path(settings, "raw_dir"), _path(settings, "processed_dir")
    workers = settings["workers"]
    limit = settings["page_time_limit"]
    assert isinstance(limit, float)
    config = (
        TransformConfig(page_time_limit_s=limit)
        if not isinstance(workers, int)
        else TransformConfig(workers=workers, page_time_limit_s=limit)
    )
    with raw_lock(raw_dir):  # no extract may change raw/ while it is read
        rebuilt = rebuild_history(raw_dir, processed_dir, config)
        output = settings["output"]
        if isinstance(output, Path):
            written = write_history_files(rebuilt, output)
            where = ", ".join(str(p) for p in written)
        else:
            where = f"published as run {publish_history(rebuilt, processed_dir).run_dir.name}"
    logs.summary(
        f"rebuild-history: {rebuilt.runs} publishes replayed, {rebuilt.pages_parsed} pages "
        f"parsed; {rebuilt.changes.num_rows} changes, {rebuilt.history.num_rows} versions; "
        f"{where}"
    )
    return EXIT_OK


def run_prune(settings: Settings) -> int:
    """Remove the stored bodies no kept publish or history version needs."""
    from pipeline.history.bodies import needed_bodies
    from pipeline.raw import raw_lock
    from pipeline.raw.prune import prune_bodies

    raw_dir = _path(settings, "raw_dir")
    with raw_lock(raw_dir):
        needed = needed_bodies(_path(settings, "processed_dir"))
        report = prune_bodies(raw_dir, needed, dry_run=bool(settings["dry_run"]))
    logs.summary(report.render(raw_dir))
    return EXIT_OK
