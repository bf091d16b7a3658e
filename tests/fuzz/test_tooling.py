"""The fuzzer itself: deterministic, drawing every dimension value, judging against the
hand-written truth (never the parser), and shrinking a failure to a small page that still
fails the same way."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace

from selectolax.lexbor import LexborHTMLParser

from demosite.content import content_specs
from fuzz.check import minimal_html, run_seed
from fuzz.dom import Text, el, serialize, text
from fuzz.layout import DIMENSIONS, Layout
from fuzz.page import generate
from fuzz.shrink import shrink
from fuzz.truth import EXPECTED_DIR, MISSING, RIGHT, WRONG, expected_record, judge, verdict
from pipeline.records import ParsedPage
from pipeline.transform import parse_page
from tests.fuzz.test_layouts import TEST_SEEDS


def test_a_seed_gives_the_same_bytes_every_time_and_seeds_differ() -> None:
    assert generate(7).body() == generate(7).body()
    assert generate(7).body() != generate(7 + len(content_specs())).body()


def test_the_test_range_covers_every_spec_and_every_dimension_value() -> None:
    pages = [generate(seed) for seed in TEST_SEEDS]
    assert {p.spec.name for p in pages} == {c.name for c in content_specs()}
    drawn = Counter((name, value) for p in pages for name, value in p.layout.items())
    for name, values in DIMENSIONS.items():
        for value in values:
            assert drawn[(name, value)] >= 5, (name, value)


def test_the_truth_is_the_hand_written_expected_record() -> None:
    for spec in content_specs():
        data = json.loads((EXPECTED_DIR / f"{spec.name}.json").read_text(encoding="utf-8"))
        record = expected_record(spec.name)
        assert {k: record[k] for k in data["commitment"]} == data["commitment"]
        assert record["institutions_rows"] == data["institutions"]


def test_a_value_is_right_missing_or_silently_wrong() -> None:
    assert verdict("status", "Active", "Active") == RIGHT
    assert verdict("status", None, "Active") == MISSING
    assert verdict("status_missing", "unrecognized", None) == MISSING
    assert verdict("status", "Inactive", "Active") == WRONG
    assert verdict("status_missing", None, "empty") == WRONG  # claims a value is there
    assert verdict("status_missing", "pending_irm_review", "no_data") == WRONG
    assert verdict("description", "desc\n\nRelated Stories", "desc") == WRONG
    assert verdict("policy_areas", [], ["Open Data"]) == MISSING


def test_a_refused_page_is_missing_in_every_field_not_wrong() -> None:
    outcomes = judge(content_specs()[0].name, None)
    assert outcomes and {o.verdict for o in outcomes} == {MISSING}


def test_a_broken_parser_is_caught_and_shrunk_to_a_small_page() -> None:
    """A parser that drops the Status value: the seed fails, and the shrunk page is a small
    fraction of the page and still fails the same way."""

    def broken(body: bytes, url: str, content_type: str | None) -> ParsedPage:
        page = parse_page(body, url, content_type=content_type)
        return replace(page, commitment=replace(page.commitment, status=None))

    seed = next(s for s in TEST_SEEDS if expected_record(generate(s).spec.name)["status"])
    result = run_seed(seed, broken)
    assert [o.field for o in result.failures] == ["status"]
    small = minimal_html(result, broken)
    assert len(small) < len(result.page.html()) / 10
    assert "Status" in small or "Estado" in small


def test_the_shrinker_removes_everything_the_failure_does_not_need() -> None:
    tree = el(
        "html", {}, el("body", {}, el("div", {}, el("p", {}, text("keep")), el("p", {}, text("x"))))
    )
    small = shrink(tree, lambda t: "keep" in serialize(t, pretty=False))
    assert serialize(small, pretty=False) == "<html><body>keep</body></html>"


def test_every_entity_style_shows_the_same_text() -> None:
    shown = "Acceso a la información – “Plan d'action” & más"
    for style in ("plain", "named", "numeric", "mixed"):
        markup = serialize(el("p", {}, text(shown, style, random.Random(1))), pretty=False)
        assert style == "plain" or "&#" in markup or "&oacute;" in markup
        assert LexborHTMLParser(markup).body.text() == shown  # type: ignore[union-attr]


def test_pretty_printing_never_spaces_inline_content() -> None:
    tree = el("div", {}, el("p", {}, el("a", {}, Text("A")), el("a", {}, Text("B"))), el("ul"))
    assert "<a>A</a><a>B</a>" in serialize(tree, pretty=True)


def test_layout_fields_are_the_dimensions() -> None:
    assert list(Layout.__dataclass_fields__) == list(DIMENSIONS)
