"""Labels as a reader finds them: set apart in their own element with or without a colon,
with a glossary tooltip left in the page by a stylesheet-only hiding, or glued to their value."""

from __future__ import annotations

import pytest

from pipeline.transform import parse_commitment

URL = "https://www.opengovpartnership.org/members/mongolia/commitments/MN0002/"
TAIL = "<p>Status: Active</p><p>Verifiable: Yes</p><p>Completion: Complete</p>"


def _parse(body: str) -> dict[str, object]:
    html = f"<html><body><main><h1>T (MN0002)</h1>{body}{TAIL}</main></body></html>"
    commitment = parse_commitment(html, URL).commitment
    return {
        "lead": commitment.lead_institution,
        "ambition": commitment.ambition,
        "plan": commitment.action_plan,
        "status": commitment.status,
    }


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        # a label in its own element, glued to its value, no colon: the value is not a tooltip
        ("<div><span>Lead Institution</span><span>Ministry of Finance</span></div>", "lead",
         "Ministry of Finance"),
        # a tooltip glued to the label's first word, the label going on after it
        ("<p><b>Ambition</b><span>Ambition captures the potential to transform.</span> "
         "<a>(see definition)</a> High</p>", "ambition", "High"),
        ("<p><b>Action Plan</b><span>Action plans are at the core of it</span>: "
         "Mongolia Action Plan 2016-2018</p>", "plan", "Mongolia Action Plan 2016-2018"),
        # a label with a colon of its own, and a tooltip
        ("<p><b>Ambición</b><span>La ambición mide el potencial.</span> "
         "<a>(consulta: definición)</a>: Alta</p>", "ambition", "High"),
        ("<p><strong>Status</strong> Active</p>", "status", "Active"),
    ],
)  # fmt: skip
def test_a_label_is_found_and_its_value_read(body: str, field: str, value: str) -> None:
    assert _parse(body)[field] == value
