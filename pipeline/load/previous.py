"""What processed/ already says about earlier runs: the published run's report and the
reports of the run folders kept beside it (for the drift canary and the HTML report's trends).
Read-only; a report that cannot be read is skipped with a warning, never fatal: these only
inform, and the tables themselves are checked elsewhere."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pipeline.load import layout

log = logging.getLogger(__name__)


def _read_report(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s: %s", path, exc, extra={"event": "report_unreadable"})
        return None
    return data if isinstance(data, dict) else None


def published_run_id(processed_dir: Path) -> str | None:
    """The run whose tables processed/ holds now, or None before the first publish."""
    current = layout.current_run_dir(processed_dir)
    return None if current is None else current.name


def published_report(processed_dir: Path) -> dict[str, object] | None:
    current = layout.current_run_dir(processed_dir)
    return None if current is None else _read_report(current / layout.RUN_REPORT)


def kept_reports(processed_dir: Path) -> list[dict[str, object]]:
    """The reports of the published run folders still kept, oldest first."""
    runs = processed_dir / layout.RUNS_DIR
    if not runs.is_dir():
        return []
    folders = sorted(
        p for p in runs.iterdir() if p.is_dir() and not p.name.endswith(layout.TMP_SUFFIX)
    )
    reports = [_read_report(folder / layout.RUN_REPORT) for folder in folders]
    return [report for report in reports if report is not None]


def write_html_report(processed_dir: Path, html: str) -> Path:
    """Replace processed/run_report.html atomically (a reader sees the old or the new page)."""
    path = processed_dir / HTML_REPORT
    processed_dir.mkdir(parents=True, exist_ok=True)
    with layout.publish_lock(processed_dir):
        layout.write_atomically(path, html.encode("utf-8"))
    return path


HTML_REPORT = "run_report.html"
