"""The history tables: every change each publish detected, and every published version of
every commitment (slowly changing dimension, type 2). Both are cumulative: each publish carries
the whole history forward, whatever number of run folders is kept."""

from __future__ import annotations

import pyarrow as pa

from pipeline.schema.columns import (
    PROVENANCE,
    TIMESTAMP,
    TO_MEMBERS,
    column,
    rank_columns,
    table,
)
from pipeline.schema.pages import COMMITMENTS

CHANGE_KINDS = ("added", "changed", "removed", "restored")
CAUSES = ("site", "parser")
# commitments columns that describe the row, not the commitment: never a change, and (the
# stale marks) not part of a version.
_PROVENANCE_NAMES = frozenset(f.name for f in PROVENANCE)
_STALE = frozenset({"stale_since", "stale_reason"})
# A change of these is a change of the commitment: every column a reader sees of it, except
# its key and what follows another column (the *_rank columns follow their value,
# action_plan_id the plan's title, member_name_shown member_name).
_DERIVED = frozenset({"commitment_id", "action_plan_id", "member_name_shown"})
CHANGE_FIELDS = tuple(
    f.name
    for f in COMMITMENTS.schema
    if f.name not in _PROVENANCE_NAMES | _STALE | _DERIVED
    and f.name not in rank_columns(COMMITMENTS)
)

COMMITMENT_CHANGES = table(
    "commitment_changes",
    "One row per change a publish detected: a commitment added, removed (its page answers "
    "404/410, or it is no longer published) or restored, or one field of it changed.",
    [
        column("run_id", pa.string(), "The publish that detected the change.", required=True),
        column(
            "detected_at",
            TIMESTAMP,
            "Start of that run (UTC): the change happened on the site since the publish before it.",
            required=True,
        ),
        column("commitment_id", pa.string(), "The commitment.", required=True),
        column("member_slug", pa.string(), "Its member; joins members.", required=True),
        column(
            "change",
            pa.string(),
            "added, changed, removed or restored.",
            required=True,
            vocabulary=CHANGE_KINDS,
        ),
        column(
            "field",
            pa.string(),
            "The commitments column that changed; null for added, removed and restored.",
            vocabulary=CHANGE_FIELDS,
        ),
        column(
            "old_value",
            pa.string(),
            "Value before, as text (lists as JSON arrays, booleans true/false, dates "
            "YYYY-MM-DD); null when it was null.",
        ),
        column("new_value", pa.string(), "Value after, as old_value."),
        column(
            "cause",
            pa.string(),
            "parser when the page's body is the one the previous publish parsed and a new "
            "parser version reads it differently; site otherwise.",
            required=True,
            vocabulary=CAUSES,
        ),
    ],
    ("run_id", "commitment_id", "change", "field"),
    (TO_MEMBERS,),
)

_VERSION_FIELDS = [
    column(
        "version", pa.int32(), "1 for the first published version, then 2, 3, ...", required=True
    ),
    column(
        "valid_from",
        TIMESTAMP,
        "Start of the run that published this version (its detected_at).",
        required=True,
    ),
    column(
        "valid_to",
        TIMESTAMP,
        "Start of the run that published the next version; null for the current one.",
    ),
    column(
        "removed",
        pa.bool_(),
        "True for a tombstone: the commitment was removed (its other columns repeat its "
        "last version).",
        required=True,
    ),
    column("removed_at", TIMESTAMP, "When it was removed (tombstones only)."),
]

COMMITMENT_HISTORY = table(
    "commitment_history",
    "Every published version of every commitment, removed ones included: the commitments "
    "columns (without the stale marks, which describe a night, not a version) and the period "
    "each version was current. Provenance is that of the page content that first showed it.",
    [
        COMMITMENTS.schema.field("commitment_id"),
        *_VERSION_FIELDS,
        *(
            f
            for f in COMMITMENTS.schema
            if f.name not in _PROVENANCE_NAMES | _STALE | {"commitment_id"}
        ),
    ],
    ("commitment_id", "version"),
    (TO_MEMBERS,),
    provenance=True,
)

HISTORY_TABLES = (COMMITMENT_CHANGES, COMMITMENT_HISTORY)
