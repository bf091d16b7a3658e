"""The committed fixture pages are exactly what the renderer produces, and each shows what its
content spec says it shows (and nothing hidden leaks into the visible text)."""

from __future__ import annotations

import re

import pytest

from demosite.chrome import words
from demosite.content import FieldShown, PageContent, content_specs
from demosite.render import MARKUPS
from demosite.soup import DESIGN_TIP, IMPLEMENTATION_TIP
from pipeline.ids import COMMITMENT_ID
from tests.fixtures.render_fixtures import fixture_pages
from tests.paths import FIXTURES
from tests.visible_text import collapse, visible_lines, visible_text

PAGES = FIXTURES / "pages"


RENDERED: dict[str, str] = fixture_pages()
CASES = [(content, markup) for content in content_specs() for markup in MARKUPS]


def _page(content: PageContent, markup: str) -> str:
    return (PAGES / f"{content.name}__{markup}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_committed_page_is_what_the_renderer_produces(name: str) -> None:
    path = PAGES / name
    assert path.is_file(), f"{name} is missing: run python -m tests.fixtures.render_fixtures"
    committed = path.read_bytes()
    assert committed == RENDERED[name].encode("utf-8"), (
        f"{name} differs from the renderer's output: run python -m tests.fixtures.render_fixtures "
        "and review the diff"
    )


def test_no_page_is_left_over_from_a_removed_spec() -> None:
    committed = {str(p.relative_to(PAGES)) for p in PAGES.rglob("*.html")}
    assert committed == set(RENDERED)


def test_every_spec_is_rendered_in_every_markup() -> None:
    assert len(content_specs()) >= 16
    for content in content_specs():
        for markup in MARKUPS:
            assert f"{content.name}__{markup}.html" in RENDERED


def _label_shown(field: FieldShown, markup: str) -> str:
    return field.label if markup == "table" else f"{field.label}:"


@pytest.mark.parametrize(("content", "markup"), CASES, ids=[f"{c.name}-{m}" for c, m in CASES])
def test_page_shows_its_title_labels_and_values(content: PageContent, markup: str) -> None:
    html = _page(content, markup)
    lines = visible_lines(html)
    text = "\n".join(lines)
    assert content.title_line in lines
    if content.member_name:
        assert lines[lines.index(content.title_line) - 1] == content.member_name
    for field in content.fields():
        assert _label_shown(field, markup) in text, field.label
        for value_line in field.shown.split("\n"):
            assert value_line in text, (field.label, value_line)
    for area in content.policy_areas():
        assert area in text
    for prose in (content.description, content.status_summary):
        if prose is not None:
            for paragraph in prose.paragraphs:
                for line in paragraph.split("\n"):
                    assert collapse(line) in lines, line


_CHROME_TEXTS = {
    "en": ("Starred Commitments", "Steering Committee", "Privacy Policy"),
    "es": ("Compromisos estelares", "Comité Directivo", "Privacy Policy"),
}


@pytest.mark.parametrize(("content", "markup"), CASES, ids=[f"{c.name}-{m}" for c, m in CASES])
def test_hidden_text_and_chrome_stay_out_of_the_visible_text(
    content: PageContent, markup: str
) -> None:
    html = _page(content, markup)
    text = visible_text(html)
    hidden = ["Result title (AB0000)", words(content.language)["cookie"]]
    if markup == "soup":
        hidden += [f.glossary for f in content.fields() if f.glossary]
        if any(block.info_icon for block in content.blocks):
            hidden += [DESIGN_TIP]
        if sum(block.info_icon for block in content.blocks) > 1:
            hidden += [IMPLEMENTATION_TIP]
    for snippet in hidden:
        assert snippet in html, snippet  # the page does carry it, so the next check means something
        assert snippet[:40] not in text
    for chrome_text in _CHROME_TEXTS[content.language]:
        assert chrome_text in html
        assert chrome_text not in text
    assert "Open Government Partnership" not in text


def test_soup_shows_the_run_together_heading_and_doubled_values() -> None:
    by_name = {c.name: c for c in content_specs()}
    run_together = visible_lines(_page(by_name["MN0022__t3_run_together_heading"], "soup"))
    assert "Public ParticipationIRM Review" in run_together
    doubled = visible_lines(_page(by_name["UK0067__t1_not_attached_marginal_doubled"], "soup"))
    assert "Early Results: Marginal Marginal" in doubled
    starred = visible_lines(_page(by_name["MN0023__t1_yes_starred"], "soup"))
    assert "Starred: Yes Starred" in starred


@pytest.mark.parametrize("name", ["member_mongolia", "members_listing", "page_not_found"])
def test_other_pages_show_no_commitment_title(name: str) -> None:
    lines = visible_lines((PAGES / "other" / f"{name}.html").read_text(encoding="utf-8"))
    assert len(lines) >= 3, name
    assert not [line for line in lines if re.search(rf"\({COMMITMENT_ID}\)$", line)]


def test_the_member_page_lists_commitments_without_being_a_commitment_page() -> None:
    lines = visible_lines((PAGES / "other" / "member_mongolia.html").read_text(encoding="utf-8"))
    assert "MN0035, 2019, Open Contracting and Procurement" in lines
    assert (
        "Starred commitment Improve Provision and Quality of Education and Health Services" in lines
    )
