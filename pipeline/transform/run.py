"""Transform everything in raw/ into tables: parse changed pages on all cores, carry over the
rows of pages whose content and parser version did not change since the last publish."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline import PARSER_VERSION
from pipeline.clock import own_peak_rss_kb
from pipeline.config import TransformConfig
from pipeline.errors import ParseError
from pipeline.raw import RawStore, StoredPage
from pipeline.schema import COMMITMENTS, DATA_TABLES
from pipeline.tables import table_from_columns
from pipeline.transform.page import parse_commitment
from pipeline.transform.rows import Provenance, add_page, empty_columns

log = logging.getLogger(__name__)

# Pages per task sent to a worker: large enough that process hand-off costs little per page,
# small enough that two workers finish together (6,500 pages make ~100 tasks).
_CHUNK = 64
# Below this many pages, starting worker processes costs more than it saves.
_MIN_PAGES_FOR_POOL = 200


@dataclass(frozen=True, slots=True)
class PageFailure:
    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class SeenUnknown:
    kind: str
    field: str | None
    text: str
    url: str


@dataclass(frozen=True)
class TransformResult:
    tables: dict[str, pa.Table]
    parsed: int  # pages parsed in this run
    reused: int  # pages whose rows were carried over from the previous publish
    failures: tuple[PageFailure, ...]
    parse_unknowns: tuple[SeenUnknown, ...]  # what only parsing sees (headings, stray text)
    workers_peak_rss_kb: int = 0  # largest peak memory of a parsing process


@dataclass
class _ChunkResult:
    tables: dict[str, pa.Table]  # Arrow, not Python rows: compact to send between processes
    failures: list[PageFailure]
    unknowns: list[SeenUnknown]
    parsed: int
    peak_rss_kb: int = 0  # of the process that parsed the chunk


def _parse_chunk(raw_dir: Path, pages: Sequence[StoredPage]) -> _ChunkResult:
    columns = empty_columns()
    result = _ChunkResult({}, [], [], 0)
    with RawStore(raw_dir) as store:
        for page in pages:
            try:
                html = store.read_body(page.sha256).decode("utf-8", errors="replace")
                parsed = parse_commitment(html, page.fetched_url)
            except ParseError as exc:
                result.failures.append(PageFailure(page.url, str(exc)))
                continue
            except Exception as exc:
                # A parser bug on one page is logged with its traceback and counted as a
                # failed page (exit code 3); it must not sink the other 6,000.
                log.exception("parser crashed on %s", page.url)
                result.failures.append(PageFailure(page.url, f"parser error: {exc!r}"))
                continue
            origin = Provenance(page.fetched_url, page.fetched_at, page.sha256, page.fetch_run_id)
            add_page(columns, parsed, origin)
            result.unknowns.extend(
                SeenUnknown(u.kind, u.field, u.text, page.url)
                for u in parsed.unknowns
                if u.kind in ("heading", "text", "repeated_label")
            )
            result.parsed += 1
    result.tables = {
        spec.name: table_from_columns(spec, columns[spec.name]) for spec in DATA_TABLES
    }
    result.peak_rss_kb = own_peak_rss_kb()
    return result


def _chunks(pages: Sequence[StoredPage]) -> Iterator[Sequence[StoredPage]]:
    for start in range(0, len(pages), _CHUNK):
        yield pages[start : start + _CHUNK]


def _run_chunks(raw_dir: Path, pages: Sequence[StoredPage], workers: int) -> Iterator[_ChunkResult]:
    if workers <= 1 or len(pages) < _MIN_PAGES_FOR_POOL:
        for chunk in _chunks(pages):
            yield _parse_chunk(raw_dir, chunk)
        return
    # spawn, not fork: the parent may hold threads (progress bar, HTTP client) and a lexbor
    # parser; a fresh interpreter per worker is the safe choice and costs ~0.2 s once.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_parse_chunk, [raw_dir] * len(pages), list(_chunks(pages)))


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
            [table_from_columns(spec, empty[spec.name])] + [part[spec.name] for part in parts]
        )
        for spec in DATA_TABLES
    }


def transform_raw(
    raw_dir: Path, config: TransformConfig, previous: Mapping[str, pa.Table] | None = None
) -> TransformResult:
    """Parse raw/ into the data tables (rows unsorted; load sorts and validates)."""
    with RawStore(raw_dir) as store:
        pages = store.current_pages()
    reused = _reusable(previous, pages)
    to_parse = [page for page in pages if (page.fetched_url, page.sha256) not in reused]
    log.info(
        "transform: %d pages, %d unchanged since the last publish, %d to parse",
        len(pages),
        len(pages) - len(to_parse),
        len(to_parse),
    )
    results = list(_run_chunks(raw_dir, to_parse, config.workers))
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
            failures.append(PageFailure(source, f"duplicate commitment {cid}; kept {seen[cid]}"))
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
