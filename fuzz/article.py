"""The commitment content of a generated page: title, label/value blocks, policy areas,
description, status summary and member list, written in the markup a ``Layout`` draws.

Everything shown comes from the fixture spec (``demosite.content``); the layout only changes
how it is marked up. Field keys are looked up in the vocabulary file (data, not the parser) to
know which values a page may draw as graphics.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from demosite.content import Block, MemberList, PageContent, Prose
from demosite.htmlbits import slugify
from fuzz.dom import Attrs, El, Node, Text, el, text
from fuzz.fields import FieldWriter
from fuzz.layout import DIMENSIONS, Layout
from pipeline.vocab import default_vocabulary

_CONTAINERS = tuple(c for c in DIMENSIONS["container"] if c != "mixed")
_SEPARATORS = {"comma": ", ", "semicolon": "; ", "pipe": " | ", "bullet": " • ", "none": ""}
_LEVELS = {"2_3": (2, 3), "3_4": (3, 4), "2_2": (2, 2), "4_5": (4, 5)}
_TIPS = {
    "en": "Verifiable: whether the milestones can be checked. Completion: how far it got.",
    "es": "Verificable: si los hitos se pueden comprobar. Finalización: cuánto avanzó.",
}
FRAGMENT = "#fragment"  # parts placed directly in their parent, with no wrapper element


@dataclass
class Article:
    """Builds the article element; ``rng`` draws the small choices a dimension leaves open."""

    content: PageContent
    layout: Layout
    rng: random.Random

    def __post_init__(self) -> None:
        self.vocab = default_vocabulary()
        self.section_level, self.sub_level = _LEVELS[self.layout.heading_levels]
        self._ids = 0

    # -- small helpers -------------------------------------------------------------------------
    def t(self, value: str) -> Text:
        return text(value, self.layout.entities, self.rng)

    def new_id(self, stem: str) -> str:
        self._ids += 1
        return f"{stem}-{self._ids}"

    def css(self, *names: str) -> dict[str, str | None]:
        prefix = self.rng.choice(("ogp", "c", "wp-block", "x"))
        return {"class": " ".join(f"{prefix}-{name}" for name in names)}

    def level(self, block_level: int) -> int:
        return self.section_level if block_level <= 2 else self.sub_level

    # -- headings ----------------------------------------------------------------------------
    def heading(self, shown: str, level: int, *, icon: bool = False, hid: str | None = None) -> El:
        inner: list[Node] = [self.t(shown)]
        markup = self.layout.heading_markup
        if markup in ("h_spans", "div_role_spans"):
            inner = [el("span", {}, el("span", self.css("heading-text"), *inner))]
        if icon:
            inner.extend(self.info_icon())
        attrs: dict[str, str | None] = {"id": hid} if hid else {}
        if markup in ("h", "h_spans"):
            return El(f"h{level}", attrs, inner)
        if markup == "role_heading":
            return El("div", {**attrs, "role": "heading", "aria-level": str(level)}, inner)
        span = El("span", {**attrs, "role": "heading", "aria-level": str(level)}, inner)
        return el("div", self.css("section-head"), span)

    def info_icon(self) -> list[Node]:
        tip = _TIPS[self.content.language]
        kind = self.layout.info_icon
        button = el("button", {"type": "button", "aria-label": "More information"}, Text("i"))
        if kind == "button":
            return [Text(" "), button]
        if kind == "tooltip":
            return [Text(" "), button, el("span", {"role": "tooltip"}, self.t(tip))]
        if kind == "hidden_tip":
            return [Text(" "), button, el("div", {"hidden": None}, self.t(tip))]
        if kind == "popover":
            pid = self.new_id("pop")
            trigger = el("button", {"type": "button", "popovertarget": pid}, Text("i"))
            return [Text(" "), trigger, el("div", {"popover": None, "id": pid}, self.t(tip))]
        if kind == "visible_i":
            return [Text(" "), el("span", {"class": "icon-info", "aria-hidden": "true"}, Text("i"))]
        if kind == "glued_i":  # no space: a text rendering shows "Designi"
            return [el("span", {"class": "icon-info", "aria-hidden": "true"}, Text("i"))]
        if kind == "glyph":
            return [el("span", {"class": "icon", "title": "More information"}, Text("ⓘ"))]
        svg = el("svg", {"aria-hidden": "true", "viewBox": "0 0 16 16"}, el("circle", {"r": "8"}))
        return [Text(" "), el("a", {"href": "/glossary/", "aria-label": "More information"}, svg)]

    # -- the title ---------------------------------------------------------------------------
    def title_block(self, before: list[Node]) -> El:
        content, markup = self.content, self.layout.title_markup
        box = el("header" if self.rng.random() < 0.5 else "div", self.css("entry-header"))
        box.add(*before)
        if content.member_name:
            box.add(self.member_line(content.member_name))
        title = self.t(content.title_line)
        if markup == "noscript_decoy":
            notice = f"Please enable JavaScript to read this page ({content.commitment_id})"
            box.add(el("noscript", {}, el("h1", {}, self.t(notice))))
        elif markup == "hidden_decoy":
            decoy = el("h1", {}, self.t(f"Loading commitment ({content.commitment_id})"))
            hidden: Attrs = {"hidden": None}
            if self.rng.random() < 0.5:
                hidden = {"style": "display: none"}
            box.add(el("div", hidden, decoy))
        if markup in ("h1", "noscript_decoy", "hidden_decoy"):
            box.add(el("h1", self.css("entry-title"), title))
        elif markup == "role_heading":
            box.add(el("div", {"role": "heading", "aria-level": "1"}, title))
        elif markup == "h1_spans":
            words = el("span", self.css("title"), self.t(content.title))
            ident = el("span", self.css("title-id"), self.t(f"({content.commitment_id})"))
            box.add(el("h1", {}, words, Text(" "), ident))
        elif markup == "div_title":
            box.add(el("div", self.css("page-title"), title))
        return box

    def member_line(self, name: str) -> El:
        href = f"{_prefix(self.content)}/members/{self.content.member_slug}/"
        link = el("a", {"href": href}, self.t(name))
        if self.layout.member_line == "link":
            return el("div", self.css("eyebrow"), link)
        if self.layout.member_line == "text":
            return el("p", self.css("member"), self.t(name))
        return el("p", {}, link)

    # -- blocks ------------------------------------------------------------------------------
    def blocks(self) -> list[El]:
        out = []
        blocks = self.content.blocks
        for index, block in enumerate(blocks):
            after_run = index > 0 and blocks[index - 1].run_together and self._inline_areas
            run_into = blocks[index + 1] if block.run_together else None
            out.append(self.block(block, show_heading=not after_run, run_into=run_into))
        return out

    @property
    def _inline_areas(self) -> bool:
        return self.layout.container not in ("components",)

    def block(self, block: Block, *, show_heading: bool, run_into: Block | None) -> El:
        container = self.layout.container
        if container == "mixed":
            container = self.rng.choice(_CONTAINERS)
        parts: list[Node] = []
        heading_id = self.new_id("h")
        heading = None
        if block.heading is not None and show_heading:
            level = self.level(block.level)
            heading = self.heading(block.heading, level, icon=block.info_icon, hid=heading_id)
        if heading is not None and not (container == "table" and block.fields):
            parts.append(heading)
        if block.fields:
            parts.extend(FieldWriter(self, container).fields(block, heading))
        if block.policy_areas:
            parts.append(self.policy_areas(block.policy_areas, run_into))
        return self.wrap(parts, block.heading if show_heading else None, heading_id)

    def wrap(self, parts: list[Node], label: str | None, heading_id: str) -> El:
        kind = self.layout.wrappers
        if kind == "none":
            return El(FRAGMENT, {}, list(parts))
        if kind == "section":
            return el("section", {}, *parts)
        if kind == "div":
            return el("div", self.css("card"), *parts)
        if kind == "labelled_section":
            if label is not None:
                return el("section", {"aria-labelledby": heading_id}, *parts)
            return el("section", {"aria-label": "Details"}, *parts)
        return el("div", self.css("card"), el("div", self.css("card-body"), *parts))

    def policy_areas(self, areas: tuple[str, ...], run_into: Block | None) -> El:
        links = [
            el("a", {"href": f"/policy-area/{slugify(area)}/"}, self.t(area)) for area in areas
        ]
        if not self._inline_areas:
            return el("div", self.css("terms"), *(el("div", {}, link) for link in links))
        if self.rng.random() < 0.3 and run_into is None:
            return el("ul", self.css("terms"), *(el("li", {}, link) for link in links))
        box = el("div", self.css("terms"), *self.separated(links))
        if run_into is not None and run_into.heading is not None:
            tail = el("span", self.css("section-head"), self.t(run_into.heading))
            box.add(tail)
        return box

    def separated(self, nodes: list[El]) -> list[Node]:
        separator = _SEPARATORS[self.layout.separator]
        out: list[Node] = []
        for index, node in enumerate(nodes):
            if index and separator:
                out.append(el("span", self.css("sep"), self.t(separator)))
            out.append(node)
        return out

    # -- prose and the member list ------------------------------------------------------------
    def prose(self, prose: Prose) -> El:
        heading_id = self.new_id("h")
        parts: list[Node] = []
        if prose.heading:
            parts.append(self.heading(prose.heading, self.section_level, hid=heading_id))
        subheadings = self.layout.prose_headings == "subheadings"
        # Sub-headings must read as parts of the prose: below its heading, or, where it has
        # none, below every heading of the fields it follows (at the same rank as one of them,
        # a reader would see a new section, not the description).
        below = self.section_level if prose.heading else max(self.section_level, self.sub_level)
        for paragraph in prose.paragraphs:
            if subheadings and _heading_like(paragraph):
                parts.append(self.heading(paragraph, min(6, below + 1)))
                continue
            lines: list[Node] = []
            for index, line in enumerate(paragraph.split("\n")):
                if index:
                    lines.append(el("br"))
                lines.append(self.t(line))
            parts.append(El("p", {}, lines))
        if (
            subheadings
            and not prose.heading
            and self.layout.wrappers in ("none", "labelled_section")
        ):
            # Prose with no heading of its own sits in a plain container: a labelled region
            # would give it a name the page does not show, and its first sub-heading would read
            # as that region's heading.
            return el("div", self.css("prose"), *parts)
        return self.wrap(parts, prose.heading, heading_id)

    def member_list(self, member_list: MemberList) -> El:
        heading_id = self.new_id("h")
        heading = self.heading(member_list.heading, self.section_level, hid=heading_id)
        style = self.rng.choice(("ol", "divs", "table"))
        entries: list[Node] = []
        for number, item in enumerate(member_list.items, start=1):
            href = f"{_prefix(self.content)}/members/{self.content.member_slug}/commitments/"
            link = el("a", {"href": f"{href}{item.commitment_id}/"}, self.t(item.title))
            star: list[Node] = []
            kind = self.layout.member_star
            if item.starred and kind == "text":
                star = [el("span", self.css("star"), self.t("Starred commitment")), Text(" ")]
            elif item.starred:
                icon = el("span", {"role": "img", "aria-label": "Starred commitment"}, Text("★"))
                if kind == "icon_in_link":  # the star drawn inside the title's link
                    link.children[:0] = [icon, Text(" ")]
                else:
                    star = [icon, Text(" ")]
            meta = self.t(f"{item.commitment_id}, {item.year}, {item.policy_area}")
            if style == "ol":
                entries.append(el("li", {}, *star, link, el("p", {}, meta)))
            elif style == "divs":
                title = el("div", self.css("item-title"), *star, link)
                entries.append(el("div", self.css("entry"), title, el("div", {}, meta)))
            else:
                cell = el("td", {}, self.t(f"{number}. "), *star, link, el("br"), meta)
                entries.append(el("tr", {}, cell))
        listing = {"ol": "ol", "divs": "div", "table": "table"}[style]
        return self.wrap([heading, el(listing, self.css("list"), *entries)], "x", heading_id)


def _heading_like(paragraph: str) -> bool:
    """A short one-line paragraph with no closing punctuation reads as a sub-heading."""
    return "\n" not in paragraph and len(paragraph) <= 60 and paragraph[-1:] not in ".:;!?,"


def flatten(nodes: list[Node]) -> list[Node]:
    """Fragments (parts with no wrapper element) spliced into their parents."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, El) and node.tag == FRAGMENT:
            out.extend(flatten(node.children))
        else:
            if isinstance(node, El):
                node.children = flatten(node.children)
            out.append(node)
    return out


def _prefix(content: PageContent) -> str:
    return "" if content.language == "en" else f"/{content.language}"
