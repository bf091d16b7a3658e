"""Typed, frozen records that the parser returns. One ``ParsedPage`` per commitment page.

Field names are the column names of the output tables (see ``pipeline.schema``). Every
assessed field ``F`` has a companion ``F_missing``: null when ``F`` holds a value, otherwise
the reason there is none (a key of ``[missing]`` in the vocabulary file, or ``absent`` when the
page does not show the label at all, ``empty`` when it shows the label with nothing after it,
``unrecognized`` when it shows a value the vocabulary does not know yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MISSING_ABSENT = "absent"
MISSING_EMPTY = "empty"
MISSING_UNRECOGNIZED = "unrecognized"
# The missing-reason codes the parser assigns itself, besides the vocabulary file's [missing].
MISSING_EXTRA = (MISSING_ABSENT, MISSING_EMPTY, MISSING_UNRECOGNIZED)


@dataclass(frozen=True, slots=True)
class PageField:
    """One label and value as the page shows them: the no-loss record of a page."""

    position: int  # order on the page, from 0
    section: str | None  # canonical section key ("irm_review"), None before any heading
    heading: str | None  # the section heading as shown ("Revisión de IRM")
    label: str  # the label as shown, without its trailing colon
    value: str  # the value as shown (whitespace collapsed, list items joined by newlines)
    field: str | None  # canonical field key when the label is known, else None
    value_status: str  # "known", "missing", "free_text", "unknown"


@dataclass(frozen=True, slots=True)
class Unknown:
    """Something the page showed that the vocabulary does not know yet."""

    kind: str  # "label", "value", "heading", "policy_area", "ogp_value", "irm_report_type"
    field: str | None  # canonical field it belongs to, when known
    text: str  # as shown


@dataclass(frozen=True, slots=True)
class IrmReport:
    position: int
    title: str
    report_type: str | None  # progress, mid_term, end_of_term, design, action_plan_review, ...
    start_year: int | None
    end_year: int | None
    public_comment_version: bool


@dataclass(frozen=True, slots=True)
class Institution:
    role: str  # "lead", "support" or "involved"
    position: int  # order within the role, from 0
    name: str


@dataclass(frozen=True, slots=True)
class MemberListItem:
    """One entry of the member's commitment list shown at the bottom of a commitment page."""

    position: int  # from 0, in page order
    listed_commitment_id: str
    title: str
    cycle_year: int | None
    policy_area: str | None
    starred: bool


@dataclass(frozen=True, slots=True)
class Commitment:
    commitment_id: str
    title: str
    member_name: str | None
    member_slug: str | None
    language: str
    url: str  # canonical
    template: str  # T1, T2, T3, T4 or "unknown" (see docs/DATA.md)
    description: str | None
    description_html: str | None
    irm_status_summary: str | None  # the old pages' "IRM ... Status Summary" text
    action_plan: str | None
    action_plan_missing: str | None
    action_plan_start_year: int | None
    action_plan_end_year: int | None
    action_plan_cycle: int | None
    action_plan_cycle_missing: str | None
    status: str | None
    status_missing: str | None
    inception_report: str | None
    inception_report_missing: str | None
    commitment_start: date | None  # month precision: the first day of the month shown
    commitment_start_missing: str | None
    commitment_end: date | None
    commitment_end_missing: str | None
    lead_institution: str | None
    lead_institution_missing: str | None
    support_institutions: str | None
    support_institutions_missing: str | None
    policy_areas: tuple[str, ...]
    policy_areas_missing: str | None
    irm_reports: tuple[str, ...]
    irm_reports_missing: str | None
    starred: bool | None
    starred_missing: str | None
    early_results: str | None
    early_results_missing: str | None
    verifiable: bool | None
    verifiable_missing: str | None
    ogp_values: tuple[str, ...]
    ogp_relevant: bool | None
    ogp_relevant_missing: str | None
    potential_impact: str | None
    potential_impact_missing: str | None
    ambition: str | None
    ambition_missing: str | None
    completion: str | None
    completion_missing: str | None


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """Everything one commitment page yields."""

    commitment: Commitment
    irm_reports: tuple[IrmReport, ...] = ()
    institutions: tuple[Institution, ...] = ()
    member_list: tuple[MemberListItem, ...] = ()
    fields: tuple[PageField, ...] = ()
    unknowns: tuple[Unknown, ...] = field(default=())
