"""The tables of commitment pages: one row per commitment, its child rows (which carry the
commitment key and a position, not provenance), and the no-loss record of every page."""

from __future__ import annotations

import pyarrow as pa

from pipeline.schema.columns import (
    INSTITUTION_ROLES,
    POSITION,
    REPORT_TYPES,
    STRINGS,
    TEMPLATES,
    TIMESTAMP,
    TO_COMMITMENTS,
    TO_MEMBERS,
    VALUE_STATUSES,
    YEAR,
    column,
    column_with_missing_reason,
    table,
)
from pipeline.vocab import default_vocabulary

LANGUAGES = ("en", "es", "fr")
_ID = column("commitment_id", pa.string(), "Commitment ID, upper case (MN0002).", required=True)
_POSITION = column("position", POSITION, "Order on the page, from 0.", required=True)

COMMITMENTS = table(
    "commitments",
    "One row per live commitment: its page was fetched and parsed, and does not answer "
    "404/410 (removed commitments are in commitment_history).",
    [
        _ID,
        column(
            "title",
            pa.string(),
            "Commitment title as shown, without the trailing (ID).",
            required=True,
        ),
        column(
            "member_name",
            pa.string(),
            "Member (country or local government) name as the page shows it; when the page "
            "does not, the member's name from its other pages (see members.member_name).",
        ),
        column(
            "member_name_shown",
            pa.bool_(),
            "True when this page shows member_name itself, false when it was taken from the "
            "member's other pages (or is null: no page of the member names it).",
            required=True,
        ),
        column(
            "member_slug",
            pa.string(),
            "Member slug from the URL (united-kingdom); joins members.",
            required=True,
        ),
        column(
            "language",
            pa.string(),
            "Interface language of the page.",
            required=True,
            vocabulary=LANGUAGES,
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
        column(
            "action_plan_id",
            pa.string(),
            "The action plan's key (see action_plans); null when the page names no plan.",
        ),
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
    (TO_MEMBERS, (("action_plan_id",), "action_plans", ("action_plan_id",))),
    provenance=True,
)

POLICY_AREAS = table(
    "commitment_policy_areas",
    "Policy areas of each commitment, one row each.",
    [
        _ID,
        _POSITION,
        column("policy_area", pa.string(), "Policy area as shown.", required=True),
        column(
            "known",
            pa.bool_(),
            "True when the vocabulary file lists this policy area.",
            required=True,
        ),
    ],
    ("commitment_id", "position"),
    (TO_COMMITMENTS,),
)

OGP_VALUES = table(
    "commitment_ogp_values",
    "OGP values of each commitment, one row each.",
    [
        _ID,
        _POSITION,
        column(
            "ogp_value",
            pa.string(),
            "Canonical OGP value name.",
            required=True,
            vocabulary=default_vocabulary().ogp_values,
        ),
    ],
    ("commitment_id", "ogp_value"),
    (TO_COMMITMENTS,),
)

COMMITMENT_INSTITUTIONS = table(
    "commitment_institutions",
    "Institutions named by each commitment, one row per institution (see institutions for "
    "how a value is split).",
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
            "Institution name as shown (one piece of the value).",
            required=True,
        ),
        column(
            "institution_key",
            pa.string(),
            "The institution's key; joins institutions.",
            required=True,
        ),
    ],
    ("commitment_id", "role", "position"),
    (TO_COMMITMENTS, (("institution_key",), "institutions", ("institution_key",))),
)

IRM_REPORTS = table(
    "commitment_irm_reports",
    "IRM reports listed by each commitment.",
    [
        _ID,
        _POSITION,
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
    (TO_COMMITMENTS,),
)

PAGE_FIELDS = table(
    "page_fields",
    "Every label and value every page shows (the no-loss record).",
    [
        _ID,
        _POSITION,
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
    (TO_COMMITMENTS,),
    provenance=True,
)

LIST_ITEM_FIELDS = [
    column("listed_commitment_id", pa.string(), "ID of the listed commitment.", required=True),
    column("title", pa.string(), "Title of the listed commitment.", required=True),
    column("cycle_year", YEAR, "Action plan cycle year shown for it."),
    column("policy_area", pa.string(), "Primary policy area shown for it."),
    column("starred", pa.bool_(), "Marked 'Starred commitment'.", required=True),
]

# Not published: the list each parsed page shows, from which load keeps one per member.
PAGE_MEMBER_LISTS = table(
    "page_member_lists",
    "The member's commitment list shown at the bottom of each page parsed in this run.",
    [
        _ID,
        _POSITION,
        column("member_slug", pa.string(), "Member slug of the page.", required=True),
        column(
            "language",
            pa.string(),
            "Interface language of the page.",
            required=True,
            vocabulary=LANGUAGES,
        ),
        *LIST_ITEM_FIELDS,
    ],
    ("commitment_id", "position"),
    provenance=True,
    published=False,
)

# The tables of one page's rows: carried over, dropped or kept stale page by page.
PAGE_TABLES = (
    COMMITMENTS,
    POLICY_AREAS,
    OGP_VALUES,
    COMMITMENT_INSTITUTIONS,
    IRM_REPORTS,
    PAGE_FIELDS,
)
