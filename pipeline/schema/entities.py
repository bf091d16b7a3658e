"""The entities a researcher joins on: members, their action plans, the institutions named by
commitments, and each member's commitment list (stored once per member and language)."""

from __future__ import annotations

import pyarrow as pa

from pipeline.schema.columns import (
    COUNT,
    POSITION,
    TO_MEMBERS,
    YEAR,
    column,
    table,
)
from pipeline.schema.pages import LANGUAGES, LIST_ITEM_FIELDS

MEMBER_KINDS = ("national", "local")

_SLUG = column(
    "member_slug", pa.string(), "Member slug from the URL (united-kingdom).", required=True
)

MEMBERS = table(
    "members",
    "One row per member (country or local government) of any commitment, live or removed.",
    [
        _SLUG,
        column(
            "member_name",
            pa.string(),
            "Name the member's pages show most often (English pages first on a tie); null "
            "when none of its pages names it.",
        ),
        column(
            "member_kind",
            pa.string(),
            "national or local, from what the member's pages say (see DATA.md, Entities); "
            "null when they do not say.",
            vocabulary=MEMBER_KINDS,
        ),
        column(
            "id_prefix",
            pa.string(),
            "Letters its commitment IDs start with (MN, NGKD): the member's numbering series.",
            required=True,
        ),
        column("url", pa.string(), "The member's page on the site.", required=True),
        column(
            "live_commitments",
            COUNT,
            "Its commitments in the commitments table (0 when all were removed).",
            required=True,
        ),
    ],
    ("member_slug",),
)

ACTION_PLANS = table(
    "action_plans",
    "One row per action plan named by a live commitment.",
    [
        column(
            "action_plan_id",
            pa.string(),
            "Key: the member slug and the plan's years (mongolia-2016-2018), or the member "
            "slug and the plan's title in lower case with hyphens when it shows no years.",
            required=True,
        ),
        _SLUG,
        column(
            "action_plan",
            pa.string(),
            "Plan title as its commitments show it (the most frequent spelling).",
            required=True,
        ),
        column("start_year", YEAR, "First year of the plan, from its title."),
        column("end_year", YEAR, "Last year of the plan, from its title."),
        column(
            "action_plan_cycle",
            YEAR,
            "The Action Plan Cycle year its commitments show most often.",
        ),
        column("live_commitments", COUNT, "Its commitments in commitments.", required=True),
    ],
    ("action_plan_id",),
    (TO_MEMBERS,),
)

INSTITUTIONS = table(
    "institutions",
    "One row per institution named by a live commitment, per member.",
    [
        column(
            "institution_key",
            pa.string(),
            "Key: the member slug, '/', and the name normalised (lower case, accents, "
            "punctuation and a leading 'the' removed, words joined by '-').",
            required=True,
        ),
        _SLUG,
        column(
            "name",
            pa.string(),
            "Name as commitments show it (the most frequent spelling).",
            required=True,
        ),
        column(
            "live_commitments",
            COUNT,
            "Live commitments naming it, in any role.",
            required=True,
        ),
    ],
    ("institution_key",),
    (TO_MEMBERS,),
)

MEMBER_LIST = table(
    "member_commitment_list",
    "Each member's commitment list, as the most recently fetched page of the member that "
    "shows one shows it, in each language (stored once, not once per page).",
    [
        _SLUG,
        column(
            "language",
            pa.string(),
            "Interface language of the page that showed the list.",
            required=True,
            vocabulary=LANGUAGES,
        ),
        column("position", POSITION, "Order in the list, from 0.", required=True),
        *LIST_ITEM_FIELDS,
        column(
            "source_commitment_id",
            pa.string(),
            "The commitment whose page showed the list (its provenance follows).",
            required=True,
        ),
    ],
    ("member_slug", "language", "position"),
    (TO_MEMBERS,),
    provenance=True,
)

ENTITY_TABLES = (MEMBERS, ACTION_PLANS, INSTITUTIONS, MEMBER_LIST)
