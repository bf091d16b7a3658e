"""Every output table's pyarrow schema, keys, row order and column documentation.

This package is the single source of truth for column names and types: load builds tables with
these schemas (never letting pandas guess), validation checks against them, and
``docs/DATA.md`` and ``datapackage.json`` are generated from them. ``columns`` says how a table
is declared; ``pages``, ``entities``, ``history`` and ``runs`` declare the tables.
"""

from __future__ import annotations

from pipeline.schema.columns import (
    FINISH_REASONS,
    GUARDS,
    INSTITUTION_ROLES,
    POSITION,
    PROVENANCE,
    RANK,
    REPORT_TYPES,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    STRINGS,
    TEMPLATES,
    TIMESTAMP,
    VALUE_STATUSES,
    YEAR,
    ForeignKey,
    TableSpec,
    column,
    column_with_missing_reason,
    rank_columns,
)
from pipeline.schema.entities import (
    ACTION_PLANS,
    ENTITY_TABLES,
    INSTITUTIONS,
    MEMBER_KINDS,
    MEMBER_LIST,
    MEMBERS,
)
from pipeline.schema.history import (
    CAUSES,
    CHANGE_FIELDS,
    CHANGE_KINDS,
    COMMITMENT_CHANGES,
    COMMITMENT_HISTORY,
    HISTORY_TABLES,
)
from pipeline.schema.pages import (
    COMMITMENT_INSTITUTIONS,
    COMMITMENTS,
    IRM_REPORTS,
    OGP_VALUES,
    PAGE_FIELDS,
    PAGE_MEMBER_LISTS,
    PAGE_TABLES,
    POLICY_AREAS,
)
from pipeline.schema.runs import RUNS

# What transform hands to load: the page tables and each parsed page's member list.
TRANSFORM_TABLES: tuple[TableSpec, ...] = (*PAGE_TABLES, PAGE_MEMBER_LISTS)
# What a publish writes into its run folder, in this order.
DATA_TABLES: tuple[TableSpec, ...] = (*PAGE_TABLES, *ENTITY_TABLES, *HISTORY_TABLES)
ALL_TABLES: tuple[TableSpec, ...] = (*DATA_TABLES, RUNS)
TABLES_BY_NAME = {spec.name: spec for spec in (*ALL_TABLES, PAGE_MEMBER_LISTS)}


def table_spec(name: str) -> TableSpec:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; known: {sorted(TABLES_BY_NAME)}") from None


__all__ = [
    "ACTION_PLANS",
    "ALL_TABLES",
    "CAUSES",
    "CHANGE_FIELDS",
    "CHANGE_KINDS",
    "COMMITMENTS",
    "COMMITMENT_CHANGES",
    "COMMITMENT_HISTORY",
    "COMMITMENT_INSTITUTIONS",
    "DATA_TABLES",
    "ENTITY_TABLES",
    "FINISH_REASONS",
    "GUARDS",
    "HISTORY_TABLES",
    "INSTITUTIONS",
    "INSTITUTION_ROLES",
    "IRM_REPORTS",
    "MEMBERS",
    "MEMBER_KINDS",
    "MEMBER_LIST",
    "OGP_VALUES",
    "PAGE_FIELDS",
    "PAGE_MEMBER_LISTS",
    "PAGE_TABLES",
    "POLICY_AREAS",
    "POSITION",
    "PROVENANCE",
    "RANK",
    "REPORT_TYPES",
    "RUNS",
    "SCHEMA_VERSION",
    "SCHEMA_VERSION_KEY",
    "STRINGS",
    "TABLES_BY_NAME",
    "TEMPLATES",
    "TIMESTAMP",
    "TRANSFORM_TABLES",
    "VALUE_STATUSES",
    "YEAR",
    "ForeignKey",
    "TableSpec",
    "column",
    "column_with_missing_reason",
    "rank_columns",
    "table_spec",
]
