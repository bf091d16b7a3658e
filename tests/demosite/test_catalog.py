"""The demo site's catalog: one page per commitment address, newest crawl, rotating markups."""

from __future__ import annotations

from collections import Counter

import pytest
from selectolax.lexbor import LexborHTMLParser

from demosite.catalog import demo_pages
from demosite.content import content_specs
from demosite.pages import DemoPage
from tests.visible_text import visible_lines

PAGES = demo_pages()


def _markup(page: DemoPage) -> str:
    main = LexborHTMLParser(page.html).css_first("main")
    assert main is not None
    if main.css_first("dl.facts"):
        return "dl"
    if main.css_first("table.commitment-data"):
        return "table"
    if main.css_first("h1.entry-title"):
        return "p"
    assert not main.css("h2, h3"), "a page with no known markup signature"
    return "soup"


def test_one_page_per_commitment_and_language() -> None:
    keys = [(p.commitment_id, p.language) for p in PAGES]
    assert len(keys) == len(set(keys))
    real = {(c.commitment_id, c.language) for c in content_specs() if "synthetic" not in c.name}
    assert set(keys) == real
    assert ("GH0049", "es") in keys and ("GH0049", "en") in keys


def test_the_newest_template_of_a_commitment_is_served() -> None:
    by_key = {(p.commitment_id, p.language): p for p in PAGES}
    # MN0023 and RO0046 were reproduced from an older and a newer crawl: the newer (T3) wins,
    # which shows an Ambition label and no Starred label (the older T1/T2 show Starred).
    for commitment_id in ("MN0023", "RO0046"):
        lines = visible_lines(by_key[(commitment_id, "en")].html)
        assert any(line.startswith("Ambition") for line in lines), commitment_id
        assert not any(line.startswith("Starred") for line in lines), commitment_id


def test_markups_rotate_across_commitments() -> None:
    markups = [_markup(p) for p in PAGES]
    assert markups[:4] == ["p", "dl", "table", "soup"]
    counts = Counter(markups)
    assert max(counts.values()) - min(counts.values()) <= 1


def test_a_markup_selection_is_honoured_and_checked() -> None:
    assert {_markup(p) for p in demo_pages(("soup",))} == {"soup"}
    with pytest.raises(ValueError, match="markups"):
        demo_pages(("xml",))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="markups"):
        demo_pages(())


def test_pages_carry_what_member_pages_list() -> None:
    by_id = {p.commitment_id: p for p in PAGES if p.language == "en"}
    mn0023 = by_id["MN0023"]  # listed on MN0002's page: "MN0023, 2016, E-Government", starred
    assert (mn0023.cycle_year, mn0023.policy_area, mn0023.starred) == (2016, "E-Government", True)
    assert by_id["BG0090"].member_name == "Bulgaria"  # no page shows it: from the slug
    assert by_id["NGKD0009"].member_name == "Kaduna State, Nigeria"
    assert by_id["UK0093"].cycle_year == 2019
    for page in PAGES:
        assert f"{page.title} ({page.commitment_id})" in visible_lines(page.html)


def test_sidebar_links_lead_to_other_catalog_pages_of_the_member() -> None:
    def address(p: DemoPage) -> str:
        prefix = "/es" if p.language == "es" else ""
        return f"{prefix}/members/{p.member_slug}/commitments/{p.commitment_id}/"

    addresses = {address(p) for p in PAGES}
    mongolia = next(p for p in PAGES if p.commitment_id == "MN0022")
    aside = LexborHTMLParser(mongolia.html).css_first("aside")
    assert aside is not None
    hrefs = {a.attributes.get("href") for a in aside.css("a")}
    assert hrefs and hrefs <= addresses
    assert "/members/mongolia/commitments/MN0022/" not in hrefs
