"""Transform everything in raw/ into tables: parse changed pages in worker processes (see
``pool``), carry over the rows of pages whose content and parser version did not change since
the last publish."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline import PARSER_VERSION
from pipeline.config import TransformConfig
from pipeline.raw import RawStore, StoredPage
from pipeline.schema import COMMITMENTS, DATA_TABLES
from pipeline.tables import table_from_columns
from pipeline.transform.pool import parse_in_workers
from pipeline.transform.rows import empty_columns
from pipeline.transform.worker import PageFailure, SeenUnknown

log = logging.getLogger(__name__)

__all__ = ["PageFailure", "SeenUnknown", "TransformResult", "transform_raw"]


@dataclass(frozen=True)
class TransformResult:
    tables: dict[str, pa.Table]
    parsed: int  # pages parsed in this run
    reused: int  # pages whose rows were carried over from the previous publish
    failures: tuple[PageFailure, ...]  # pages that gave no rows (or duplicate ones) this run
    parse_unknowns: tuple[SeenUnknown, ...]  # what only parsing sees (headings, stray text)
    workers_peak_rss_kb: int = 0  # largest peak memory of a parsing process
    # Pages whose latest fetch failed while an earlier body is kept: their rows come from
    # that older body (reason: the fetch error).
    fetch_failed: tuple[PageFailure, ...] = ()


def _reusable(
    previous: Mapping[str, pa.Table] | None, pages: Sequence[StoredPage]
) -> dict[tuple[str, str], str]:
    """(fetched URL, sha256) of the pages whose published rows came from exactly this content
    and parser version, with the commitment ID of those rows."""
    if not previous or COMMITMENTS.name not in previous:
        return {}
    table = previous[COMMITMENTS.name]
    same_parser = table.filter(pc.equal(table["parser_version"], PARSER_VERSION))
    published = {
        (url, sha): cid
        for cid, url, sha in zip(
            same_parser["commitment_id"].to_pylist(),
            same_parser["source_url"].to_pylist(),
            same_parser["content_sha256"].to_pylist(),
            strict=True,
        )
    }
    return {
        key: published[key]
        for page in pages
        if (key := (page.fetched_url, page.sha256)) in published
    }


def _concat(parts: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    empty = empty_columns()
    return {
        spec.name: pa.concat_tables(
            [table_from_columns(spec, empty[spec.name])]
            + [part[spec.name] for part in parts if part]
        )
        for spec in DATA_TABLES
    }


def transform_raw(
    raw_dir: Path,
    config: TransformConfig,
    previous: Mapping[str, pa.Table] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> TransformResult:
    """Parse raw/ into the data tables (rows unsorted; load sorts and validates).
    ``on_progress(done, total)`` is called as pages to parse are parsed or fail."""
    with RawStore(raw_dir) as store:
        pages = store.current_pages()
        fetch_failed = _fetch_failed(store) if pages else ()
    reused = _reusable(previous, pages)
    to_parse = [page for page in pages if (page.fetched_url, page.sha256) not in reused]
    log.info(
        "transform: %d pages, %d unchanged since the last publish, %d to parse",
        len(pages),
        len(pages) - len(to_parse),
        len(to_parse),
    )
    results, done = [], 0
    for result in parse_in_workers(raw_dir, to_parse, config.workers, config.page_time_limit_s):
        results.append(result)
        done += result.parsed + len(result.failures)
        if on_progress is not None:
            on_progress(done, len(to_parse))
    tables = _concat([r.tables for r in results])
    if reused and previous is not None:
        tables = _with_carried_over(tables, previous, set(reused.values()))
    tables, duplicates = _drop_duplicate_ids(tables)
    failures = [f for r in results for f in r.failures] + duplicates
    return TransformResult(
        tables=tables,
        parsed=sum(r.parsed for r in results),
        reused=len(reused),
        failures=tuple(sorted(failures, key=lambda f: f.url)),
        parse_unknowns=tuple(u for r in results for u in r.unknowns),
        workers_peak_rss_kb=max((r.peak_rss_kb for r in results), default=0),
        fetch_failed=fetch_failed,
    )


def _fetch_failed(store: RawStore) -> tuple[PageFailure, ...]:
    """Pages kept with an earlier body whose latest fetch failed (raw state 'failed')."""
    return tuple(
        PageFailure(state.url, state.last_error or "the fetch failed", state.commitment_id)
        for state in store.db.current_pages()
        if state.state == "failed"
    )


def _with_carried_over(
    tables: dict[str, pa.Table], previous: Mapping[str, pa.Table], ids: set[str]
) -> dict[str, pa.Table]:
    wanted = pa.array(sorted(ids))
    combined = {}
    for spec in DATA_TABLES:
        old = previous[spec.name].select(spec.schema.names).cast(spec.schema)
        mask = pc.is_in(old["commitment_id"], wanted)
        # Nothing changed on most nights: keep the published table itself, not a filtered copy.
        kept = old if pc.all(mask).as_py() in (True, None) else old.filter(mask)
        parts = [kept] if tables[spec.name].num_rows == 0 else [tables[spec.name], kept]
        combined[spec.name] = pa.concat_tables(parts)
    return combined


def _drop_duplicate_ids(
    tables: dict[str, pa.Table],
) -> tuple[dict[str, pa.Table], list[PageFailure]]:
    """Two pages claiming one commitment ID (a moved page, a mislabelled title): keep the one
    whose URL names that ID, report the others as failed pages."""
    commitments = tables[COMMITMENTS.name]
    seen: dict[str, str] = {}
    failures = []
    for cid, _url, source in sorted(
        zip(
            commitments["commitment_id"].to_pylist(),
            commitments["url"].to_pylist(),
            commitments["source_url"].to_pylist(),
            strict=True,
        ),
        key=lambda row: (row[0], cid_mismatch(row), row[2]),
    ):
        if cid in seen:
            reason = f"duplicate commitment {cid}; kept {seen[cid]}"
            failures.append(PageFailure(source, reason, cid))
        else:
            seen[cid] = source
    if not failures:
        return tables, []
    keep = {(cid, src) for cid, src in seen.items()}
    cleaned = {}
    for name, table in tables.items():
        pairs = zip(
            table["commitment_id"].to_pylist(), table["source_url"].to_pylist(), strict=True
        )
        mask = pa.array([pair in keep for pair in pairs])
        cleaned[name] = table.filter(mask)
    return cleaned, failures


def cid_mismatch(row: tuple[str, str, str]) -> bool:
    """Sort key: pages whose canonical URL names the commitment ID come first."""
    cid, url, _source = row
    return f"/{cid}/" not in url
