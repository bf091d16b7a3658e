"""Thousands of realistic, varied, deterministic commitment pages for the benchmarks (served by
``python -m bench.serve_synthetic N``), rendered with the demo site's heavy chrome.

Pages come member by member from a generator: only one member's plan (IDs, titles, years,
areas: a few KB) and one page of HTML are held at a time, so 6,500 pages of 100-200 KB never
sit in memory together. The same ``n``, ``seed`` and ``members`` give the same pages, byte for
byte, in the same order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from demosite import members as member_data
from demosite import synthetic_text as text
from demosite.chrome import RelatedLink
from demosite.content import ListedCommitment, MemberList, PageContent
from demosite.members import Member
from demosite.pages import DemoPage
from demosite.render import MARKUPS, render
from demosite.synthetic_content import Planned, build_content

DEFAULT_MEMBERS = 225  # ~75 national and ~150 local members, as on the site in 2024
NATIONAL_WEIGHT = 3  # national action plans carry about three times as many commitments


def allocate(n: int, chosen: Sequence[Member], rng: random.Random) -> list[int]:
    """Split n commitments over the members, national ones weighted higher; sums to n."""
    weights = [(NATIONAL_WEIGHT if not m.local else 1) * rng.uniform(0.5, 1.5) for m in chosen]
    total = sum(weights)
    shares = [n * w / total for w in weights]
    counts = [int(s) for s in shares]
    # Largest remainders get the commitments that rounding down left over.
    order = sorted(range(len(chosen)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _template(member: Member, year: int, rng: random.Random) -> str:
    if member.local and year >= 2023 and rng.random() < 0.7:
        return "T4"
    roll = rng.random()
    return "T1" if roll < 0.3 else "T2" if roll < 0.34 else "T3"


def _areas(template: str, language: str, rng: random.Random) -> tuple[str, ...]:
    if language == "es":
        return tuple(rng.sample(text.SPANISH_AREAS, rng.randint(1, 4)))
    taxonomy = text.OLD_AREAS if template in ("T1", "T2") else text.NEW_AREAS
    return tuple(sorted(rng.sample(taxonomy, rng.randint(1, 6))))  # the site lists them A-Z


def plan_member(member: Member, count: int, rng: random.Random) -> list[Planned]:
    """A member's commitments: sequential IDs over two-year action plans up to 2024."""
    first = rng.randint(2016, 2020) if member.local else rng.randint(2011, 2014)
    cycles = list(range(first, 2025, 2))
    planned = []
    for index in range(count):
        year = cycles[min(index * len(cycles) // max(count, 1), len(cycles) - 1)]
        template = _template(member, year, rng)
        spanish = member.spanish and template == "T3" and rng.random() < 0.3
        language = "es" if spanish else "en"
        start = year + (1 if rng.random() < 0.15 else 0)  # the cycle is not always the start
        planned.append(Planned(
            commitment_id=f"{member.prefix}{index + 1:04d}",
            title=text.commitment_title(rng),
            year=year,
            plan_years=(start, start + 2),
            areas=_areas(template, language, rng),
            starred=template in ("T1", "T2") and rng.random() < 0.08,
            template=template,
            language=language,
            markup=rng.choice(MARKUPS),
        ))  # fmt: skip
    return planned


def member_list(member: Member, planned: Sequence[Planned], heading: str) -> MemberList:
    """The list at the bottom of each page: newest plan first, IDs ascending within a plan."""
    ordered = sorted(planned, key=lambda p: (-p.year, p.commitment_id))
    items = tuple(
        ListedCommitment(p.title, p.commitment_id, p.year, p.areas[0], p.starred) for p in ordered
    )
    return MemberList(heading=heading, items=items)


def _related(item: Planned, planned: Sequence[Planned], base: str) -> list[RelatedLink]:
    index = planned.index(item)
    neighbours = [p for p in planned[max(0, index - 3) : index + 3] if p is not item][:5]
    return [
        RelatedLink(f"{p.title} ({p.commitment_id})", f"{base}{p.commitment_id}/")
        for p in neighbours
    ]


def _page(
    member: Member, item: Planned, content: PageContent, related: list[RelatedLink]
) -> DemoPage:
    return DemoPage(
        member_slug=member.slug,
        member_name=member.name,
        commitment_id=item.commitment_id,
        title=item.title,
        html=render(content, item.markup, chrome="heavy", related=related),
        cycle_year=item.year,
        policy_area=item.areas[0],
        starred=item.starred,
        language=item.language,
    )


def synthetic_pages(n: int, *, seed: int = 0, members: int = DEFAULT_MEMBERS) -> Iterator[DemoPage]:
    """``n`` synthetic commitment pages (heavy chrome) over ``members`` members, lazily."""
    if n < 0:
        raise ValueError(f"n must be zero or more, got {n}")
    chosen = member_data.members(members)
    counts = allocate(n, chosen, random.Random(f"{seed}:allocate"))
    for member, count in zip(chosen, counts, strict=True):
        if count == 0:
            continue
        rng = random.Random(f"{seed}:{member.slug}")
        planned = plan_member(member, count, rng)
        possessive = f"{member.name}'s Commitments" if rng.random() < 0.5 else "Commitments"
        lists = {
            "en": member_list(member, planned, possessive),
            "es": member_list(member, planned, "Compromisos"),
        }
        for item in planned:
            page_rng = random.Random(f"{seed}:{item.commitment_id}")
            content = build_content(member, item, lists[item.language], page_rng)
            base = f"{'/es' if item.language == 'es' else ''}/members/{member.slug}/commitments/"
            yield _page(member, item, content, _related(item, planned, base))
