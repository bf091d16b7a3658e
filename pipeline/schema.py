"""Every output table's pyarrow schema, keys, row order and column documentation.

This module is the single source of truth for column names and types: load builds tables with
these schemas (never letting pandas guess), validation checks against them, and
``docs/DATA.md`` and ``datapackage.json`` are generated from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyarrow as pa

from pipeline.records import MISSING_EXTRA
from pipeline.vocab import default_vocabulary

REPORT_TYPES = default_vocabulary().report_types
TEMPLATES = ("T1", "T2", "T3", "T4", "unknown")
VALUE_STATUSES = ("known", "missing", "free_text", "unknown")
INSTITUTION_ROLES = ("lead", "support", "involved")
FINISH_REASONS = ("published", "partial", "refused", "failed", "interrupted")
# The guards that can refuse a run (errors.GuardRefusal.guard), named in runs.refused_by.
GUARDS = ("shrink", "empty", "drift", "crawl_delay")

YEAR = pa.int16()
RANK = pa.int8()  # scales have a handful of steps
POSITION = pa.int16()
TIMESTAMP = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())


def column(
    name: str,
    type_: pa.DataType,
    doc: str,
    *,
    required: bool = False,
    vocabulary: tuple[str, ...] | None = None,
    ordered: bool = False,
) -> pa.Field:
    """A documented field. Vocabulary and order travel in the field metadata of the Parquet."""
    meta = {"description": doc}
    if vocabulary is not None:
        meta["vocabulary"] = json.dumps(list(vocabulary), ensure_ascii=False)
        meta["ordered"] = "true" if ordered else "false"
    return pa.field(name, type_, nullable=not required, metadata=meta)


def _missing_codes() -> tuple[str, ...]:
    return default_vocabulary().missing_codes() + MISSING_EXTRA


def column_with_missing_reason(name: str, type_: pa.DataType, doc: str) -> list[pa.Field]:
    """A field with a closed vocabulary plus its *_missing reason column; a field whose
    vocabulary is a scale (ordered in vocabulary.toml) also gets its *_rank column."""
    vocab = default_vocabulary()
    # A boolean column's Yes/No spellings are parsing input, not values the column can hold.
    closed = name in vocab.closed_fields() and type_ == pa.string()
    categories = vocab.categories(name) if closed else None
    ordered = vocab.is_ordered(name) if categories else False
    missing = column(
        f"{name}_missing",
        pa.string(),
        f"Why {name} is null: a missing-reason code; null when {name} has a value.",
        vocabulary=_missing_codes(),
    )
    value = column(name, type_, doc, vocabulary=categories, ordered=ordered)
    if not (ordered and categories):
        return [value, missing]
    return [value, _rank_column(name, categories), missing]


def _rank_column(name: str, scale: tuple[str, ...]) -> pa.Field:
    """``{name}_rank``: the value's place in its scale, so that every reader (pandas with
    either dtype backend, DuckDB, a spreadsheet) sorts and compares it in the scale's order."""
    doc = (
        f"Place of {name} in its scale, from 1 ({scale[0]}) to {len(scale)} ({scale[-1]}); "
        f"null when {name} is null."
    )
    meta = {"description": doc, "rank_of": name, "scale": json.dumps(list(scale))}
    return pa.field(f"{name}_rank", RANK, nullable=True, metadata=meta)


def rank_columns(spec: TableSpec) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The *_rank columns of a table: {rank column: (scale column, scale from low to high)}."""
    ranks = {}
    for field in spec.schema:
        meta = field.metadata or {}
        if b"rank_of" in meta:
            scale = tuple(json.loads(meta[b"scale"]))
            ranks[field.name] = (meta[b"rank_of"].decode(), scale)
    return ranks


PROVENANCE = [
    column(
        "source_url", pa.string(), "URL the page was fetched from (after redirects).", required=True
    ),
    column("fetched_at", TIMESTAMP, "When the page content was fetched (UTC).", required=True),
    column(
        "content_sha256",
        pa.string(),
        "sha256 of the page body the row was parsed from.",
        required=True,
    ),
    column(
        "parser_version",
        pa.string(),
        "Version of the parsing rules that produced the row.",
        required=True,
    ),
    column(
        "run_id",
        pa.string(),
        "Run whose fetch produced this content (not the run that last published it).",
        required=True,
    ),
]


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    schema: pa.Schema
    primary_key: tuple[str, ...]
    # (columns, referenced table, referenced columns)
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    provenance: bool = True

    @property
    def sort_keys(self) -> tuple[str, ...]:
        """Rows are written in primary-key order so equal inputs give byte-identical files."""
        return self.primary_key


def _table(
    name: str,
    description: str,
    fields: list[pa.Field],
    primary_key: tuple[str, ...],
    *,
    parent: bool = True,
    provenance: bool = True,
) -> TableSpec:
    all_fields = fields + (PROVENANCE if provenance else [])
    fks = ((("commitment_id",), "commitments", ("commitment_id",)),) if parent else ()
    return TableSpec(name, description, pa.schema(all_fields), primary_key, fks, provenance)


_ID = column("commitment_id", pa.string(), "Commitment ID, upper case (MN0002).", required=True)

COMMITMENTS = _table(
    "commitments",
    "One row per commitment page.",
    [
        _ID,
        column(
            "title",
            pa.string(),
            "Commitment title as shown, without the trailing (ID).",
            required=True,
        ),
        column("member_name", pa.string(), "Member (country or local government) name as shown."),
        column("member_slug", pa.string(), "Member slug from the URL (united-kingdom)."),
        column(
            "language",
            pa.string(),
            "Interface language of the page.",
            required=True,
            vocabulary=("en", "es", "fr"),
        ),
        column("url", pa.string(), "Canonical URL of the commitment page.", required=True),
        column(
            "template",
            pa.string(),
            "Page template era detected from the labels shown (see below).",
            required=True,
            vocabulary=TEMPLATES,
        ),
        column(
            "description",
            pa.string(),
            "Description as plain text; paragraphs separated by a blank line.",
        ),
        column("description_html", pa.string(), "Description as HTML, as served."),
        column("irm_status_summary", pa.string(), "Old pages' IRM status summary text, plain."),
        *column_with_missing_reason("action_plan", pa.string(), "Action plan title as shown."),
        column("action_plan_start_year", YEAR, "First year of the action plan, from its title."),
        column("action_plan_end_year", YEAR, "Last year of the action plan, from its title."),
        *column_with_missing_reason(
            "action_plan_cycle", YEAR, "Action Plan Cycle year (not always the plan's start year)."
        ),
        *column_with_missing_reason(
            "status", pa.string(), "Status shown in At-a-Glance (old templates)."
        ),
        *column_with_missing_reason(
            "inception_report", pa.string(), "Inception Report value (2024 OGP Local template)."
        ),
        *column_with_missing_reason(
            "commitment_start",
            pa.date32(),
            "Commitment start, month precision (first day of the month).",
        ),
        *column_with_missing_reason(
            "commitment_end",
            pa.date32(),
            "Commitment end, month precision (first day of the month).",
        ),
        *column_with_missing_reason("lead_institution", pa.string(), "Lead Institution, raw text."),
        *column_with_missing_reason(
            "support_institutions", pa.string(), "Support Institution(s), raw text."
        ),
        *column_with_missing_reason("policy_areas", STRINGS, "Policy areas in page order."),
        *column_with_missing_reason(
            "irm_reports",
            STRINGS,
            "IRM report titles in page order (typed in commitment_irm_reports).",
        ),
        *column_with_missing_reason("starred", pa.bool_(), "Starred by the IRM (old templates)."),
        *column_with_missing_reason(
            "early_results", pa.string(), 'Early Results ("Did it open government?").'
        ),
        *column_with_missing_reason(
            "verifiable", pa.bool_(), "Verifiable, as assessed by the IRM."
        ),
        column(
            "ogp_values",
            STRINGS,
            "OGP values the commitment is relevant to, canonical names.",
            vocabulary=default_vocabulary().ogp_values,
        ),
        *column_with_missing_reason(
            "ogp_relevant",
            pa.bool_(),
            "Relevant to OGP values (true when values are listed or 'Yes').",
        ),
        *column_with_missing_reason(
            "potential_impact", pa.string(), "Potential Impact (old templates)."
        ),
        *column_with_missing_reason(
            "ambition", pa.string(), "Ambition (newer templates; the IRM's potential for results)."
        ),
        *column_with_missing_reason(
            "completion", pa.string(), "Completion, the IRM's five-point scale."
        ),
        column(
            "stale_since",
            TIMESTAMP,
            "Null when the row is current (the page's last fetch got or confirmed its content, "
            "and its rows were parsed and passed). Otherwise the start of the first run since "
            "which the row has been stale (UTC); see stale_reason.",
        ),
        column(
            "stale_reason",
            pa.string(),
            "Why the row is stale, null when it is not: 'fetch failed: ', 'not parsed: ' or "
            "'rows failed validation: ' followed by the detail.",
        ),
    ],
    ("commitment_id",),
    parent=False,
)

POLICY_AREAS = _table(
    "commitment_policy_areas",
    "Policy areas of each commitment, one row each.",
    [
        _ID,
        column("position", POSITION, "Order on the page, from 0.", required=True),
        column("policy_area", pa.string(), "Policy area as shown.", required=True),
        column(
            "known",
            pa.bool_(),
            "True when the vocabulary file lists this policy area.",
            required=True,
        ),
    ],
    ("commitment_id", "position"),
)

OGP_VALUES = _table(
    "commitment_ogp_values",
    "OGP values of each commitment, one row each.",
    [
        _ID,
        column("position", POSITION, "Order on the page, from 0.", required=True),
        column(
            "ogp_value",
            pa.string(),
            "Canonical OGP value name.",
            required=True,
            vocabulary=default_vocabulary().ogp_values,
        ),
    ],
    ("commitment_id", "ogp_value"),
)

INSTITUTIONS = _table(
    "commitment_institutions",
    "Institutions named by each commitment.",
    [
        _ID,
        column(
            "role",
            pa.string(),
            "lead, support or involved (2024 template).",
            required=True,
            vocabulary=INSTITUTION_ROLES,
        ),
        column("position", POSITION, "Order within the role, from 0.", required=True),
        column(
            "name",
            pa.string(),
            "Institution name; split only at list items, bullets and ';'.",
            required=True,
        ),
    ],
    ("commitment_id", "role", "position"),
)

IRM_REPORTS = _table(
    "commitment_irm_reports",
    "IRM reports listed by each commitment.",
    [
        _ID,
        column("position", POSITION, "Order on the page, from 0.", required=True),
        column("title", pa.string(), "Report title as shown.", required=True),
        column(
            "report_type",
            pa.string(),
            "Report type recognised from the title.",
            vocabulary=REPORT_TYPES,
        ),
        column("start_year", YEAR, "First year in the title."),
        column("end_year", YEAR, "Last year in the title."),
        column(
            "public_comment_version",
            pa.bool_(),
            "Title marks a version for public comment.",
            required=True,
        ),
    ],
    ("commitment_id", "position"),
)

MEMBER_LIST = _table(
    "member_commitment_list",
    "The member's commitment list shown at the bottom of each page.",
    [
        _ID,
        column("position", POSITION, "Order in the list, from 0.", required=True),
        column("member_slug", pa.string(), "Member slug of the page showing the list."),
        column("listed_commitment_id", pa.string(), "ID of the listed commitment.", required=True),
        column("title", pa.string(), "Title of the listed commitment.", required=True),
        column("cycle_year", YEAR, "Action plan cycle year shown for it."),
        column("policy_area", pa.string(), "Primary policy area shown for it."),
        column("starred", pa.bool_(), "Marked 'Starred commitment'.", required=True),
    ],
    ("commitment_id", "position"),
)

PAGE_FIELDS = _table(
    "page_fields",
    "Every label and value every page shows (the no-loss record).",
    [
        _ID,
        column("position", POSITION, "Order on the page, from 0.", required=True),
        column("section", pa.string(), "Canonical section key, null before the first heading."),
        column("heading", pa.string(), "Section heading as shown."),
        column("label", pa.string(), "Label as shown, without its colon.", required=True),
        column(
            "value", pa.string(), "Value as shown; list items separated by newlines.", required=True
        ),
        column(
            "field", pa.string(), "Canonical field the label feeds; null when the label is unknown."
        ),
        column(
            "value_status",
            pa.string(),
            "known, missing, free_text or unknown.",
            required=True,
            vocabulary=VALUE_STATUSES,
        ),
    ],
    ("commitment_id", "position"),
)

RUNS = _table(
    "runs",
    "One row per pipeline run, published or not.",
    [
        column("run_id", pa.string(), "Run identifier (UTC start time, sortable).", required=True),
        column("started_at", TIMESTAMP, "Start (UTC).", required=True),
        column("finished_at", TIMESTAMP, "End (UTC).", required=True),
        column(
            "finish_reason",
            pa.string(),
            "published, partial, refused, failed or interrupted.",
            required=True,
            vocabulary=FINISH_REASONS,
        ),
        column(
            "refused_by",
            pa.string(),
            "The guard that refused the run (finish_reason refused); null otherwise.",
            vocabulary=GUARDS,
        ),
        column(
            "error",
            pa.string(),
            "Why the run failed or was refused, as printed; null when it published.",
        ),
        column("exit_code", pa.int8(), "Exit code of the run.", required=True),
        column("pipeline_version", pa.string(), "Package version.", required=True),
        column("parser_version", pa.string(), "Parser version.", required=True),
        column("base_url", pa.string(), "Site the run fetched from."),
        column("pages_discovered", pa.int32(), "Commitment pages discovered."),
        column("pages_fetched", pa.int32(), "Pages downloaded with a new body."),
        column(
            "pages_not_modified",
            pa.int32(),
            "Pages answered 304 Not Modified or skipped by sitemap lastmod.",
        ),
        column(
            "pages_failed",
            pa.int32(),
            "Pages that could not be fetched or parsed, or whose new rows failed validation.",
        ),
        column("pages_parsed", pa.int32(), "Pages parsed in this run."),
        column("pages_reused", pa.int32(), "Pages whose rows were carried over unchanged."),
        column(
            "pages_stale",
            pa.int32(),
            "Commitments published with rows from an earlier fetch or parse (stale_since set).",
        ),
        column("commitments", pa.int32(), "Rows of the commitments table after the run."),
    ],
    ("run_id",),
    parent=False,
    provenance=False,
)

DATA_TABLES: tuple[TableSpec, ...] = (
    COMMITMENTS,
    POLICY_AREAS,
    OGP_VALUES,
    INSTITUTIONS,
    IRM_REPORTS,
    MEMBER_LIST,
    PAGE_FIELDS,
)
ALL_TABLES: tuple[TableSpec, ...] = (*DATA_TABLES, RUNS)
TABLES_BY_NAME = {spec.name: spec for spec in ALL_TABLES}


def table_spec(name: str) -> TableSpec:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; known: {sorted(TABLES_BY_NAME)}") from None
