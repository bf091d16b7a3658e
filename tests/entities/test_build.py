"""The entity tables from hand-made rows: member names (and their filling in), member kinds,
action plans, institutions, and the one commitment list kept per member and language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from pipeline.entities.build import (
    action_plans_table,
    fill_member_names,
    institutions_table,
    member_kind,
    member_list_table,
    member_names,
    members_table,
)
from pipeline.entities.keys import action_plan_id, institution_key, key_words
from pipeline.history.update import Publish, empty_history, update_history
from pipeline.schema import COMMITMENT_INSTITUTIONS, MEMBER_LIST, PAGE_MEMBER_LISTS
from pipeline.tables import build_table
from tests.history.test_update import row, table

T0 = datetime(2025, 3, 1, 2, tzinfo=UTC)
UK0001 = "https://www.opengovpartnership.org/members/united-kingdom/commitments/UK0001/"


def test_a_member_is_named_by_what_its_pages_show_most_and_unnamed_pages_take_it() -> None:
    commitments = table(
        row("MN0001", member_name="Mongolia"),
        row("MN0002", member_name="Mongolie", language="fr"),
        row("MN0003", member_name="Mongolie", language="fr"),
        row("MN0004", member_name=None, member_name_shown=False),
        row("GH0001", member_slug="ghana", member_name="Ghana", language="es"),
        row("GH0002", member_slug="ghana", member_name="Gana", language="es"),
        row("GH0003", member_slug="ghana", member_name="Ghana"),
        row("BG0001", member_slug="bulgaria", member_name=None, member_name_shown=False),
    )
    names = member_names(commitments)
    # Ghana: one "Ghana" on an English page, one on a Spanish one, one "Gana": Ghana.
    assert names == {"mongolia": "Mongolie", "ghana": "Ghana"}
    filled = fill_member_names(commitments, names)
    assert filled["member_name"].to_pylist() == [
        "Mongolia", "Mongolie", "Mongolie", "Mongolie", "Ghana", "Gana", "Ghana", None,
    ]  # fmt: skip
    # A filled name is filled again from tonight's names, never counted as shown.
    again = fill_member_names(filled.slice(3, 1), {"mongolia": "Mongolia"})
    assert again["member_name"].to_pylist() == ["Mongolia"]


def test_an_english_name_wins_a_tie() -> None:
    commitments = table(
        row("CR0001", member_slug="costa-rica", member_name="Costa Rica"),
        row("CR0002", member_slug="costa-rica", member_name="Costa Rica (es)", language="es"),
    )
    assert member_names(commitments) == {"costa-rica": "Costa Rica"}


def test_the_member_kind_is_what_the_plans_or_the_template_say() -> None:
    assert (
        member_kind(["United Kingdom – Third National Action Plan 2016-18"], ["T1"]) == "national"
    )
    assert member_kind(["Plan de Acción Nacional de Costa Rica"], ["T3"]) == "national"
    assert member_kind(["Action plan – Kaduna State, Nigeria, 2024 – 2025"], ["T4"]) == "local"
    assert member_kind(["Paris, France Action Plan 2019 – 2021"], ["T1"]) is None  # not said
    assert member_kind(["X National Action Plan", "X OGP Local plan"], ["T3"]) is None  # both
    assert member_kind([None], []) is None


def test_members_cover_live_and_removed_commitments() -> None:
    live = table(
        row("MN0001", action_plan="Mongolia Action Plan 2016-2018"),
        row("MN0002", language="es", url="https://www.opengovpartnership.org/es/members/mongolia/commitments/MN0002/"),
        row("PAR0001", member_slug="paris-france", member_name="Paris, France", template="T4",
            url="https://www.opengovpartnership.org/es/members/paris-france/commitments/PAR0001/"),
    )  # fmt: skip
    changes, history = empty_history()
    uk = row("UK0001", member_slug="united-kingdom", member_name="UK", url=UK0001)
    first = update_history(table(*live.to_pylist(), uk), None, changes, history, Publish("r1", T0))
    second = update_history(live, None, first.changes, first.history, Publish("r2", T0))
    members = members_table(live, second.history).to_pylist()
    assert [(m["member_slug"], m["member_name"], m["member_kind"], m["id_prefix"],
             m["url"], m["live_commitments"]) for m in members] == [
        ("mongolia", "Mongolia", None, "MN",
         "https://www.opengovpartnership.org/members/mongolia/", 2),
        ("paris-france", "Paris, France", "local", "PAR",
         "https://www.opengovpartnership.org/es/members/paris-france/", 1),  # no English page
        ("united-kingdom", "UK", None, "UK",
         "https://www.opengovpartnership.org/members/united-kingdom/", 0),  # removed
    ]  # fmt: skip


def test_action_plans_are_keyed_by_member_and_years() -> None:
    assert action_plan_id("ghana", "Ghana Action Plan 2024-2028 (December)", 2024, 2028) == (
        "ghana-2024-2028"
    )
    assert action_plan_id("ghana", "Plan de Acción de Ghana 2024-2028", 2024, 2028) == (
        "ghana-2024-2028"
    )
    assert action_plan_id("uk", "The Fourth Plan", None, None) == "uk-fourth-plan"
    assert action_plan_id("uk", None, None, None) is None
    commitments = table(
        row("GH0001", member_slug="ghana", action_plan="Ghana Action Plan 2024-2028 (December)",
            action_plan_id="ghana-2024-2028", action_plan_start_year=2024,
            action_plan_end_year=2028, action_plan_cycle=2024),
        row("GH0002", member_slug="ghana", action_plan="Ghana Action Plan 2024-2028 (December)",
            action_plan_id="ghana-2024-2028", action_plan_start_year=2024,
            action_plan_end_year=2028, action_plan_cycle=2024),
        row("GH0003", member_slug="ghana", action_plan="Plan de Acción de Ghana 2024-2028",
            action_plan_id="ghana-2024-2028", action_plan_start_year=2024,
            action_plan_end_year=2028, action_plan_cycle=None),
        row("GH0004", member_slug="ghana", action_plan=None, action_plan_id=None),
    )  # fmt: skip
    assert action_plans_table(commitments).to_pylist() == [
        {
            "action_plan_id": "ghana-2024-2028",
            "member_slug": "ghana",
            "action_plan": "Ghana Action Plan 2024-2028 (December)",
            "start_year": 2024,
            "end_year": 2028,
            "action_plan_cycle": 2024,
            "live_commitments": 3,
        }
    ]


def test_institutions_are_one_per_member_and_normalised_name() -> None:
    assert key_words("The Open Data Institute.") == "open-data-institute"
    assert key_words("Ministère de l'Économie") == "ministere-de-l-economie"
    assert key_words("—") == "unnamed"
    names = [("UK0001", "The Open Data Institute"), ("UK0002", "Open Data Institute"),
             ("UK0002", "Open data institute"), ("GH0001", "Open Data Institute")]  # fmt: skip
    rows = [
        {"commitment_id": cid, "role": "support", "position": i, "name": name,
         "institution_key": institution_key("ghana" if cid[:2] == "GH" else "uk", name)}
        for i, (cid, name) in enumerate(names)
    ]  # fmt: skip
    found = institutions_table(build_table(COMMITMENT_INSTITUTIONS, rows)).to_pylist()
    assert found == [
        {"institution_key": "ghana/open-data-institute", "member_slug": "ghana",
         "name": "Open Data Institute", "live_commitments": 1},
        {"institution_key": "uk/open-data-institute", "member_slug": "uk",
         "name": "Open Data Institute", "live_commitments": 2},
    ]  # fmt: skip


def page_list(
    cid: str, fetched: datetime, titles: list[str], language: str = "en"
) -> list[dict[str, object]]:
    return [
        {"commitment_id": cid, "position": i, "member_slug": "mongolia", "language": language,
         "listed_commitment_id": f"MN{i + 1:04d}", "title": title, "cycle_year": 2016,
         "policy_area": None, "starred": False, "source_url": f"https://x/{cid}/",
         "fetched_at": fetched, "content_sha256": "0" * 64, "parser_version": "2.0.0",
         "run_id": "r"}
        for i, title in enumerate(titles)
    ]  # fmt: skip


def lists_of(table_: pa.Table) -> dict[tuple[str, str], tuple[str, list[str]]]:
    found: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for r in table_.to_pylist():
        key = (r["member_slug"], r["language"])
        source, titles = found.get(key, (r["source_commitment_id"], []))
        found[key] = (source, [*titles, r["title"]])
    return found


def test_the_member_list_is_the_most_recently_fetched_pages() -> None:
    pages = build_table(
        PAGE_MEMBER_LISTS,
        page_list("MN0002", T0, ["a", "b"])
        + page_list("MN0003", T0 + timedelta(seconds=1), ["a", "b", "c"])
        + page_list("MN0004", T0, ["x"], language="es"),
    )
    first = member_list_table(pages, None)
    assert first.schema.equals(MEMBER_LIST.schema)
    assert lists_of(first) == {
        ("mongolia", "en"): ("MN0003", ["a", "b", "c"]),
        ("mongolia", "es"): ("MN0004", ["x"]),
    }
    # Next night only MN0002 was parsed, from a body fetched earlier than MN0003's: kept.
    older = build_table(PAGE_MEMBER_LISTS, page_list("MN0002", T0, ["a"]))
    assert lists_of(member_list_table(older, first)) == lists_of(first)
    # MN0003 parsed again (a new parser), same body and time: this night's reading wins.
    again = build_table(PAGE_MEMBER_LISTS, page_list("MN0003", T0 + timedelta(seconds=1), ["A"]))
    assert lists_of(member_list_table(again, first))[("mongolia", "en")] == ("MN0003", ["A"])
    # Nothing parsed: the lists stay as they were.
    none = build_table(PAGE_MEMBER_LISTS, [])
    assert member_list_table(none, first).equals(first)
