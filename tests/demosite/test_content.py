"""Content specs load, refuse malformed input, and reproduce their reference renderings."""

from __future__ import annotations

import re

import pytest

from demosite.content import ContentError, FieldShown, PageContent, content_from_dict, content_specs
from pipeline.urls import parse_commitment_url
from pipeline.vocab import default_vocabulary
from tests.paths import FIXTURES
from tests.visible_text import collapse

REFERENCE = FIXTURES / "reference"
SPECS = content_specs()


def test_spec_names_are_unique_and_name_their_commitment() -> None:
    names = [content.name for content in SPECS]
    assert len(names) == len(set(names))
    for content in SPECS:
        ref = parse_commitment_url(content.url)
        assert ref is not None, content.url
        assert content.name.split("__")[0] == ref.commitment_id == content.commitment_id
        assert re.fullmatch(r"(t[1-4]|es|synthetic)_[a-z0-9_]+", content.variant), content.name


def test_coverage_of_templates_and_quirks() -> None:
    assert {c.language for c in SPECS} == {"en", "es"}
    assert any(b.run_together for c in SPECS for b in c.blocks)
    assert any(f.doubled for c in SPECS for f in c.fields())
    assert any(f.badge for c in SPECS for f in c.fields())
    assert any(f.items for c in SPECS for f in c.fields())
    assert any(c.survey_banner for c in SPECS)
    assert any(c.member_list and len(c.member_list.items) == 34 for c in SPECS)
    assert sum("synthetic" in c.name for c in SPECS) == 2


def _reference_text(content: PageContent) -> str:
    assert content.reference is not None
    return collapse((REFERENCE / content.reference).read_text(encoding="utf-8"))


def _field_line(field: FieldShown) -> str:
    if field.items:  # the rendering draws list items with bullets
        return f"{field.label}: • " + " • ".join(field.items)
    return f"{field.label}: {field.shown}" if field.shown else f"{field.label}:"


@pytest.mark.parametrize("content", SPECS, ids=[c.name for c in SPECS])
def test_spec_reproduces_its_reference_rendering(content: PageContent) -> None:
    reference = _reference_text(content)
    assert content.title_line in reference
    assert content.member_name is None or content.member_name in reference
    vocab = default_vocabulary()
    for block in content.blocks:
        assert block.heading is None or block.heading in reference
        for field in block.fields:
            if not field.invented:
                assert _field_line(field) in reference, field.label
        areas = block.policy_areas
        if "synthetic" in content.name:  # an added area is one the vocabulary does not know
            areas = tuple(a for a in areas if vocab.is_known_policy_area(a))
        assert ", ".join(areas) in reference
    for prose in (content.description, content.status_summary):
        if prose is not None:
            assert prose.heading is None or prose.heading in reference
            for paragraph in prose.paragraphs:
                for line in paragraph.split("\n"):
                    assert collapse(line) in reference, line
    if content.member_list is not None:
        assert content.member_list.heading in reference
        for item in content.member_list.items:
            assert item.title in reference
            assert f"{item.commitment_id}, {item.year}, {item.policy_area}" in reference


def _minimal(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "url": "https://www.opengovpartnership.org/members/mongolia/commitments/MN0099/",
        "title": "A title",
        "commitment_id": "MN0099",
        "blocks": [{"heading": "At-a-Glance", "fields": [{"label": "Status", "value": "Active"}]}],
    }
    data.update(overrides)
    return data


def test_a_minimal_spec_loads() -> None:
    content = content_from_dict("MN0099__t1_minimal", _minimal())
    assert content.title_line == "A title (MN0099)"
    assert content.member_slug == "mongolia"
    assert [f.shown for f in content.fields()] == ["Active"]


@pytest.mark.parametrize(
    "data",
    [
        _minimal(colour="blue"),
        _minimal(blocks=[{"fields": [{"label": "Status", "valeu": "Active"}]}]),
        _minimal(blocks=[{"fields": [{"label": "X", "value": "a", "items": ["b"]}]}]),
        _minimal(
            blocks=[{"heading": "Policy Areas", "policy_areas": ["Aid"], "run_together": True}]
        ),
        _minimal(blocks=[{"fields": [{"label": "X", "value": "a", "shares_line": True}]}]),
        _minimal(language="de"),
        {"url": "https://www.opengovpartnership.org/members/x/commitments/XX0001/"},
    ],
)
def test_malformed_specs_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(ContentError):
        content_from_dict("XX0001__t1_bad", data)


def test_shown_value_includes_duplicate_and_badge() -> None:
    assert FieldShown("Early Results", "Major", doubled=True).shown == "Major Major"
    assert FieldShown("Starred", "Yes", badge="Starred").shown == "Yes Starred"
    assert FieldShown("Institutions involved", items=("A", "B")).shown == "A\nB"
    assert FieldShown("IRM Report", links=("R1", "R2")).shown == "R1, R2"
