"""The renderer: deterministic, four markups that differ in tags but not in visible text,
light and heavy chrome of the promised size."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest
from selectolax.lexbor import LexborHTMLParser

from demosite.content import PageContent, content_spec, content_specs
from demosite.render import MARKUPS, render
from tests.paths import ROOT
from tests.visible_text import visible_lines

SPECS = content_specs()
_NUMBER = re.compile(r"^\d+\. ")


def _reader_text(html: str) -> str:
    """Visible text with the differences a reader ignores removed: colons after labels,
    line breaks, the info icon's "i", list numbers."""
    lines = [_NUMBER.sub("", line).removesuffix(" i") for line in visible_lines(html)]
    return re.sub(r"\s+", "", "".join(lines).replace(":", ""))


@pytest.mark.parametrize("content", SPECS, ids=[c.name for c in SPECS])
def test_markups_differ_in_tags_but_show_the_same_text(content: PageContent) -> None:
    pages = {markup: render(content, markup) for markup in MARKUPS}
    assert len(set(pages.values())) == len(MARKUPS)
    texts = {markup: _reader_text(html) for markup, html in pages.items()}
    assert content.commitment_id in texts["p"] and len(texts["p"]) > 500
    assert len(set(texts.values())) == 1, {m: t[:200] for m, t in texts.items()}


def test_rendering_is_deterministic_across_processes() -> None:
    names = ["MN0002__t1_full_member_list", "GH0049__es_spanish_labels"]
    here = [hashlib.sha256(render(content_spec(n), m, chrome=c).encode()).hexdigest()
            for n in names for m in MARKUPS for c in ("light", "heavy")]  # fmt: skip
    script = (
        "import hashlib; from demosite.content import content_spec; "
        "from demosite.render import MARKUPS, render\n"
        f"for n in {names!r}:\n for m in MARKUPS:\n  for c in ('light', 'heavy'):\n"
        "   print(hashlib.sha256(render(content_spec(n), m, chrome=c).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # a different str hash than this process
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.split() == here


def test_soup_has_no_heading_elements_but_the_title() -> None:
    for content in SPECS:
        tree = LexborHTMLParser(render(content, "soup"))
        main = tree.css_first("main")
        assert main is not None
        assert [n.tag for n in main.css("h1, h2, h3, h4, h5, h6")] == ["h1"]


def test_soup_class_names_vary_between_pages() -> None:
    def classes(content: PageContent) -> set[str]:
        main = LexborHTMLParser(render(content, "soup")).css_first("main")
        assert main is not None
        return {
            c for node in main.css("[class]") for c in (node.attributes.get("class") or "").split()
        }

    sets = [classes(c) for c in SPECS[:8]]
    assert len({frozenset(s) for s in sets}) > 3


def test_light_chrome_is_a_full_wordpress_page_with_a_few_dozen_links() -> None:
    html = render(content_spec("BG0060__t1_no_headings"), "p")
    tree = LexborHTMLParser(html)
    for selector in ("header nav", "aside", "footer", "nav.breadcrumbs", "#cookie-notice[hidden]"):
        assert tree.css_first(selector) is not None, selector
    assert 25 <= len(tree.css("a")) <= 90
    ld = tree.css_first('script[type="application/ld+json"]')
    assert ld is not None
    assert json.loads(ld.text())["@graph"][0]["@type"] == "WebPage"
    menu = tree.css_first("header nav").text()
    for tempting in ("Policy Areas", "Members", "Commitments", "IRM Review"):
        assert tempting in menu


@pytest.mark.parametrize("content", SPECS, ids=[c.name for c in SPECS])
def test_heavy_chrome_pages_are_100_to_200_kb(content: PageContent) -> None:
    for markup in MARKUPS:
        html = render(content, markup, chrome="heavy")
        assert 100_000 <= len(html.encode("utf-8")) <= 200_000, (markup, len(html))
        assert html.count("<a ") > 400


def test_heavy_and_light_pages_show_the_same_content() -> None:
    content = content_spec("NGKD0009__t4_institutions_involved")
    for markup in MARKUPS:
        light = visible_lines(render(content, markup))
        heavy = visible_lines(render(content, markup, chrome="heavy"))
        assert light == heavy


def test_unknown_markup_or_chrome_is_refused() -> None:
    content = SPECS[0]
    with pytest.raises(ValueError, match="markup"):
        render(content, "xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="chrome"):
        render(content, "p", chrome="medium")  # type: ignore[arg-type]
