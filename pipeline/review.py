"""Reviewing a run's result: before publishing, what changed since the publish, the
reconciliation with OGP's list and the drift canary (which may refuse); for every run, a log
record per failed page and the HTML page that says what the run did."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pyarrow as pa

from pipeline.canary import judge, unknowns_of_publish
from pipeline.config import Config
from pipeline.errors import DriftDetected, PipelineError
from pipeline.history.summary import summarize
from pipeline.htmlreport import render_html
from pipeline.load.assemble import Assembled
from pipeline.load.previous import (
    kept_reports,
    published_report,
    published_run_id,
    write_html_report,
)
from pipeline.logs import log_context
from pipeline.reconcile import Reference, reconcile
from pipeline.report import RunReport
from pipeline.transform import TransformResult

log = logging.getLogger(__name__)


def log_failures(stage: str, failures: list[tuple[str, str, str | None]]) -> None:
    """One record per failed page, for a log system to index by URL (the summary lists them
    for people); a parser bug's traceback, from the worker that met it, goes with its page."""
    with log_context(stage=stage):
        for url, reason, traceback in failures:
            extra = {"event": "page_failed", "url": url}
            if traceback is None:
                log.warning("%s failed: %s", url, reason, extra=extra)
            else:
                log.error("%s failed: %s\n%s", url, reason, traceback.rstrip(), extra=extra)


def before_publishing(
    config: Config,
    report: RunReport,
    result: TransformResult,
    assembled: Assembled,
    previous: Mapping[str, pa.Table] | None,
    reference: Reference | None,
) -> None:
    """What the run report says about the result before it is published: changes since the
    publish (the rows it adds to commitment_changes) and reconciliation with OGP's list (of
    the tables to publish), and the drift canary (of what the parser made of this run's
    pages), which may refuse."""
    report.changes = summarize(assembled.new_changes)
    if reference is not None:
        report.reconciliation = reconcile(reference, assembled.tables).as_dict()
    seen = unknowns_of_publish(previous, published_report(config.processed_dir))
    verdict = judge(result.tables, previous, result.parse_unknowns, seen, config.canary)
    report.canary = verdict.as_dict()
    log.log(
        logging.WARNING if verdict.status == "accepted" else logging.DEBUG,
        "drift canary: %s (%s)",
        verdict.status,
        verdict.reason,
        extra={"event": "canary_verdict", "verdict": verdict.status},
    )
    if verdict.refuses:
        raise DriftDetected(verdict.message())


def note_processed(config: Config, report: RunReport, *, published: bool) -> None:
    """Say in the report whether processed/ holds this run's data, and if not, whose."""
    try:
        data_from = published_run_id(config.processed_dir)
    except PipelineError as exc:  # a damaged processed/ must not hide why the run ended
        log.error("cannot tell which run processed/ holds: %s", exc)
        data_from = None
    report.processed = {"published": published, "data_from_run": data_from}


def write_html(config: Config, report: dict[str, object]) -> None:
    """processed/run_report.html, for every run, published or not. The page only informs: a
    failure to write it is logged and does not change how the run ended."""
    processed = config.processed_dir
    try:
        history = [r for r in kept_reports(processed) if r.get("run_id") != report["run_id"]]
        path = write_html_report(processed, render_html(report, history))
    except (OSError, PipelineError) as exc:
        log.error("could not write the HTML run report: %s", exc, extra={"event": "report_failed"})
        return
    log.debug("wrote %s", path, extra={"event": "report_written"})
