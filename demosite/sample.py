"""Minimal pages for the demo site's own tests and the extract benchmarks.

A commitment page here is only what discovery needs: the member link, ``<h1>Title (ID)</h1>``
and the member's commitment list at the bottom, optionally padded with navigation chrome to a
realistic size. The realistic fixture and synthetic pages live elsewhere (``demosite.catalog``,
``bench.synthetic_pages``); these are deliberately small and fast to build.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from html import escape

from demosite.pages import DemoPage

LIVE = "https://www.opengovpartnership.org"
# Every spelling of the live site's origin a page may carry; the demo site rewrites them all.
LIVE_ORIGINS = (
    "https://www.opengovpartnership.org",
    "https://opengovpartnership.org",
    "http://www.opengovpartnership.org",
    "http://opengovpartnership.org",
)
REAL_MEMBERS = (
    ("mongolia", "Mongolia", "MN"),
    ("bulgaria", "Bulgaria", "BG"),
    ("romania", "Romania", "RO"),
    ("ghana", "Ghana", "GH"),
    ("united-kingdom", "United Kingdom", "UK"),
    ("costa-rica", "Costa Rica", "CR"),
    ("paris-france", "Paris, France", "PAR"),
    ("scotland-united-kingdom", "Scotland, United Kingdom", "SCO"),
    ("kaduna-state-nigeria", "Kaduna State, Nigeria", "NGKD"),
)
_AREAS = ("Open Data", "Public Participation", "E-Government", "Fiscal Openness", "Justice")


def members(count: int) -> list[tuple[str, str, str]]:
    """(slug, name, ID prefix) for ``count`` members: the real ones first, then invented
    local members with three-letter prefixes (never clashing with the real ones)."""
    chosen = list(REAL_MEMBERS[:count])
    letters = string.ascii_uppercase
    index = 0
    while len(chosen) < count:
        prefix = "Z" + letters[index // 26 % 26] + letters[index % 26]
        chosen.append((f"member-{index:03d}", f"Member {index:03d}", prefix))
        index += 1
    return chosen


def _padding(size: int) -> str:
    if size <= 0:
        return ""
    item = '<li><a href="{}/policy-area/topic-{}/">Topic {}</a></li>'
    parts, total, i = ["<nav><ul>"], 0, 0
    while total < size:
        piece = item.format(LIVE, i, i)
        parts.append(piece)
        total += len(piece)
        i += 1
    parts.append("</ul></nav>")
    return "".join(parts)


def _list_html(member_name: str, listed: Sequence[DemoPage]) -> str:
    items = "".join(
        f'<li><a href="{LIVE}/members/{p.member_slug}/commitments/{p.commitment_id}/">'
        f"{escape(p.title)}</a><p>{p.commitment_id}, {p.cycle_year}, {p.policy_area}</p></li>"
        for p in listed
    )
    return f"<h2>{escape(member_name)}'s Commitments</h2><ol>{items}</ol>"


def sample_pages(
    count: int, *, member_count: int = 9, padding_bytes: int = 0, member_lists: bool = True
) -> list[DemoPage]:
    """``count`` commitment pages spread over ``member_count`` members, IDs sequential from
    0001 within each member, every page ending in its member's full commitment list."""
    chosen = members(member_count)
    per_member = [
        count // member_count + (1 if i < count % member_count else 0) for i in range(member_count)
    ]
    padding = _padding(padding_bytes)
    pages: list[DemoPage] = []
    for (slug, name, prefix), how_many in zip(chosen, per_member, strict=True):
        bare = [
            DemoPage(
                member_slug=slug,
                member_name=name,
                commitment_id=f"{prefix}{number:04d}",
                title=f"Commitment {number} of {name}",
                html="",
                cycle_year=2014 + number % 10,
                policy_area=_AREAS[number % len(_AREAS)],
            )
            for number in range(1, how_many + 1)
        ]
        member_list = _list_html(name, bare) if member_lists else ""
        pages.extend(
            DemoPage(
                member_slug=p.member_slug,
                member_name=p.member_name,
                commitment_id=p.commitment_id,
                title=p.title,
                html=commitment_html(p, member_list, padding),
                cycle_year=p.cycle_year,
                policy_area=p.policy_area,
            )
            for p in bare
        )
    return pages


def commitment_html(page: DemoPage, member_list: str, padding: str = "") -> str:
    title = escape(page.title)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} ({page.commitment_id}) | Commitment from {escape(page.member_name)}"
        " | Open Government Partnership</title></head><body><header>"
        f"{padding}</header><main>"
        f'<p><a href="{LIVE}/members/{page.member_slug}/">{escape(page.member_name)}</a></p>'
        f"<h1>{title} ({page.commitment_id})</h1>"
        f"<p><strong>Action Plan:</strong> {escape(page.member_name)} Action Plan</p>"
        f"{member_list}</main><footer>Open Government Partnership</footer></body></html>"
    )


def member_html(member: DemoPage, listed: Sequence[DemoPage]) -> str:
    """A member page: name, a few facts, and its commitment list (maybe empty)."""
    prefix = "" if member.language == "en" else f"/{member.language}"
    items = "".join(
        f'<li><a href="{LIVE}{prefix}/members/{p.member_slug}/commitments/{p.commitment_id}/">'
        f"{escape(p.title)}</a><p>{p.commitment_id}, {p.cycle_year}, {p.policy_area}</p></li>"
        for p in sorted(listed, key=lambda p: p.commitment_id)
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{escape(member.member_name)} | Open Government Partnership</title></head>"
        f'<body><nav><a href="{LIVE}{prefix}/our-members/">Members</a></nav>'
        f"<h1>{escape(member.member_name)}</h1><p>Member Since 2013</p>"
        f"<h2>Commitments</h2><ol>{items}</ol>"
        "<footer>Open Government Partnership</footer></body></html>"
    )


def listing_html(member_pages: Sequence[DemoPage], language: str) -> str:
    """The member listing: one card per member, linking to its member page."""
    prefix = "" if language == "en" else f"/{language}"
    cards = "".join(
        f'<li><a href="{LIVE}{prefix}/members/{p.member_slug}/">{escape(p.member_name)}</a></li>'
        for p in member_pages
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Members | Open Government '
        f"Partnership</title></head><body><h1>Members</h1><ul>{cards}</ul>"
        "<footer>Open Government Partnership</footer></body></html>"
    )
