"""A page that reproduces no real page but holds values any real page could: a policy area and
a report title with `` | `` in them (the old CSV list separator, which made every publish fail),
and text a spreadsheet would run as a formula (a title starting with ``=``, institutions starting
with ``+``, ``-``, ``@`` and an already quoted ``'=``). It is served by the demo site, and so by
``make demo``, under a member of its own, so that the reproduced members stay as the site shows
them.
"""

from __future__ import annotations

from demosite.content import PageContent, content_from_dict
from demosite.pages import DemoPage
from demosite.render import render

MEMBER_NAME = "Edge Cases Demo"
MEMBER_SLUG = "edge-cases-demo"
COMMITMENT_ID = "EDGE0001"
TITLE = '=HYPERLINK("http://127.0.0.2/","Open budgets")'
POLICY_AREAS = ("Open Data | Open Contracting", "Fiscal Openness", "Health |")
LEAD = "@Digital Service"
SUPPORT = ("+Civic Tech Lab", "-Budget Watch", "'=Already Quoted Forum")
REPORT = "Edge Cases Demo Design Report 2023-2025 | Annex"

_SPEC = {
    "url": f"https://www.opengovpartnership.org/members/{MEMBER_SLUG}/commitments/{COMMITMENT_ID}/",
    "language": "en",
    "html_title": f"{TITLE} ({COMMITMENT_ID}) | Commitment from {MEMBER_NAME} | Open Government "
    "Partnership",
    "member_name": MEMBER_NAME,
    "title": TITLE,
    "commitment_id": COMMITMENT_ID,
    "blocks": [
        {
            "heading": "At-a-Glance",
            "level": 3,
            "fields": [
                {"label": "Action Plan", "links": [f"{MEMBER_NAME} Action Plan 2023-2025"]},
                {"label": "Action Plan Cycle", "value": "2023"},
                {"label": "Status", "value": "Active"},
            ],
        },
        {
            "heading": "Institutions",
            "fields": [
                {"label": "Lead Institution", "value": LEAD},
                {"label": "Support Institution(s)", "value": "; ".join(SUPPORT)},
            ],
        },
        {"heading": "Policy Areas", "policy_areas": list(POLICY_AREAS)},
        {
            "heading": "IRM Review",
            "fields": [
                {"label": "IRM Report", "links": [REPORT]},
                {"label": "Early Results", "value": "Marginal"},
            ],
        },
        {
            "heading": "Design",
            "level": 3,
            "fields": [
                {"label": "Verifiable", "value": "Yes"},
                {"label": "Relevant to OGP Values", "value": "Yes"},
                {"label": "Ambition (see definition)", "value": "High"},
            ],
        },
        {
            "heading": "Implementation",
            "level": 3,
            "fields": [{"label": "Completion", "value": "Substantial"}],
        },
    ],
    "description": {
        "heading": "Description",
        "paragraphs": [
            "=1+1 is how a spreadsheet would read the start of this line; here it is text.",
            "-Lines that start with a dash or @mentions stay text too.",
        ],
    },
}


def edge_case_content() -> PageContent:
    return content_from_dict(f"{COMMITMENT_ID}__t3_edge_values", _SPEC)


def edge_case_pages() -> list[DemoPage]:
    """The edge-case page, as the demo site serves it."""
    content = edge_case_content()
    return [
        DemoPage(
            member_slug=MEMBER_SLUG,
            member_name=MEMBER_NAME,
            commitment_id=COMMITMENT_ID,
            title=TITLE,
            html=render(content, "p", chrome="light"),
            cycle_year=2023,
            policy_area=POLICY_AREAS[0],
        )
    ]
