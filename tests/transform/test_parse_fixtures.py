"""The parser against hand-written expected records: every fixture page, in all four
markups, must give the record a careful reader takes from the reference rendering."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import NotACommitmentPage
from pipeline.records import ParsedPage
from pipeline.transform import parse_commitment
from tests.paths import FIXTURES

EXPECTED = sorted((FIXTURES / "expected").glob("*.json"))
MARKUPS = ("p", "dl", "table", "soup")
CASES = [(path, markup) for path in EXPECTED for markup in MARKUPS]


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _parse(expected_path: Path, markup: str) -> tuple[dict[str, object], ParsedPage]:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    page = FIXTURES / "pages" / f"{expected_path.stem}__{markup}.html"
    parsed = parse_commitment(page.read_text(encoding="utf-8"), expected["url"])
    return expected, parsed


def test_the_fixture_set_covers_what_the_parser_must_handle():
    stems = [path.stem for path in EXPECTED]
    assert len(stems) >= 14
    for path in EXPECTED:
        for markup in MARKUPS:
            assert (FIXTURES / "pages" / f"{path.stem}__{markup}.html").is_file()
    variants = " ".join(stems)
    for needed in (
        "t1",
        "t2",
        "t3",
        "t4",
        "es_",
        "not_attached",
        "doubled",
        "yes_starred",
        "no_headings",
        "run_together",
        "full_member_list",
        "unknown_label",
        "missing_irm_block",
    ):
        assert needed in variants, needed


@pytest.mark.parametrize(
    ("expected_path", "markup"), CASES, ids=[f"{p.stem}-{m}" for p, m in CASES]
)
def test_commitment_record_field_by_field(expected_path: Path, markup: str) -> None:
    expected, parsed = _parse(expected_path, markup)
    got = {k: _plain(v) for k, v in asdict(parsed.commitment).items()}
    html = got.pop("description_html")
    wrong = {
        name: (got.get(name), want)
        for name, want in expected["commitment"].items()
        if got.get(name) != want
    }
    assert not wrong, "field: (parsed, expected)\n" + "\n".join(
        f"  {name}: {pair[0]!r} != {pair[1]!r}" for name, pair in wrong.items()
    )
    assert set(got) == set(expected["commitment"]), "expected record lists every field"
    for phrase in expected.get("description_html_contains", []):
        assert html is not None and phrase in html


@pytest.mark.parametrize(
    ("expected_path", "markup"), CASES, ids=[f"{p.stem}-{m}" for p, m in CASES]
)
def test_child_records_page_fields_and_unknowns(expected_path: Path, markup: str) -> None:
    expected, parsed = _parse(expected_path, markup)
    assert [asdict(r) for r in parsed.irm_reports] == expected["irm_reports"]
    assert [asdict(i) for i in parsed.institutions] == expected["institutions"]
    members = [asdict(m) for m in parsed.member_list]
    assert members == expected["member_list"]
    fields = [{k: v for k, v in asdict(f).items() if k != "position"} for f in parsed.fields]
    assert fields == expected["fields"]
    unknowns = sorted((u.kind, u.field or "", u.text) for u in parsed.unknowns)
    want = sorted((u["kind"], u["field"] or "", u["text"]) for u in expected["unknowns"])
    assert unknowns == want


def _other_pages() -> list[dict[str, str]]:
    spec = json.loads((FIXTURES / "expected" / "other" / "not_commitment_pages.json").read_text())
    return list(spec["pages"])


@pytest.mark.parametrize("case", _other_pages(), ids=lambda c: c["page"])
def test_pages_that_are_not_commitment_pages_are_refused(case: dict[str, str]) -> None:
    html = (FIXTURES / "pages" / case["page"]).read_text(encoding="utf-8")
    with pytest.raises(NotACommitmentPage, match="not a commitment page"):
        parse_commitment(html, case["url"])
