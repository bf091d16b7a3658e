"""What each generated page must parse to, and how a parsed record is judged against it.

The truth is the hand-written expected JSON of the fixture spec the page renders
(``tests/fixtures/expected/{spec}.json``): the layout changes the markup, never what the page
shows, so the record is the same. Nothing here calls the parser.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.records import MISSING_ABSENT, MISSING_EMPTY, MISSING_UNRECOGNIZED, ParsedPage

EXPECTED_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "expected"
# A parser that could not read a value says so with one of these; any other difference from
# the truth is a value published as if it were data: silently wrong.
HONEST_MISSING = frozenset({MISSING_ABSENT, MISSING_EMPTY, MISSING_UNRECOGNIZED})
CHILD_TABLES = ("irm_reports_rows", "institutions_rows", "member_list_rows")

RIGHT, MISSING, WRONG = "right", "missing", "wrong"


@dataclass(frozen=True, slots=True)
class Outcome:
    field: str
    verdict: str  # RIGHT, MISSING (an honest "could not read") or WRONG (silently wrong)
    got: object
    want: object


@cache
def expected_record(spec_name: str) -> dict[str, Any]:
    """The compared fields of a spec's hand-written expected record."""
    data = json.loads((EXPECTED_DIR / f"{spec_name}.json").read_text(encoding="utf-8"))
    record: dict[str, Any] = dict(data["commitment"])
    record["irm_reports_rows"] = data["irm_reports"]
    record["institutions_rows"] = data["institutions"]
    record["member_list_rows"] = data["member_list"]
    return record


def field_names(spec_name: str) -> list[str]:
    return list(expected_record(spec_name))


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def parsed_record(page: ParsedPage) -> dict[str, object]:
    record = {k: _plain(v) for k, v in asdict(page.commitment).items()}
    record.pop("description_html", None)
    record["irm_reports_rows"] = [asdict(r) for r in page.irm_reports]
    record["institutions_rows"] = [asdict(i) for i in page.institutions]
    record["member_list_rows"] = [asdict(m) for m in page.member_list]
    return record


def verdict(name: str, got: object, want: object) -> str:
    if got == want:
        return RIGHT
    if name.endswith("_missing"):
        # None claims "there is a value"; a real reason code that is not the truth's is a claim
        # too. Only "could not read" codes are honest.
        return MISSING if got in HONEST_MISSING else WRONG
    if got is None or got == [] or (name == "template" and got == "unknown"):
        return MISSING
    return WRONG


def judge(spec_name: str, page: ParsedPage | None) -> list[Outcome]:
    """Every compared field of one page; a page the parser refused is missing in every field
    (it is a recorded failure, not silent data)."""
    want = expected_record(spec_name)
    if page is None:
        return [Outcome(name, MISSING, None, value) for name, value in want.items()]
    got = parsed_record(page)
    return [
        Outcome(name, verdict(name, got.get(name), value), got.get(name), value)
        for name, value in want.items()
    ]
