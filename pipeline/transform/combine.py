"""The tables of a transform: the chunks the workers parsed and the rows carried over from
the previous publish, put together with one page per commitment ID.

Two pages claiming one commitment ID (a moved page, a mislabelled title): the one whose URL
names that ID is kept, then the first by URL, and the others are reported as failed pages.
Child rows carry no provenance, so a page's rows are found by position: in every table a
chunk holds its pages' rows one page after the other, in page order (``ChunkResult.pages``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.schema import COMMITMENTS, TRANSFORM_TABLES
from pipeline.tables import table_from_columns
from pipeline.transform.rows import empty_columns
from pipeline.transform.worker import ChunkResult, PageFailure

_CARRIED = -1  # the chunk number of rows carried over from the previous publish


def combine(
    chunks: Sequence[ChunkResult], carried: Mapping[str, pa.Table] | None
) -> tuple[dict[str, pa.Table], list[PageFailure]]:
    """Every table, rows unsorted, and the pages dropped as duplicates of another page."""
    claims = _claims(chunks, carried)
    kept: dict[str, tuple[int, str]] = {}
    failures = []
    losers: set[tuple[int, str]] = set()
    for cid, chunk, _url, source in sorted(claims, key=_preference):
        if cid in kept:
            reason = f"duplicate commitment {cid}; kept {kept[cid][1]}"
            failures.append(PageFailure(source, reason, cid))
            losers.add((chunk, source))
        else:
            kept[cid] = (chunk, source)
    parts = [_without(chunk, index, losers) for index, chunk in enumerate(chunks)]
    if carried is not None:
        parts.append(_carried_without(carried, {f.commitment_id for f in failures}, kept))
    empty = empty_columns()
    tables = {
        spec.name: pa.concat_tables(
            [table_from_columns(spec, empty[spec.name])]
            + [part[spec.name] for part in parts if part and spec.name in part]
        )
        for spec in TRANSFORM_TABLES
    }
    return tables, failures


Claim = tuple[str, int, str, str]  # (commitment ID, chunk number, canonical URL, source URL)


def _claims(chunks: Sequence[ChunkResult], carried: Mapping[str, pa.Table] | None) -> list[Claim]:
    claims: list[Claim] = []
    sources = [(index, chunk.tables.get(COMMITMENTS.name)) for index, chunk in enumerate(chunks)]
    if carried is not None:
        sources.append((_CARRIED, carried[COMMITMENTS.name]))
    for index, table in sources:
        if table is None:
            continue
        columns = (table[name].to_pylist() for name in ("commitment_id", "url", "source_url"))
        claims += [(cid, index, url, src) for cid, url, src in zip(*columns, strict=True)]
    return claims


def _preference(claim: Claim) -> tuple[str, bool, str]:
    """Pages whose canonical URL names the commitment ID first, then by source URL."""
    cid, _chunk, url, source = claim
    return (cid, f"/{cid}/" not in url, source)


def _without(chunk: ChunkResult, index: int, losers: set[tuple[int, str]]) -> dict[str, pa.Table]:
    """The chunk's tables without the rows of its losing pages."""
    if not chunk.tables or not any(c == index for c, _source in losers):
        return chunk.tables
    keep: dict[str, list[tuple[int, int]]] = {name: [] for name in chunk.tables}
    offsets = dict.fromkeys(chunk.tables, 0)
    for source, rows in chunk.pages:
        for name, count in rows.items():
            if (index, source) not in losers:
                keep[name].append((offsets[name], count))
            offsets[name] += count
    return {
        name: pa.concat_tables([table.slice(0, 0)] + [table.slice(o, n) for o, n in keep[name]])
        for name, table in chunk.tables.items()
    }


def _carried_without(
    carried: Mapping[str, pa.Table], duplicated: set[str | None], kept: dict[str, tuple[int, str]]
) -> dict[str, pa.Table]:
    """Carried-over rows without those of commitments a parsed page won."""
    lost = sorted(cid for cid in duplicated if cid is not None and kept[cid][0] != _CARRIED)
    if not lost:
        return dict(carried)
    drop = pa.array(lost, pa.string())
    return {
        name: table.filter(pc.invert(pc.is_in(table["commitment_id"], value_set=drop)))
        for name, table in carried.items()
    }
