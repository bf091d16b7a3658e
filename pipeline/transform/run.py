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
from pipeline.schema import COMMITMENTS, PAGE_TABLES
from pipeline.transform.combine import combine
from pipeline.transform.pool import parse_in_workers
from pipeline.transform.worker import PageFailure, SeenUnknown

log = logging.getLogger(__name__)

__all__ = ["PageFailure", "SeenUnknown", "TransformResult", "transform_pages", "transform_raw"]


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


def transform_raw(
    raw_dir: Path,
    config: TransformConfig,
    previous: Mapping[str, pa.Table] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> TransformResult:
    """Parse raw/ into the page tables (rows unsorted; load sorts and validates).
    ``on_progress(done, total)`` is called as pages to parse are parsed or fail."""
    with RawStore(raw_dir) as store:
        pages = store.current_pages()
        fetch_failed = _fetch_failed(store) if pages else ()
    return transform_pages(raw_dir, pages, fetch_failed, config, previous, on_progress)


def transform_pages(
    raw_dir: Path,
    pages: Sequence[StoredPage],
    fetch_failed: tuple[PageFailure, ...],
    config: TransformConfig,
    previous: Mapping[str, pa.Table] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> TransformResult:
    """Parse these stored pages (those whose content and parser version did not change since
    ``previous`` are carried over instead); ``fetch_failed`` are the pages whose latest fetch
    failed, kept with an earlier body. Also what ``rebuild-history`` runs for each past run."""
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
    carried = _carried_over(previous, set(reused.values())) if reused and previous else None
    tables, duplicates = combine(results, carried)
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


def _carried_over(previous: Mapping[str, pa.Table], ids: set[str]) -> dict[str, pa.Table]:
    """The previous publish's rows of these commitments, in every page table."""
    wanted = pa.array(sorted(ids))
    carried = {}
    for spec in PAGE_TABLES:
        old = previous[spec.name].select(spec.schema.names).cast(spec.schema)
        mask = pc.is_in(old["commitment_id"], wanted)
        # Nothing changed on most nights: keep the published table itself, not a filtered copy.
        carried[spec.name] = old if pc.all(mask).as_py() in (True, None) else old.filter(mask)
    return carried
