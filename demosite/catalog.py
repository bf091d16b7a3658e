"""The demo site's pages: one per commitment address reproduced by the content specs.

Where several crawls of one commitment were reproduced, the newest template wins (the live
site shows its current template to a crawl made today). Synthetic variants are test material,
not site content, and are left out. Markups rotate across commitments so the demo exercises
all four.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from demosite.chrome import RelatedLink
from demosite.content import ListedCommitment, PageContent, content_specs
from demosite.pages import DemoPage
from demosite.render import MARKUPS, Markup, member_base, render

# Template era of a spec, from its variant name ("t3_..."); the Spanish spec is a T3 page.
_ERA = {"t1": 1, "t2": 2, "t3": 3, "t4": 4, "es": 3}
_CYCLE_LABELS = ("Action Plan Cycle", "Ciclo del Plan de Acción")


def _era(content: PageContent) -> int:
    return _ERA[content.variant.split("_", 1)[0]]


def newest_crawls(specs: Iterable[PageContent]) -> list[PageContent]:
    """One spec per (commitment, language): the newest template; ties go to the later name."""
    chosen: dict[tuple[str, str], PageContent] = {}
    for content in sorted(specs, key=lambda c: c.name):
        if "synthetic" in content.variant:
            continue
        key = (content.commitment_id.upper(), content.language)
        if key not in chosen or _era(content) >= _era(chosen[key]):
            chosen[key] = content
    return sorted(chosen.values(), key=lambda c: (c.member_slug, c.commitment_id, c.language))


def _listed(specs: Iterable[PageContent]) -> dict[str, ListedCommitment]:
    """What member lists on any spec say about a commitment ID (year, area, starred)."""
    listed: dict[str, ListedCommitment] = {}
    for content in specs:
        if content.member_list is not None:
            for item in content.member_list.items:
                listed.setdefault(item.commitment_id, item)
    return listed


def _member_names(specs: Iterable[PageContent]) -> dict[str, str]:
    return {c.member_slug: c.member_name for c in specs if c.member_name}


def _cycle(content: PageContent) -> int | None:
    for field in content.fields():
        if field.label in _CYCLE_LABELS and field.value.isdigit():
            return int(field.value)
    return None


def _related(content: PageContent, chosen: Sequence[PageContent]) -> list[RelatedLink]:
    base = member_base(content)
    return [
        RelatedLink(
            f"{other.title} ({other.commitment_id})", f"{base}commitments/{other.commitment_id}/"
        )
        for other in chosen
        if other.member_slug == content.member_slug
        and other.language == content.language
        and other.commitment_id != content.commitment_id
    ]


def _demo_page(
    content: PageContent,
    markup: Markup,
    names: dict[str, str],
    listed: dict[str, ListedCommitment],
    related: list[RelatedLink],
) -> DemoPage:
    entry = listed.get(content.commitment_id)
    areas = content.policy_areas()
    starred = any(f.label == "Starred" and f.value == "Yes" for f in content.fields())
    return DemoPage(
        member_slug=content.member_slug,
        member_name=names.get(content.member_slug, content.member_slug.replace("-", " ").title()),
        commitment_id=content.commitment_id,
        title=content.title,
        html=render(content, markup, chrome="light", related=related),
        cycle_year=entry.year if entry else _cycle(content),
        policy_area=entry.policy_area if entry else (areas[0] if areas else None),
        starred=entry.starred if entry else starred,
        language=content.language,
    )


def demo_pages(markups: Sequence[Markup] = MARKUPS) -> list[DemoPage]:
    """The demo site's commitment pages, light chrome, markups rotating in ``markups`` order."""
    if not markups or any(m not in MARKUPS for m in markups):
        raise ValueError(f"markups must be a non-empty selection of {MARKUPS}, got {markups!r}")
    specs = content_specs()
    chosen = newest_crawls(specs)
    names, listed = _member_names(specs), _listed(specs)
    return [
        _demo_page(content, markups[index % len(markups)], names, listed, _related(content, chosen))
        for index, content in enumerate(chosen)
    ]
