"""The whole job: extract, then transform, then load, under one lock on raw/, with a run
report written whether or not anything was published."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from pipeline import PARSER_VERSION, __version__
from pipeline.clock import new_run_id, own_peak_rss_kb, utc_now
from pipeline.config import Config
from pipeline.errors import (
    ConfigError,
    PipelineError,
    ProcessedCorrupt,
    ProcessedNotWritable,
    RunInterrupted,
    RunNotRecorded,
)
from pipeline.exit_codes import (
    EXIT_INTERNAL,
    exit_code_of_error,
    exit_code_of_finish,
    finish_reason_of_error,
    guard_of_error,
)
from pipeline.extract import FetchSummary, run_extract
from pipeline.extract.crawl import UNEXPECTED
from pipeline.history.update import Publish
from pipeline.load import (
    Settled,
    complete_last_report,
    publish,
    read_published,
    record_unpublished_run,
    settle_pages,
)
from pipeline.load.assemble import assemble
from pipeline.load.settle import INVALID
from pipeline.logs import log_context
from pipeline.progress import StageProgress
from pipeline.raw import raw_lock, upgrade_raw
from pipeline.reconcile import read_reference
from pipeline.report import RunReport, field_coverage, summarize_unknowns
from pipeline.review import before_publishing, log_failures, note_processed, write_html
from pipeline.signals import interrupts_raise
from pipeline.transform import TransformResult, transform_raw

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    finish_reason: str  # "published" or "partial" (runs that publish nothing raise)
    report: RunReport
    processed_dir: Path

    @property
    def exit_code(self) -> int:
        """The code the CLI exits with for this run, as recorded in its report and runs row."""
        return exit_code_of_finish(self.finish_reason)


@contextmanager
def _progress(config: Config, stage: str, unit: str) -> Iterator[StageProgress]:
    """A progress bar (or periodic log lines) for a stage, as --progress says."""
    fetch = config.fetch
    progress = StageProgress(stage, unit, bar=fetch.progress, log_every_s=fetch.log_every_s)
    try:
        yield progress
    finally:
        progress.close()


@contextmanager
def _timed(report: RunReport, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        with log_context(stage=stage):
            log.debug("%s started", stage, extra={"event": "stage_started"})
            yield
    finally:
        report.durations_s[stage] = round(time.perf_counter() - start, 3)
        log.debug(
            "%s took %.1f s; peak memory so far %d MB",
            stage,
            report.durations_s[stage],
            own_peak_rss_kb() // 1024,
            extra={"event": "stage_finished", "stage": stage, "seconds": report.durations_s[stage]},
        )


def _run_row(
    report: RunReport,
    started: datetime,
    fetch: FetchSummary | None,
    result: TransformResult | None,
    settled: Settled | None,
) -> dict[str, object]:
    return {
        "run_id": report.run_id,
        "started_at": started,
        "finished_at": utc_now(),
        "finish_reason": report.finish_reason,
        "refused_by": report.refused_by,
        "error": report.error,
        "exit_code": report.exit_code,
        "pipeline_version": __version__,
        "parser_version": PARSER_VERSION,
        "base_url": report.base_url,
        "pages_discovered": fetch.discovered if fetch else None,
        "pages_fetched": fetch.fetched if fetch else None,
        "pages_not_modified": fetch.not_modified if fetch else None,
        "pages_failed": len(report.failures),  # not fetched, not parsed, or rows invalid
        "pages_parsed": result.parsed if result else None,
        "pages_reused": result.reused if result else None,
        "pages_stale": len(settled.stale) if settled else None,
    }


def _peak_rss() -> dict[str, object]:
    """Peak resident memory of this process, in MB. VmHWM counts only since this program
    started; ru_maxrss would also count the parent process a fork copied before exec."""
    own = own_peak_rss_kb()
    return {"peak_rss_mb": round(own / 1024)}


def _previous_publish(config: Config) -> Mapping[str, pa.Table] | None:
    """The current publish, whose rows unchanged pages carry over. If it cannot be read as
    this version's schema (a release changed the schema), every page is simply parsed again."""
    try:
        return read_published(config.processed_dir)
    except ProcessedCorrupt as exc:
        log.warning("not reusing the previous publish: %s; parsing every page", exc)
        return None


def _transform_stage(
    config: Config, report: RunReport, previous: Mapping[str, pa.Table] | None
) -> TransformResult:
    with _timed(report, "transform"), _progress(config, "transform", "page") as progress:
        result = transform_raw(config.raw_dir, config.transform, previous, progress.update)
    report.stages["transform"] = {
        "workers_peak_rss_mb": round(result.workers_peak_rss_kb / 1024),
        "pages_parsed": result.parsed,
        "pages_reused": result.reused,
        "pages_failed": len(result.failures),
        "commitments": result.tables["commitments"].num_rows,
    }
    coverage: dict[str, object] = {**field_coverage(result.tables["commitments"])}
    report.stages["coverage"] = coverage
    report.failures += [
        {"stage": "transform", "url": f.url, "reason": f.reason} for f in result.failures
    ]
    log_failures("transform", [(f.url, f.reason, f.traceback) for f in result.failures])
    report.unknowns = summarize_unknowns(result.tables, result.parse_unknowns)
    return result


def _extract_stage(config: Config, report: RunReport) -> FetchSummary:
    with _timed(report, "extract"):
        fetch = run_extract(config, report.run_id, lock=False)
    report.stages["extract"] = {
        k: v for k, v in fetch.to_dict().items() if isinstance(v, int | float)
    }
    report.stages["fetch_summary"] = fetch.to_dict()
    report.fetch_text = fetch.render()
    report.failures += [
        {"stage": "extract", "url": f.url, "reason": f.reason} for f in fetch.failed
    ]
    # Failures logged with their traceback as they happened are not logged twice.
    to_log = [f for f in fetch.failed if not f.reason.startswith(UNEXPECTED)]
    log_failures("extract", [(f.url, f.reason, None) for f in to_log])
    if fetch.finish_reason == "interrupted":
        raise RunInterrupted(
            "interrupted by a signal during extract: what was fetched is kept in raw/ (the "
            "next run resumes from it); nothing was published"
        )
    return fetch


def _settle_stage(
    result: TransformResult,
    previous: Mapping[str, pa.Table] | None,
    started: datetime,
    report: RunReport,
) -> Settled:
    """Drop the pages whose new rows fail validation, keep the previous rows of those and of
    the pages that gave none, and mark stale rows (see pipeline.load.settle)."""
    commitments = result.tables["commitments"]
    ids = commitments.column("commitment_id").to_pylist()
    urls = dict(zip(ids, commitments.column("source_url").to_pylist(), strict=True))
    settled = settle_pages(
        result.tables,
        previous,
        not_parsed={
            f.commitment_id: f.reason
            for f in result.failures
            if f.commitment_id is not None and f.commitment_id not in urls
        },
        fetch_failed={f.commitment_id: f.reason for f in result.fetch_failed if f.commitment_id},
        started=started,
    )
    report.failures += [
        {"stage": "load", "url": urls.get(cid, cid), "reason": INVALID + "; ".join(rules)}
        for cid, rules in sorted(settled.invalid.items())
    ]
    report.stale = [
        {
            "commitment_id": page.commitment_id,
            "since": page.since.isoformat(),
            "reason": page.reason,
            "carried_over": page.carried_over,
        }
        for page in settled.stale
    ]
    report.stages["settle"] = {
        "pages_invalid": len(settled.invalid),
        "pages_stale": len(settled.stale),
        "pages_carried_over": sum(page.carried_over for page in settled.stale),
        "commitments": settled.tables["commitments"].num_rows,
    }
    return settled


def _end_unpublished(
    config: Config,
    report: RunReport,
    run: tuple[datetime, FetchSummary | None, TransformResult | None, Settled | None],
    exit_code: int,
    error: Exception,
) -> None:
    """Record a run that published nothing: its runs row, its report, its HTML page."""
    report.exit_code = exit_code
    report.error = str(error) if isinstance(error, PipelineError) else f"internal error: {error!r}"
    report.finished_at = utc_now().isoformat()
    row = _run_row(report, *run)
    note_processed(config, report, published=False)
    write_html(config, report.as_dict())
    try:
        record_unpublished_run(row, report.as_dict(), config.processed_dir)
    except RunNotRecorded as not_recorded:
        report.not_recorded = str(not_recorded)  # the summary says it, once
    log.debug(
        "run %s: %s, nothing published",
        report.run_id,
        report.finish_reason,
        extra={"event": "run_finished", "exit_code": report.exit_code},
    )


def run_pipeline(
    config: Config,
    *,
    fetch_pages: bool = True,
    on_report: Callable[[RunReport], None] | None = None,
) -> RunOutcome:
    """Run the job once. Raises PipelineError subclasses for runs that publish nothing, after
    recording their report; returns the outcome (published or partial) otherwise. SIGINT or
    SIGTERM during extract or transform ends it as RunInterrupted: nothing published, what was
    fetched kept in raw/ (during load, the default handling: the publish is atomic)."""
    started = utc_now()
    report = RunReport(
        new_run_id(started), started.isoformat(), config.fetch.base_url if fetch_pages else None
    )
    # Checked first: usage errors, before any work is done or recorded.
    if not fetch_pages and not config.raw_dir.is_dir():
        raise ConfigError(
            f"raw folder {config.raw_dir} does not exist: run extract or refresh first, "
            "or give the right --raw-dir"
        )
    reference = read_reference(config.reference) if config.reference else None
    fetch: FetchSummary | None = None
    result: TransformResult | None = None
    settled: Settled | None = None
    with log_context(run_id=report.run_id), raw_lock(config.raw_dir):
        try:
            with interrupts_raise():
                if fetch_pages:
                    fetch = _extract_stage(config, report)
                else:
                    upgrade_raw(config.raw_dir)  # an older raw/ is migrated, as extract would
                previous = _previous_publish(config)
                result = _transform_stage(config, report, previous)
                settled = _settle_stage(result, previous, started, report)
                with _timed(report, "history"):
                    assembled = assemble(settled.tables, previous, Publish(report.run_id, started))
                before_publishing(config, report, result, assembled, previous, reference)
            partial = bool(report.failures)
            report.finish_reason = "partial" if partial else "published"
            report.exit_code = exit_code_of_finish(report.finish_reason)
            report.finished_at = utc_now().isoformat()
            report.stages["resources"] = _peak_rss()  # sealed in the run folder as of now
            with _timed(report, "load"), _progress(config, "load", "table") as progress:
                published = publish(
                    assembled.tables,
                    _run_row(report, started, fetch, result, settled),
                    report.as_dict(),
                    config.load,
                    config.processed_dir,
                    progress.update,
                )
            report.stages["load"] = {
                "tables": len(published.tables),
                "rows": sum(t.rows for t in published.tables.values()),
            }
            report.stages["resources"] = _peak_rss()
            report.not_recorded = published.not_recorded
            note_processed(config, report, published=True)
            write_html(config, {**report.as_dict(), "publish": published.as_report()})
            _complete_report(config, report, published.as_report())
        except PipelineError as exc:
            # Recorded with the code the CLI will exit with for this error (one mapping).
            report.finish_reason = finish_reason_of_error(exc)
            report.refused_by = guard_of_error(exc)
            _end_unpublished(
                config, report, (started, fetch, result, settled), exit_code_of_error(exc), exc
            )
            if on_report:
                on_report(report)
            raise
        except Exception as exc:
            # A bug: recorded as a failed run with the internal-error code the process will
            # exit with, then raised on for its traceback.
            report.finish_reason = "failed"
            _end_unpublished(config, report, (started, fetch, result, settled), EXIT_INTERNAL, exc)
            raise
        log.debug(
            "run %s: %s",
            report.run_id,
            report.finish_reason,
            extra={"event": "run_finished", "exit_code": report.exit_code},
        )
    return RunOutcome(report.run_id, report.finish_reason, report, config.processed_dir)


def _complete_report(config: Config, report: RunReport, published: dict[str, object]) -> None:
    """Replace last_run_report.json with the final report. The run is published by now: a
    disk that cannot take this is reported, not a reason to call the run failed."""
    try:
        complete_last_report(config.processed_dir, {**report.as_dict(), "publish": published})
    except ProcessedNotWritable as exc:
        problem = f"last_run_report.json not completed: {exc}"
        report.not_recorded = "; ".join(filter(None, [report.not_recorded, problem]))
