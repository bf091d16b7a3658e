"""What one synthetic commitment page shows, per template era (T1-T4) and language, with the
quirks seen on real pages: dropped headings, empty and pending values, doubled values,
run-together headings, irregular OGP-value separators, Spanish pending spellings."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demosite import synthetic_text as text
from demosite.content import Block, FieldShown, MemberList, PageContent, Prose
from demosite.members import Member
from demosite.render import Markup

_GLOSSARY = "Ambition captures the potential of a commitment to have this transformative effect."


@dataclass(frozen=True, slots=True)
class Planned:
    """One synthetic commitment before its page is written."""

    commitment_id: str
    title: str
    year: int  # the Action Plan Cycle
    plan_years: tuple[int, int]
    areas: tuple[str, ...]
    starred: bool
    template: str  # "T1".."T4"
    language: str
    markup: Markup


@dataclass(frozen=True, slots=True)
class _Page:
    member: Member
    item: Planned
    rng: random.Random

    def label(self, english: str) -> str:
        return text.LABELS[self.item.language].get(english, english)

    def value(self, english: str) -> str:
        if self.item.language == "es":
            return text.VALUES_ES[english]
        return english

    def pending(self) -> str:
        if self.item.language == "es":
            return self.rng.choice(text.SPANISH_PENDING)
        return "Pending IRM Review"

    @property
    def assessed(self) -> bool:
        """The IRM has reported on plans that ended before 2023."""
        return self.item.year < 2022 and self.item.template != "T4"


def _plan_title(page: _Page) -> str:
    name, (start, end) = page.member.name, page.item.plan_years
    if page.item.language == "es":
        return f"Plan de Acción de {name} {start}-{end}"
    forms = (
        f"{name} Action Plan {start}-{end}",
        f"{name} National Action Plan {start}-{end}",
        f"{name}, Action Plan, {start}-{end % 100:02d}",
        f"Action plan – {name}, {start} – {end}",
    )
    return page.rng.choice(forms[2:] if page.member.local else forms[:3])


def _reports(page: _Page) -> FieldShown:
    name, (start, end) = page.member.name, page.item.plan_years
    label = page.label("IRM Report")
    if not page.assessed:
        return FieldShown(label, page.pending())
    if page.item.template in ("T1", "T2"):
        titles = [
            f"{name} End-of-Term Report {start}-{end}",
            f"{name} Mid-Term Report {start}-{end}",
        ]
    else:
        titles = [
            f"{name} Results Report {start}-{end}",
            f"{name} Action Plan Review {start}-{end}",
        ]
    return FieldShown(label, links=tuple(titles[: page.rng.randint(1, 2)]))


def _glance(page: _Page) -> list[FieldShown]:
    item, rng = page.item, page.rng
    fields = [FieldShown(page.label("Action Plan"), links=(_plan_title(page),))]
    if item.template == "T4":
        month = rng.randrange(12)
        return [
            *fields,
            FieldShown("Inception Report", "Not available"),
            FieldShown("Commitment Start", f"{text.MONTHS[month]} {item.plan_years[0]}"),
            FieldShown("Commitment End", f"Dec {item.plan_years[1]}", shares_line=True),
        ]
    fields.append(FieldShown(page.label("Action Plan Cycle"), str(item.year)))
    if item.template in ("T1", "T2"):
        fields.append(FieldShown("Status", "Inactive" if item.year < 2021 else "Active"))
    elif item.language == "en":
        fields.append(FieldShown("Status", ""))
    return fields


def _institutions(page: _Page) -> list[FieldShown]:
    rng = page.rng
    if page.item.template == "T4":
        names = text.institutions(rng, rng.randint(3, 9)) + rng.sample(text.CSOS, 3)
        names.insert(rng.randrange(len(names)), rng.choice(names))  # the site repeats some
        return [FieldShown("Institutions involved", items=tuple(names))]
    lead, *support = text.institutions(rng, rng.randint(2, 5))
    separator = rng.choice(("; ", ", ", " "))
    support_text = (
        separator.join(support + rng.sample(text.CSOS, 2)) if rng.random() < 0.9 else "NA"
    )
    return [
        FieldShown(page.label("Lead Institution"), lead),
        FieldShown(page.label("Support Institution(s)"), support_text),
    ]


def _ogp_values(page: _Page) -> str:
    if not page.assessed:
        return page.pending()
    if page.item.template in ("T3", "T4"):
        return page.value("Yes")
    values = [v for v in text.OGP_VALUES if page.rng.random() < 0.6] or ["Access to Information"]
    # The site joins the first two with a bare space and the rest with " , ".
    head = " ".join(values[:2])
    return " , ".join([head, *values[2:]])


def _irm_review(page: _Page) -> list[FieldShown]:
    item, rng = page.item, page.rng
    fields = [_reports(page)]
    if item.template in ("T1", "T2"):
        fields.append(
            FieldShown(
                "Starred", "Yes" if item.starred else "No" if page.assessed else page.pending()
            )
        )
    if page.assessed:
        value = rng.choice((*text.EARLY_RESULTS, "No IRM Data"))
        doubled = value != "No IRM Data" and rng.random() < 0.2
        fields.append(FieldShown(page.label("Early Results"), page.value(value), doubled=doubled))
    else:
        fields.append(FieldShown(page.label("Early Results"), page.pending()))
    return fields


def _design(page: _Page) -> list[FieldShown]:
    item, rng = page.item, page.rng
    verifiable = page.value(rng.choice(("Yes", "Yes", "No"))) if page.assessed else page.pending()
    fields = [
        FieldShown(page.label("Verifiable"), verifiable),
        FieldShown(page.label("Relevant to OGP Values"), _ogp_values(page)),
    ]
    if item.template == "T1":
        fields.append(FieldShown("Potential Impact", "" if page.assessed else page.pending()))
    elif item.template in ("T3", "T4"):
        value = (
            page.value(rng.choice(("High", "Low", "No Data"))) if page.assessed else page.pending()
        )
        fields.append(
            FieldShown(page.label("Ambition (see definition)"), value, glossary=_GLOSSARY)
        )
    return fields


def _completion(page: _Page) -> list[FieldShown]:
    if page.item.template == "T2" or page.rng.random() < 0.1:
        return []  # the line is missing on some pages
    value = page.value(page.rng.choice(("", *text.COMPLETION))) if page.assessed else page.pending()
    return [FieldShown(page.label("Completion"), value)]


def _blocks(page: _Page, headings: bool) -> tuple[Block, ...]:
    def h(english: str) -> str | None:
        return page.label(english) if headings else None

    areas = Block(
        page.label("Policy Areas"),
        policy_areas=page.item.areas,
        run_together=page.rng.random() < 0.1,
    )
    blocks = [
        Block(h("Overview")) if headings else None,
        Block(h("At-a-Glance"), level=3, fields=tuple(_glance(page))),
        Block(h("Institutions"), level=3, fields=tuple(_institutions(page))),
        areas,
        Block(page.label("IRM Review"), fields=tuple(_irm_review(page))),
        Block(page.label("Design"), level=3, info_icon=True, fields=tuple(_design(page))),
        Block(
            page.label("Implementation"), level=3, info_icon=True, fields=tuple(_completion(page))
        ),
    ]
    return tuple(b for b in blocks if b is not None)


def _status_summary(page: _Page) -> Prose | None:
    if page.item.template != "T1" or not page.assessed or page.rng.random() < 0.6:
        return None
    heading = page.rng.choice(("IRM End of Term Status Summary", "IRM Midterm Status Summary"))
    number = int(page.item.commitment_id[-2:]) or 1
    body = f"Commitment Text:{page.rng.choice(text.SENTENCES)}"
    return Prose(heading, (f"{number}. {page.item.title}", body))


def build_content(
    member: Member, item: Planned, listing: MemberList, rng: random.Random
) -> PageContent:
    """The page of one synthetic commitment, with the member's list at the bottom."""
    page = _Page(member, item, rng)
    headings = item.language == "es" or rng.random() > 0.2  # some crawls drop the headings
    prefix = "/es" if item.language == "es" else ""
    return PageContent(
        name=f"{item.commitment_id}__synthetic_{item.template.lower()}",
        url=f"https://www.opengovpartnership.org{prefix}/members/{member.slug}/commitments/{item.commitment_id}/",
        language=item.language,
        title=item.title,
        commitment_id=item.commitment_id,
        blocks=_blocks(page, headings),
        html_title=f"{item.title} ({item.commitment_id}) | Commitment from {member.name}"
        " | Open Government Partnership",
        survey_banner=item.template == "T4" and rng.random() < 0.5,
        member_name=member.name if headings else None,
        description=Prose(
            page.label("Description") if headings else None, tuple(text.paragraphs(rng))
        ),
        status_summary=_status_summary(page),
        member_list=listing,
    )
