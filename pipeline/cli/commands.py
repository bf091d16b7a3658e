"""The CLI's commands: each calls the library and formats its result for a terminal."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from pipeline import logs
from pipeline.cli.settings import Settings
from pipeline.clock import new_run_id
from pipeline.config import Config, ParseLimits
from pipeline.errors import ConfigError, ParseError
from pipeline.exit_codes import EXIT_NOT_COMMITMENT, EXIT_OK, EXIT_STALE, exit_code_of_finish
from pipeline.json_values import json_default
from pipeline.records import ParsedPage


def run_extract_command(config: Config) -> int:
    from pipeline.extract import run_extract
    from pipeline.signals import interrupts_raise

    with interrupts_raise():
        summary = run_extract(config, new_run_id())
    # Pages that failed make a run that ended normally partial; an interrupted run is 4.
    ended_normally = summary.finish_reason in ("complete", "max_pages")
    reason = "partial" if summary.failed and ended_normally else summary.finish_reason
    code = exit_code_of_finish(reason)
    logs.summary(
        summary.render(),
        run_id=summary.run_id,
        finish_reason=summary.finish_reason,
        exit_code=code,
        **({"dry_run": dict(summary.plan)} if summary.plan is not None else {}),
    )
    return code


def run_rebuild_state(settings: Settings) -> int:
    """Rebuild raw/state.sqlite from the body files (after it was damaged or lost)."""
    from pipeline.raw import raw_lock
    from pipeline.raw.rebuild import rebuild_state

    raw_dir, base_url = settings["raw_dir"], settings["base_url"]
    assert isinstance(raw_dir, Path) and isinstance(base_url, str)
    if not (raw_dir / "bodies").is_dir():
        raise ConfigError(f"{raw_dir} has no bodies/ folder to rebuild the state from")
    with raw_lock(raw_dir):
        report = rebuild_state(raw_dir, base_url)
    logs.summary(report.render(raw_dir))
    return EXIT_OK


def _html_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".html", ".htm")))
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError(f"{path}: no such file or directory")
    if not files:
        raise ConfigError(f"no .html files in {', '.join(map(str, paths))}")
    return files


def _read_page(path: Path) -> bytes:
    """A saved page's bytes, read no further than the parse size limit (one byte more, so
    the parser can say the page is too large without the rest ever being read)."""
    with path.open("rb") as handle:
        return handle.read(ParseLimits.max_bytes + 1)


def _print_page(page: ParsedPage, fmt: str) -> None:
    # Through JSON and back: dates become ISO text, tuples lists, as in the json format.
    record = json.loads(json.dumps(asdict(page.commitment), default=json_default))
    if fmt == "json":
        print(json.dumps(record, ensure_ascii=False))
        return
    width = max(len(k) for k in record)
    for name, value in record.items():
        shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        shown = shown.replace("\n", "\\n")
        print(f"{name:<{width}}  {shown[:117] + '...' if len(shown) > 120 else shown}")
    print()


def run_parse(settings: Settings) -> int:
    """Parse saved pages; records on stdout, unknowns and errors on stderr."""
    from pipeline.transform import parse_page

    files = _html_files(list(settings["paths"]))  # type: ignore[call-overload]
    url, fmt = settings["url"], str(settings["format"] or "json")
    if url and len(files) > 1:
        raise ConfigError("--url names the address of one page; give a single file")
    failures = 0
    for path in files:
        try:
            page = parse_page(_read_page(path), str(url or ""))
        except ParseError as exc:  # not a commitment page, or beyond the parse limits
            if len(files) == 1:
                raise type(exc)(f"{path}: {exc}") from exc
            logs.error(f"{path}: {exc}")
            failures += 1
            continue
        _print_page(page, fmt)
        for unknown in page.unknowns:
            where = f" ({unknown.field})" if unknown.field else ""
            print(f"unknown {unknown.kind}{where}: {unknown.text!r} in {path}", file=sys.stderr)
    return EXIT_NOT_COMMITMENT if failures else EXIT_OK


def _run(config: Config, *, fetch_pages: bool) -> int:
    import pyarrow as pa

    from pipeline.refresh import run_pipeline
    from pipeline.report import RunReport

    # The system allocator hands freed memory back to the OS; Arrow's default (mimalloc) keeps
    # it, which on a 6,500-page refresh put ~100 MB more on the peak for no speed gain here.
    pa.set_memory_pool(pa.system_memory_pool())

    def show(report: RunReport) -> None:
        # A run that raises is shown here too; its error line is printed once, by main.
        logs.summary(
            report.render(config.processed_dir),
            run_id=report.run_id,
            finish_reason=report.finish_reason,
            exit_code=report.exit_code,
        )

    outcome = run_pipeline(config, fetch_pages=fetch_pages, on_report=show)
    show(outcome.report)
    return exit_code_of_finish(outcome.finish_reason)


def run_transform_command(config: Config) -> int:
    return _run(config, fetch_pages=False)


def run_refresh_command(config: Config) -> int:
    if config.fetch.dry_run:  # discovery only: nothing to transform, nothing to publish
        return run_extract_command(config)
    return _run(config, fetch_pages=True)


def run_data_dictionary(settings: Settings) -> int:
    from pipeline.load import render_data_dictionary

    text = render_data_dictionary()
    check = settings["check"]
    if not isinstance(check, Path):
        sys.stdout.write(text)
        return EXIT_OK
    try:
        current = check.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--check {check}: {exc.strerror or exc}") from exc
    if current != text:
        logs.error(
            f"{check} is stale; regenerate it with: ogp-pipeline data-dictionary > {check}",
            exit_code=EXIT_STALE,
        )
        return EXIT_STALE
    return EXIT_OK
