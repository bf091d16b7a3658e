"""Reading the previous publish for the next one, migrating tables of an older schema.

A refresh carries the rows of unchanged pages over from the previous publish and extends its
history. Only what that needs is read: the page tables, the member lists and the history
tables (not the entity tables, which are derived again). A publish of an older schema is
migrated in memory, so that a release that changes the tables does not re-parse every page:

- schema 2.0.0 (no ``schema_version`` in the files; ``commitments`` has ``stale_since``):
  ``commitments`` gains ``member_name_shown`` and ``action_plan_id``; the child tables lose
  their provenance columns; institution values are split at commas by today's rule and keyed;
  the per-page member lists become one list per member and language; there is no history
  yet, so this publish starts it (every commitment ``added``).
- schema 1.0.0 (before ``stale_since``) cannot be migrated: every page is parsed again.

The files themselves are never changed (run folders are immutable).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.entities.build import member_list_table
from pipeline.entities.institutions import institution_rows
from pipeline.entities.keys import action_plan_id
from pipeline.errors import ProcessedCorrupt, ValidationFailed
from pipeline.load import layout
from pipeline.load.write import read_parquet
from pipeline.records import Institution
from pipeline.schema import (
    COMMITMENT_INSTITUTIONS,
    COMMITMENTS,
    HISTORY_TABLES,
    MEMBER_LIST,
    PAGE_MEMBER_LISTS,
    PAGE_TABLES,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    TableSpec,
)
from pipeline.tables import build_table

V2 = "2.0.0"
# What the next publish reads of the previous one.
CARRIED_TABLES: tuple[TableSpec, ...] = (*PAGE_TABLES, MEMBER_LIST, *HISTORY_TABLES)


def schema_version_of(run_dir: Path) -> str:
    """The schema version of a publish, from its commitments file: written in the file's
    metadata since 3.0.0; 2.0.0 and 1.0.0 are told apart by the stale_since column."""
    schema = pq.read_schema(run_dir / f"{COMMITMENTS.name}.parquet")
    written = (schema.metadata or {}).get(SCHEMA_VERSION_KEY)
    if written is not None:
        return str(written.decode())
    return V2 if "stale_since" in schema.names else "1.0.0"


def read_published(processed_dir: Path) -> dict[str, pa.Table] | None:
    """What the next publish needs of the current one (``CARRIED_TABLES``), migrated to this
    schema; None when nothing was published yet. Raises ProcessedCorrupt when they cannot be
    read or migrated (the caller then parses every page again and starts the history)."""
    run_dir = layout.current_run_dir(processed_dir)
    if run_dir is None:
        return None
    try:
        version = schema_version_of(run_dir)
        if version == SCHEMA_VERSION:
            return {s.name: read_parquet(s, run_dir / f"{s.name}.parquet") for s in CARRIED_TABLES}
        if version == V2:
            return migrate_v2({s.name: _read_v2(run_dir, s.name) for s in _V2_TABLES})
    except (OSError, KeyError, pa.ArrowException, ValidationFailed) as exc:
        raise ProcessedCorrupt(f"cannot read the publish in {run_dir}: {exc}") from exc
    raise ProcessedCorrupt(
        f"the publish in {run_dir} has schema {version}, which this version cannot migrate "
        f"(it reads {SCHEMA_VERSION} and migrates {V2})"
    )


# Schema 2.0.0's tables that 3.0.0 carries over (member_commitment_list was per page).
_V2_TABLES = (*PAGE_TABLES, MEMBER_LIST)


def _read_v2(run_dir: Path, name: str) -> pa.Table:
    return pq.read_table(run_dir / f"{name}.parquet")


def migrate_v2(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Schema 2.0.0 tables as 3.0.0 tables (see the module docstring); no history tables."""
    commitments = _commitments_v2(tables[COMMITMENTS.name])
    slugs = dict(
        zip(
            commitments["commitment_id"].to_pylist(),
            commitments["member_slug"].to_pylist(),
            strict=True,
        )
    )
    languages = dict(
        zip(
            commitments["commitment_id"].to_pylist(),
            commitments["language"].to_pylist(),
            strict=True,
        )
    )
    migrated = {COMMITMENTS.name: commitments}
    for spec in PAGE_TABLES:
        if spec not in (COMMITMENTS, COMMITMENT_INSTITUTIONS):
            migrated[spec.name] = tables[spec.name].select(spec.schema.names).cast(spec.schema)
    migrated[COMMITMENT_INSTITUTIONS.name] = _institutions_v2(
        tables[COMMITMENT_INSTITUTIONS.name], slugs
    )
    migrated[MEMBER_LIST.name] = _member_list_v2(tables[MEMBER_LIST.name], languages)
    return migrated


def _commitments_v2(old: pa.Table) -> pa.Table:
    plans = [
        action_plan_id(slug, plan, start, end)
        for slug, plan, start, end in zip(
            *(
                old[name].to_pylist()
                for name in (
                    "member_slug",
                    "action_plan",
                    "action_plan_start_year",
                    "action_plan_end_year",
                )
            ),
            strict=True,
        )
    ]
    added = {
        "member_name_shown": pc.is_valid(old["member_name"]),
        "action_plan_id": pa.array(plans, pa.string()),
    }
    columns = [added[n] if n in added else old[n] for n in COMMITMENTS.schema.names]
    return pa.Table.from_arrays(columns, names=COMMITMENTS.schema.names).cast(COMMITMENTS.schema)


def _institutions_v2(old: pa.Table, slugs: dict[str, str | None]) -> pa.Table:
    """Schema 2 kept a value split at list items, bullets and ';' only: split it at commas by
    today's rule, number it again and key it."""
    by_commitment: dict[str, list[Institution]] = defaultdict(list)
    for row in old.select(["commitment_id", "role", "position", "name"]).to_pylist():
        by_commitment[row["commitment_id"]].append(
            Institution(row["role"], row["position"], row["name"])
        )
    rows = [
        row
        for cid, institutions in sorted(by_commitment.items())
        for row in institution_rows(cid, slugs.get(cid), tuple(institutions))
    ]
    return build_table(COMMITMENT_INSTITUTIONS, rows)


def _member_list_v2(old: pa.Table, languages: dict[str, str]) -> pa.Table:
    """Schema 2 stored each page's copy of its member's list: keep the most recent page's."""
    ids = old["commitment_id"].to_pylist()
    page_lists = old.append_column(
        "language", pa.array([languages.get(cid, "en") for cid in ids], pa.string())
    )
    page_lists = page_lists.select(PAGE_MEMBER_LISTS.schema.names).cast(PAGE_MEMBER_LISTS.schema)
    return member_list_table(page_lists, None)
