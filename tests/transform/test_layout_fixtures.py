"""The seven defects of issue 7, each on a hand-written fixture page (``tests/fixtures/layouts/``)
with a hand-written expected record: every field of the commitment, the child records, the
page fields and the unknowns. Pages are read as bytes, as transform reads them. A record may
point at the expected record of a fixture spec (``same_as``) when the page shows exactly that
content in another encoding."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import PageTooComplex
from pipeline.records import ParsedPage
from pipeline.transform import parse_page
from tests.paths import FIXTURES

LAYOUTS = FIXTURES / "layouts"
CASES = sorted(LAYOUTS.glob("*.json"))


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _expected(case: dict[str, Any]) -> dict[str, Any]:
    if "same_as" not in case:
        return case
    path = FIXTURES / "expected" / f"{case['same_as']}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _parse(case: dict[str, Any]) -> ParsedPage:
    body = (LAYOUTS / case["page"]).read_bytes()
    return parse_page(body, case["url"], content_type=case.get("content_type"))


def test_every_defect_of_the_issue_has_a_fixture_page() -> None:
    defects = {json.loads(p.read_text(encoding="utf-8"))["defect"][:2] for p in CASES}
    assert defects == {"1.", "2.", "3.", "4.", "5.", "6.", "7."}
    for path in CASES:
        assert (LAYOUTS / json.loads(path.read_text(encoding="utf-8"))["page"]).is_file()


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_layout_fixture_parses_to_its_expected_record(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    if "refused" in case:
        with pytest.raises(PageTooComplex) as refused:
            _parse(case)
        assert refused.value.reason.startswith(case["refused"])
        return
    expected, parsed = _expected(case), _parse(case)
    got = {k: _plain(v) for k, v in asdict(parsed.commitment).items()}
    got.pop("description_html")
    wrong = {k: (got.get(k), v) for k, v in expected["commitment"].items() if got.get(k) != v}
    assert not wrong, "field: (parsed, expected)\n" + "\n".join(
        f"  {name}: {pair[0]!r} != {pair[1]!r}" for name, pair in wrong.items()
    )
    assert set(got) == set(expected["commitment"])
    assert [asdict(r) for r in parsed.irm_reports] == expected["irm_reports"]
    assert [asdict(i) for i in parsed.institutions] == expected["institutions"]
    assert [asdict(m) for m in parsed.member_list] == expected["member_list"]
    fields = [{k: v for k, v in asdict(f).items() if k != "position"} for f in parsed.fields]
    assert fields == expected["fields"]
    unknowns = sorted((u.kind, u.field or "", u.text) for u in parsed.unknowns)
    want = sorted((u["kind"], u["field"] or "", u["text"]) for u in expected["unknowns"])
    assert unknowns == want
