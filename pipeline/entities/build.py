"""The entity tables of a publish, made from its page tables (and, for the member list, the
previous publish's), and the member names filled in on commitments.

Every rule here is a pure function of the rows it is given, so a publish, a carried-over
publish and ``rebuild-history`` get the same entities from the same pages:

- ``members.member_name``: the name the member's live pages show most often (English pages
  first on a tie, then alphabetical); a commitment whose page does not show it
  (``member_name_shown`` false) gets it. A member of removed commitments only keeps the name of
  its last version.
- ``members.member_kind``: ``national`` when a plan title of the member says "National Action
  Plan" (or its Spanish or French wording), ``local`` when one says "Local Action Plan" or
  "OGP Local" or a page shows the 2024 OGP Local template (T4); null when none says, or both.
- ``action_plans``: one row per ``action_plan_id``, with the most frequent title, years and
  cycle its commitments show.
- ``institutions``: one row per ``institution_key`` (member and normalised name), with the most
  frequent spelling.
- ``member_commitment_list``: per member and language, the list of the most recently fetched
  page that shows one (a page parsed this run wins a tie with the previous publish's list).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.entities.words import entity_words
from pipeline.ids import id_prefix
from pipeline.schema import ACTION_PLANS, INSTITUTIONS, MEMBER_LIST, MEMBERS
from pipeline.tables import build_table
from pipeline.vocab import fold

T = TypeVar("T", bound=Hashable)
Row = dict[str, object]


def most_common(values: Iterable[T | None], tie: Callable[[T], object] = lambda v: v) -> T | None:
    """The most frequent non-null value; a tie goes to the smallest ``tie(value)``."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    return min(counts, key=lambda value: (-counts[value], tie(value)))


def _rows(table: pa.Table, names: Iterable[str]) -> list[Row]:
    rows: list[Row] = table.select(list(names)).to_pylist()
    return rows


# -- member names --------------------------------------------------------------------------
def member_names(commitments: pa.Table) -> dict[str, str]:
    """Each member's name: the one its pages show most often (English pages first on a tie)."""
    shown: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(commitments, ["member_slug", "member_name", "member_name_shown", "language"]):
        if row["member_name_shown"] and row["member_name"] is not None:
            shown[str(row["member_slug"])].append((str(row["member_name"]), str(row["language"])))
    names = {}
    for slug, seen in shown.items():
        english = frozenset(name for name, language in seen if language == "en")
        best = most_common((name for name, _ in seen), tie=_english_first(english))
        assert best is not None
        names[slug] = best
    return names


def _english_first(english: frozenset[str]) -> Callable[[str], object]:
    return lambda name: (name not in english, name)


def fill_member_names(commitments: pa.Table, names: Mapping[str, str]) -> pa.Table:
    """member_name of every row whose page does not show it: the member's name (or null)."""
    shown = commitments["member_name_shown"].to_pylist()
    if all(shown):
        return commitments
    filled = [
        name if is_shown else names.get(slug)
        for name, slug, is_shown in zip(
            commitments["member_name"].to_pylist(),
            commitments["member_slug"].to_pylist(),
            shown,
            strict=True,
        )
    ]
    index = commitments.schema.get_field_index("member_name")
    column = pa.array(filled, pa.string())
    return commitments.set_column(index, commitments.schema.field(index), column)


# -- members -------------------------------------------------------------------------------
def member_kind(plans: Iterable[str | None], templates: Iterable[str]) -> str | None:
    words = entity_words()
    folded = [fold(plan) for plan in plans if plan]
    national = any(phrase in plan for plan in folded for phrase in words.national_phrases)
    local = any(phrase in plan for plan in folded for phrase in words.local_phrases)
    local = local or any(template in words.local_templates for template in templates)
    if national == local:
        return None
    return "national" if national else "local"


def member_page(commitment_url: str) -> str:
    """The member's page, from one of its commitment URLs (canonical, so same form)."""
    return commitment_url.split("/commitments/", 1)[0] + "/"


_MEMBER_SOURCE = (
    "commitment_id", "member_slug", "member_name", "member_name_shown", "language", "url",
    "action_plan", "template",
)  # fmt: skip


def members_table(commitments: pa.Table, history: pa.Table) -> pa.Table:
    """One row per member of a live commitment or of any version in the history (a member
    whose commitments were all removed, or a slug a member had before a rename, is described
    by its history rows)."""
    live = commitments.select(list(_MEMBER_SOURCE))
    counts = Counter(live["member_slug"].to_pylist())
    gone = history.filter(
        pc.invert(pc.is_in(history["member_slug"], value_set=pa.array(list(counts), pa.string())))
    ).select(list(_MEMBER_SOURCE))
    names = member_names(live) | member_names(gone)
    by_member: dict[str, list[Row]] = defaultdict(list)
    for row in live.to_pylist() + gone.to_pylist():
        by_member[str(row["member_slug"])].append(row)
    rows = []
    for slug, seen in sorted(by_member.items()):
        english_first = min(seen, key=lambda r: (r["language"] != "en", r["commitment_id"]))
        rows.append(
            {
                "member_slug": slug,
                "member_name": names.get(slug),
                "member_kind": member_kind(
                    (None if r["action_plan"] is None else str(r["action_plan"]) for r in seen),
                    (str(r["template"]) for r in seen),
                ),
                "id_prefix": most_common(id_prefix(str(r["commitment_id"])) for r in seen),
                "url": member_page(str(english_first["url"])),
                "live_commitments": counts.get(slug, 0),
            }
        )
    return build_table(MEMBERS, rows)


# -- action plans and institutions ----------------------------------------------------------
_PLAN_SOURCE = (
    "action_plan_id", "member_slug", "action_plan", "action_plan_start_year",
    "action_plan_end_year", "action_plan_cycle",
)  # fmt: skip


def action_plans_table(commitments: pa.Table) -> pa.Table:
    """One row per action_plan_id of the live commitments."""
    by_plan: dict[str, list[Row]] = defaultdict(list)
    for row in _rows(commitments, _PLAN_SOURCE):
        if row["action_plan_id"] is not None:
            by_plan[str(row["action_plan_id"])].append(row)
    rows = [
        {
            "action_plan_id": plan,
            "member_slug": seen[0]["member_slug"],  # the key starts with it: one member
            "action_plan": most_common(str(r["action_plan"]) for r in seen),
            "start_year": most_common(r["action_plan_start_year"] for r in seen),
            "end_year": most_common(r["action_plan_end_year"] for r in seen),
            "action_plan_cycle": most_common(r["action_plan_cycle"] for r in seen),
            "live_commitments": len(seen),
        }
        for plan, seen in sorted(by_plan.items())
    ]
    return build_table(ACTION_PLANS, rows)


def institutions_table(commitment_institutions: pa.Table) -> pa.Table:
    """One row per institution_key named by a live commitment."""
    names: dict[str, list[str]] = defaultdict(list)
    named_by: dict[str, set[str]] = defaultdict(set)
    for row in _rows(commitment_institutions, ["institution_key", "name", "commitment_id"]):
        names[str(row["institution_key"])].append(str(row["name"]))
        named_by[str(row["institution_key"])].add(str(row["commitment_id"]))
    rows = [
        {
            "institution_key": key,
            "member_slug": key.split("/", 1)[0],  # institution_key starts with it
            "name": most_common(shown),
            "live_commitments": len(named_by[key]),
        }
        for key, shown in sorted(names.items())
    ]
    return build_table(INSTITUTIONS, rows)


# -- each member's commitment list ---------------------------------------------------------
_LIST_KEY = ["member_slug", "language", "source_commitment_id", "fetched_at"]


def member_list_table(page_lists: pa.Table, previous: pa.Table | None) -> pa.Table:
    """Per member and language, the list of the most recently fetched page that shows one:
    this run's parsed pages' lists (``page_member_lists``) against the previous publish's
    ``member_commitment_list``. The choice is made on the distinct sources (one per page), the
    rows are taken in Arrow: a full parse hands over about forty rows per page."""
    renamed = page_lists.rename_columns(
        ["source_commitment_id" if n == "commitment_id" else n for n in page_lists.column_names]
    )
    sources = [(renamed, True)] + ([(previous, False)] if previous is not None else [])
    best: dict[tuple[str, str], tuple[object, str, bool]] = {}
    for table, new in sources:
        distinct = table.select(_LIST_KEY).group_by(_LIST_KEY).aggregate([])
        for row in distinct.to_pylist():
            key = (str(row["member_slug"]), str(row["language"]))
            rank = (row["fetched_at"], str(row["source_commitment_id"]), new)
            if key not in best or best[key] < rank:
                best[key] = rank
    parts = []
    for table, new in sources:
        chosen = sorted({cid for _at, cid, is_new in best.values() if is_new == new})
        rows = table.filter(pc.is_in(table["source_commitment_id"], pa.array(chosen, pa.string())))
        parts.append(rows.select(MEMBER_LIST.schema.names).cast(MEMBER_LIST.schema))
    return pa.concat_tables([build_table(MEMBER_LIST, []), *parts])


def entity_tables(
    commitments: pa.Table,
    commitment_institutions: pa.Table,
    history: pa.Table,
    page_lists: pa.Table,
    previous_list: pa.Table | None,
) -> dict[str, pa.Table]:
    """members, action_plans, institutions and member_commitment_list of a publish."""
    return {
        MEMBERS.name: members_table(commitments, history),
        ACTION_PLANS.name: action_plans_table(commitments),
        INSTITUTIONS.name: institutions_table(commitment_institutions),
        MEMBER_LIST.name: member_list_table(page_lists, previous_list),
    }
