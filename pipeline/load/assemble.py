"""Every table of a publish, from the settled page tables of a run and the previous publish:
member names filled in, the history extended, the entities derived.

The same steps serve a refresh and ``rebuild-history``, so both give the same tables from the
same pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from pipeline.entities.build import entity_tables, fill_member_names, member_names
from pipeline.history.update import HistoryUpdate, Publish, empty_history, update_history
from pipeline.schema import (
    COMMITMENT_CHANGES,
    COMMITMENT_HISTORY,
    COMMITMENT_INSTITUTIONS,
    COMMITMENTS,
    MEMBER_LIST,
    PAGE_MEMBER_LISTS,
    PAGE_TABLES,
)


@dataclass(frozen=True)
class Assembled:
    tables: dict[str, pa.Table]  # every table a publish writes (DATA_TABLES)
    new_changes: pa.Table  # the rows this publish adds to commitment_changes


def filled_commitments(page_tables: Mapping[str, pa.Table]) -> pa.Table:
    """The commitments with member_name filled in where the page does not show it."""
    commitments = page_tables[COMMITMENTS.name]
    return fill_member_names(commitments, member_names(commitments))


def extend_history(
    commitments: pa.Table, previous: Mapping[str, pa.Table] | None, publish: Publish
) -> HistoryUpdate:
    """The history tables after this publish. A previous publish without history tables
    (none, or one of schema 2) starts the history here: every commitment is added."""
    if previous is not None and COMMITMENT_HISTORY.name in previous:
        changes, history = previous[COMMITMENT_CHANGES.name], previous[COMMITMENT_HISTORY.name]
    else:
        changes, history = empty_history()
    before = previous.get(COMMITMENTS.name) if previous is not None else None
    return update_history(commitments, before, changes, history, publish)


def assemble(
    page_tables: Mapping[str, pa.Table],
    previous: Mapping[str, pa.Table] | None,
    publish: Publish,
) -> Assembled:
    """``page_tables``: the settled transform tables (page tables and this run's page member
    lists); ``previous``: the previous publish as ``read_published`` gives it."""
    commitments = filled_commitments(page_tables)
    update = extend_history(commitments, previous, publish)
    entities = entity_tables(
        commitments,
        page_tables[COMMITMENT_INSTITUTIONS.name],
        update.history,
        page_tables[PAGE_MEMBER_LISTS.name],
        previous.get(MEMBER_LIST.name) if previous is not None else None,
    )
    tables = {spec.name: page_tables[spec.name] for spec in PAGE_TABLES}
    tables[COMMITMENTS.name] = commitments
    tables.update(entities)
    tables[COMMITMENT_CHANGES.name] = update.changes
    tables[COMMITMENT_HISTORY.name] = update.history
    return Assembled(tables, update.new_changes)
