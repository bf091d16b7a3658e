"""Synthetic pages: realistic mix, deterministic, sequential IDs, 100-200 KB, lazy."""

from __future__ import annotations

import hashlib
import itertools
import re
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterator

import pytest

from bench.synthetic_pages import synthetic_pages
from demosite.members import all_members
from demosite.pages import DemoPage
from tests.visible_text import visible_lines, visible_text

SAMPLE = list(synthetic_pages(2000, seed=7))


def _digest(pages: Iterator[DemoPage]) -> str:
    hasher = hashlib.sha256()
    for page in pages:
        hasher.update(page.html.encode("utf-8"))
    return hasher.hexdigest()


def test_yields_exactly_n_pages_over_the_requested_members() -> None:
    assert len(SAMPLE) == 2000
    assert len({p.member_slug for p in SAMPLE}) == 225
    few = list(synthetic_pages(50, members=10))
    assert len(few) == 50 and len({p.member_slug for p in few}) == 10
    assert list(synthetic_pages(0)) == []


def test_same_arguments_give_the_same_bytes_and_another_seed_differs() -> None:
    assert _digest(synthetic_pages(120, seed=3)) == _digest(synthetic_pages(120, seed=3))
    assert _digest(synthetic_pages(120, seed=3)) != _digest(synthetic_pages(120, seed=4))


def test_ids_are_sequential_within_each_member() -> None:
    prefixes = {m.slug: m.prefix for m in all_members()}
    by_member: dict[str, list[str]] = defaultdict(list)
    for page in SAMPLE:
        by_member[page.member_slug].append(page.commitment_id)
    for slug, ids in by_member.items():
        assert ids == [f"{prefixes[slug]}{n:04d}" for n in range(1, len(ids) + 1)]
    lengths = Counter(len(prefixes[slug]) for slug in by_member)
    assert set(lengths) == {2, 3, 4}  # national and local numbering series


def test_pages_are_100_to_200_kb() -> None:
    sizes = [len(page.html.encode("utf-8")) for page in SAMPLE]
    assert min(sizes) >= 100_000
    assert max(sizes) <= 200_000


def _template(page: DemoPage) -> str:
    text = visible_text(page.html)
    if "Institutions involved" in text:
        return "T4"
    if "Ambition" in text or "Ambición" in text:
        return "T3"
    if "Potential Impact" in text:
        return "T1"
    return "T2" if "Starred" in text else "unknown"


def test_a_realistic_mix_of_templates_languages_and_markups() -> None:
    templates = Counter(_template(p) for p in SAMPLE)
    assert set(templates) == {"T1", "T2", "T3", "T4"}
    assert min(templates.values()) >= 20
    languages = Counter(p.language for p in SAMPLE)
    assert 0.01 <= languages["es"] / len(SAMPLE) <= 0.2
    signatures = ('<dl class="facts">', '<table class="commitment-data">', 'class="entry-title"')
    markups = Counter(tuple(s in p.html for s in signatures) for p in SAMPLE)
    assert len(markups) == 4 and min(markups.values()) > 300  # p, dl, table and soup all occur
    assert sum(p.starred for p in SAMPLE) >= 10


def test_spanish_pages_use_spanish_labels() -> None:
    spanish = [p for p in SAMPLE if p.language == "es"]
    for page in spanish[:20]:
        text = visible_text(page.html)
        assert "Ciclo del Plan de Acción" in text and "Action Plan Cycle" not in text
        assert "Saltar navegación" in text


def test_each_page_lists_all_of_its_members_commitments() -> None:
    by_member: dict[str, list[DemoPage]] = defaultdict(list)
    for page in SAMPLE:
        by_member[page.member_slug].append(page)
    for pages in itertools.islice(by_member.values(), 0, 225, 15):
        lines = visible_lines(pages[-1].html)
        assert f"{pages[-1].title} ({pages[-1].commitment_id})" in lines
        listed = {
            m.group(1)
            for line in lines
            if (m := re.fullmatch(r"([A-Z]{2,4}[0-9]{4}), [0-9]{4}, .+", line))
        }
        assert listed == {p.commitment_id for p in pages}


def test_pages_are_generated_lazily() -> None:
    tracemalloc.start()
    try:
        pages = synthetic_pages(6500)
        consumed = sum(len(page.html) for page in itertools.islice(pages, 400))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert consumed > 40_000_000  # 400 pages of over 100 KB went through ...
    assert peak < 15_000_000  # ... without more than a few of them held at once


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        next(synthetic_pages(-1))
    with pytest.raises(ValueError):
        next(synthetic_pages(10, members=0))
    with pytest.raises(ValueError):
        next(synthetic_pages(10, members=10_000))
