"""The hand-written expected records are complete, well-formed and agree with both the reference
rendering they were read from and the fixture pages that reproduce it.

These checks cannot write an expectation; they catch a typo or a value the page does not show.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from typing import Any

import pytest

from demosite.content import PageContent, content_specs
from demosite.render import MARKUPS
from pipeline.records import (
    MISSING_EXTRA,
    Commitment,
    Institution,
    IrmReport,
    MemberListItem,
    PageField,
    Unknown,
)
from pipeline.urls import canonical_url
from pipeline.vocab import default_vocabulary
from tests.paths import FIXTURES
from tests.visible_text import collapse, visible_text

SPECS = {content.name: content for content in content_specs()}
EXPECTED = {path.stem: path for path in sorted((FIXTURES / "expected").glob("*.json"))}
TOP_KEYS = {
    "url", "reference", "notes", "commitment", "description_html_contains", "irm_reports",
    "institutions", "member_list", "fields", "unknowns",
}  # fmt: skip


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXPECTED[name].read_text(encoding="utf-8"))
    return data


def _reference(expected: dict[str, Any]) -> str:
    text = (FIXTURES / "reference" / expected["reference"]).read_text(encoding="utf-8")
    return collapse(text)


def _names(record: type) -> set[str]:
    return {f.name for f in dataclasses.fields(record)}


def test_every_spec_has_one_expected_record() -> None:
    assert set(EXPECTED) == set(SPECS)
    assert len([name for name in SPECS if "synthetic" not in name]) >= 14


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_record_is_well_formed(name: str) -> None:
    expected, spec = _load(name), SPECS[name]
    assert set(expected) <= TOP_KEYS and TOP_KEYS - {"notes"} <= set(expected)
    assert expected["url"] == spec.url and expected["reference"] == spec.reference
    assert set(expected["commitment"]) == _names(Commitment) - {"description_html"}
    for key, record in (
        ("irm_reports", IrmReport),
        ("institutions", Institution),
        ("member_list", MemberListItem),
    ):
        for row in expected[key]:
            assert set(row) == _names(record), key
    for row in expected["fields"]:
        assert set(row) == _names(PageField) - {"position"}  # page order is the list order
    for row in expected["unknowns"]:
        assert set(row) == _names(Unknown)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_commitment_follows_the_vocabulary(name: str) -> None:
    record = _load(name)["commitment"]
    vocab = default_vocabulary()
    missing_codes = set(vocab.missing_codes()) | set(MISSING_EXTRA)
    for key, value in record.items():
        if key.endswith("_missing") and value is not None:
            assert value in missing_codes, (key, value)
            base = record[key.removesuffix("_missing")]
            assert base in (None, []), f"{key} is set but {base!r} has a value"
    for field in ("status", "early_results", "potential_impact", "ambition", "completion"):
        if record[field] is not None:
            assert record[field] in vocab.categories(field), field
    assert record["template"] in ("T1", "T2", "T3", "T4", "unknown")
    assert record["url"] == canonical_url(_load(name)["url"])
    for key in ("commitment_start", "commitment_end"):
        if record[key] is not None:
            assert date.fromisoformat(record[key]).day == 1
    assert all(v in vocab.ogp_values for v in record["ogp_values"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_child_rows_match_the_commitment(name: str) -> None:
    expected = _load(name)
    record = expected["commitment"]
    assert [r["title"] for r in expected["irm_reports"]] == record["irm_reports"]
    for rows in (expected["irm_reports"], expected["member_list"]):
        assert [r["position"] for r in rows] == list(range(len(rows)))
    for role in ("lead", "support", "involved"):
        positions = [r["position"] for r in expected["institutions"] if r["role"] == role]
        assert positions == list(range(len(positions)))
    for report in expected["irm_reports"]:
        years = re.search(r"(\d{4})\D{1,3}(\d{4})", report["title"])
        assert years is not None and (report["start_year"], report["end_year"]) == tuple(
            map(int, years.groups())
        )
        assert report["report_type"] == default_vocabulary().report_type(report["title"])


def _value_lines(row: dict[str, Any]) -> list[str]:
    return [line for line in row["value"].split("\n") if line]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_values_are_in_the_reference_rendering(name: str) -> None:
    expected = _load(name)
    reference = _reference(expected)
    invented = {f.label for f in SPECS[name].fields() if f.invented}
    unknown_areas = {u["text"] for u in expected["unknowns"] if u["kind"] == "policy_area"}
    for row in expected["fields"]:
        if row["label"] in invented:
            continue  # a synthetic variant's added pair
        assert row["label"] in reference, row["label"]
        if row["field"] == "policy_areas":
            areas = [a for a in row["value"].split(", ") if a not in unknown_areas]
            assert ", ".join(areas) in reference, areas
            continue
        for line in _value_lines(row):
            assert line in reference, line
    record = expected["commitment"]
    assert record["title"] in reference and record["commitment_id"] in reference
    texts = [record["description"], record["irm_status_summary"]]
    for text in filter(None, texts):
        for line in re.split(r"\n+", text):
            assert collapse(line) in reference, line
    for row in expected["institutions"] + expected["member_list"]:
        assert (row.get("name") or row["title"]) in reference


@pytest.mark.parametrize(("name", "markup"), [(n, m) for n in sorted(EXPECTED) for m in MARKUPS])
def test_expected_values_are_on_every_fixture_page(name: str, markup: str) -> None:
    expected, spec = _load(name), SPECS[name]
    html = (FIXTURES / "pages" / f"{name}__{markup}.html").read_text(encoding="utf-8")
    text = visible_text(html)
    for row in expected["fields"]:
        assert row["label"] in text
        for line in _value_lines(row):
            assert line in text, (row["label"], line)
    for phrase in expected["description_html_contains"]:
        assert phrase in html
    for unknown in expected["unknowns"]:
        assert unknown["text"] in text
    _check_record_against_spec(expected["commitment"], spec)


def _check_record_against_spec(record: dict[str, Any], spec: PageContent) -> None:
    # Cross-checks between two hand-written things; neither is derived from the other.
    assert record["commitment_id"] == spec.commitment_id.upper()
    assert record["title"] == spec.title
    assert record["language"] == spec.language
    assert record["member_slug"] == spec.member_slug
    shown_member = spec.member_name
    assert shown_member is None or record["member_name"] == shown_member
    if record["description"] is not None and spec.description is not None:
        assert record["description"] == "\n\n".join(spec.description.paragraphs)
    assert record["policy_areas"] == list(spec.policy_areas())


def test_expected_fields_follow_the_page_order() -> None:
    for name in EXPECTED:
        rows = [r["label"] for r in _load(name)["fields"] if r["field"] != "policy_areas"]
        assert rows == [f.label for f in SPECS[name].fields()], name
