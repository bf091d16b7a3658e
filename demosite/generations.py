"""Generations of the demo site: the site as it stands on night N.

A generation is a number and a list of changes applied, in order, to the site's base pages;
the number seeds every random choice, so generation N is the same site on every machine and
every run. A test serves generation 0, runs a refresh, switches the running server to
generation 1 (``show``), and refreshes again: what a nightly job sees when the real site
changes between two nights.

A change is any object with ``apply(pages, rng) -> pages``. Here: a deploy that touches every
page's markup (``NewBuild``), a label renamed on a share of the pages that show it
(``RenameLabel``), a page shown with new content or added (``Rewrite``), a page removed so
that it answers 404 (``Remove``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from demosite.pages import DemoPage
from demosite.site import Site


class Change(Protocol):
    def apply(self, pages: list[DemoPage], rng: random.Random) -> list[DemoPage]: ...


@dataclass(frozen=True)
class Generation:
    number: int
    changes: tuple[Change, ...] = ()

    def pages(self, base: Sequence[DemoPage]) -> list[DemoPage]:
        """The site's pages in this generation, from its base pages."""
        rng = random.Random(f"demosite generation {self.number}")
        pages = list(base)
        for change in self.changes:
            pages = change.apply(pages, rng)
        return pages


@dataclass(frozen=True)
class NewBuild:
    """A deploy of the site's theme: every page's markup changes a little (here, a build
    comment in the head), so every page has a new body and is fetched and parsed again."""

    build: str

    def apply(self, pages: list[DemoPage], rng: random.Random) -> list[DemoPage]:
        marker = f"<!-- theme build {self.build} -->"
        return [replace(p, html=_after_head(p.html, marker)) for p in pages]


@dataclass(frozen=True)
class RenameLabel:
    """A template change: ``label`` reads ``new_label`` on ``share`` of the pages that show it
    (rounded to whole pages, chosen by the generation's seed). The label's visible text is
    replaced wherever the page shows it, not inside attributes."""

    label: str
    new_label: str
    share: float
    language: str = "en"

    def chosen(self, pages: Sequence[DemoPage], rng: random.Random) -> set[str]:
        showing = sorted(
            p.commitment_id for p in pages if p.language == self.language and self._shows(p)
        )
        return set(rng.sample(showing, round(self.share * len(showing))))

    def apply(self, pages: list[DemoPage], rng: random.Random) -> list[DemoPage]:
        chosen = self.chosen(pages, rng)
        pattern = re.compile(r"(>\s*)" + re.escape(self.label) + r"(\s*:?\s*<)")
        return [
            replace(p, html=pattern.sub(rf"\g<1>{self.new_label}\g<2>", p.html))
            if p.language == self.language and p.commitment_id in chosen
            else p
            for p in pages
        ]

    def _shows(self, page: DemoPage) -> bool:
        return re.search(r">\s*" + re.escape(self.label) + r"\s*:?\s*<", page.html) is not None


@dataclass(frozen=True)
class Rewrite:
    """A page that shows ``page`` from this generation on: its content edited (a new
    description, a new IRM report, a status), or a page added when no page has its ID."""

    page: DemoPage

    def apply(self, pages: list[DemoPage], rng: random.Random) -> list[DemoPage]:
        key = (self.page.language, self.page.commitment_id)
        kept = [p for p in pages if (p.language, p.commitment_id) != key]
        return (
            [*kept, self.page]
            if len(kept) == len(pages)
            else [self.page if (p.language, p.commitment_id) == key else p for p in pages]
        )


@dataclass(frozen=True)
class Remove:
    """A page taken off the site: its address answers 404 and no list names it."""

    commitment_id: str
    language: str = "en"

    def apply(self, pages: list[DemoPage], rng: random.Random) -> list[DemoPage]:
        return [
            p for p in pages if (p.language, p.commitment_id) != (self.language, self.commitment_id)
        ]


def _after_head(html: str, text: str) -> str:
    at = html.find("<head>")
    if at < 0:
        return text + html
    return html[: at + len("<head>")] + text + html[at + len("<head>") :]


def show(site: Site, pages: Sequence[DemoPage]) -> None:
    """Make a running site serve exactly ``pages``: changed pages get a new body, ETag and
    Last-Modified; pages no longer there answer 404; new ones appear in lists and sitemaps."""
    current = {(p.language, p.commitment_id): p for p in site.pages()}
    wanted = {(p.language, p.commitment_id): p for p in pages}
    for key, page in wanted.items():
        old = current.get(key)
        if old is None or replace(old, html=page.html) != page:
            site.add(page)
        elif old.html != page.html:
            site.change(page.commitment_id, page.html, page.language)
    for language, commitment_id in current.keys() - wanted.keys():
        site.remove(commitment_id, language=language)


def show_generation(site: Site, base: Sequence[DemoPage], generation: Generation) -> list[DemoPage]:
    """Switch a running site to ``generation`` of ``base``; returns the pages it now serves."""
    pages = generation.pages(base)
    show(site, pages)
    return pages
