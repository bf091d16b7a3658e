"""The commitment content of a generated page: title, label/value blocks, policy areas,
description, status summary and member list, written in the markup a ``Layout`` draws.

Everything shown comes from the fixture spec (``demosite.content``); the layout only changes
how it is marked up. Field keys are looked up in the vocabulary file (data, not the parser) to
know which values a page may draw as graphics.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from demosite.content import Block, FieldShown, MemberList, PageContent, Prose
from demosite.htmlbits import slugify
from fuzz.dom import Attrs, El, Node, Text, el, text
from fuzz.layout import DIMENSIONS, Layout
from pipeline.vocab import default_vocabulary, key

_CONTAINERS = tuple(c for c in DIMENSIONS["container"] if c != "mixed")
_SEPARATORS = {"comma": ", ", "semicolon": "; ", "pipe": " | ", "bullet": " • ", "none": ""}
_LEVELS = {"2_3": (2, 3), "3_4": (3, 4), "2_2": (2, 2), "4_5": (4, 5)}
# Values a page may draw as a graphic with an accessible name (ratings, meters, stars).
_GRAPHIC_FIELDS = ("status", "potential_impact", "ambition", "completion", "early_results")
_TIPS = {
    "en": "Verifiable: whether the milestones can be checked. Completion: how far it got.",
    "es": "Verificable: si los hitos se pueden comprobar. Finalización: cuánto avanzó.",
}
_STAR_NAMES = {True: "Starred commitment", False: "Not starred"}
Groups = list[list[FieldShown]]  # fields of a block, those sharing a line grouped
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


class FieldWriter:
    """Label/value pairs of one block in one container style."""

    def __init__(self, article: Article, container: str) -> None:
        self.a = article
        self.container = container

    def label(self, field: FieldShown) -> list[Node]:
        a = self.a
        colon = ":" if a.layout.colon == "yes" else ""
        if field.glossary is None:
            return [a.t(f"{field.label}{colon}")]
        word, paren, rest = field.label.partition(" (")
        choices: list[Attrs] = [{"role": "tooltip", "hidden": None}, {"hidden": None}]
        hidden = a.rng.choice(choices)
        if a.layout.glossary == "css_hidden":
            # Hidden by a stylesheet only: its text is in the page, glued to the label, as the
            # text renderings of the newest pages show ("Action PlanAction plans are ...:").
            hidden = a.css("tooltip__text")
        tip = el("span", hidden, a.t(field.glossary))
        if not paren:
            return [a.t(word), tip, a.t(colon)]
        link = el("a", {"href": f"/glossary/{slugify(word)}/"}, a.t(f"({rest}"))
        return [a.t(word), tip, Text(" "), link, a.t(colon)]

    def field_key(self, field: FieldShown) -> str | None:
        found = self.a.vocab.match_label_line(field.label)
        return found.field if found else None

    def value_parts(self, field: FieldShown) -> list[list[Node]]:
        """The value as a list of separately marked-up values (one for a single value)."""
        a = self.a
        if field.links:
            href = "/documents/"
            return [[el("a", {"href": f"{href}{slugify(t)}/"}, a.t(t))] for t in field.links]
        if field.items:
            return [[a.t(item)] for item in field.items]
        key_name = self.field_key(field)
        if key_name == "ogp_values":
            parts = [p.strip() for p in field.value.split(",")]
            if len(parts) > 1 and all(self._is_ogp_value(p) for p in parts):
                return [[el("span", a.css("chip"), a.t(p))] for p in parts]
        return [self.single_value(field, key_name)]

    def _is_ogp_value(self, text_value: str) -> bool:
        return any(key(text_value) == phrase for phrase, _ in self.a.vocab.ogp_value_phrases)

    def single_value(self, field: FieldShown, key_name: str | None) -> list[Node]:
        a = self.a
        graphic = a.layout.graphics
        if key_name == "starred" and graphic != "none" and not field.doubled:
            category = a.vocab.category("starred", field.value)
            if category is not None:
                return [self.graphic(_STAR_NAMES[category == "Yes"])]
        if (
            key_name in _GRAPHIC_FIELDS
            and graphic != "none"
            and field.value
            and a.vocab.category(key_name, field.value) is not None
        ):
            return [self.graphic(field.value)]
        if not field.value:
            if a.rng.random() < 0.5:
                return [el("svg", {"aria-hidden": "true", "class": "meter"}, el("rect"))]
            return []
        nodes: list[Node] = [a.t(field.value)]
        closed = key_name in a.vocab.closed_fields()
        if field.doubled or (closed and a.layout.sr_text == "duplicate"):
            shown = el("span", {"aria-hidden": "true"}, a.t(field.value))
            nodes = [shown, Text(" "), el("span", a.css("sr-only"), a.t(field.value))]
        elif closed and a.layout.sr_text == "sr_only_value":
            icon = el("span", {"class": "icon", "aria-hidden": "true"})
            nodes = [icon, el("span", a.css("visually-hidden"), a.t(field.value))]
        if field.badge:
            nodes += [Text(" "), el("span", a.css("badge"), a.t(field.badge))]
        return nodes

    def graphic(self, name: str) -> El:
        a = self.a
        kind = a.layout.graphics
        if kind == "img_alt":
            return el("img", {"src": f"/icons/{slugify(name)}.svg", "alt": name})
        if kind == "role_img":
            return el("span", {"role": "img", "aria-label": name, **a.css("rating")}, Text("★"))
        if kind == "meter":
            bar = el("span", {"style": "width: 50%"})
            attrs = {"role": "meter", "aria-valuenow": "2", "aria-valuemin": "0"}
            return el("span", {**attrs, "aria-valuemax": "4", "aria-valuetext": name}, bar)
        if kind == "progressbar":
            if a.rng.random() < 0.5:
                return el("progress", {"value": "3", "max": "4", "aria-label": name}, Text("75%"))
            attrs = {"role": "progressbar", "aria-valuenow": "75", "aria-valuetext": name}
            return el("span", attrs, el("span", {"style": "width: 75%"}))
        return el("svg", {"role": "img", "viewBox": "0 0 40 8"}, el("title", {}, a.t(name)))

    # -- containers --------------------------------------------------------------------------
    def fields(self, block: Block, heading: El | None) -> list[Node]:
        groups: list[list[FieldShown]] = []
        for field in block.fields:
            if field.shares_line and groups:
                groups[-1].append(field)
            else:
                groups.append([field])
        writer = getattr(self, f"_{self.container}")
        return list(writer(groups, heading))

    def inline_value(self, field: FieldShown) -> list[Node]:
        parts = self.value_parts(field)
        if field.items:
            return [self.item_list(field)]
        if len(parts) == 1:
            return parts[0]
        wrapped = [
            el("span", {}, *p) if len(p) != 1 or isinstance(p[0], Text) else p[0] for p in parts
        ]
        return self.a.separated([w for w in wrapped if isinstance(w, El)])

    def item_list(self, field: FieldShown) -> El:
        a = self.a
        if a.layout.separator == "bullet":
            return el("div", {}, *(el("div", {}, a.t(f"• {item}")) for item in field.items))
        return el("ul", a.css("list"), *(el("li", {}, a.t(item)) for item in field.items))

    def _p_strong(self, groups: Groups, heading: El | None) -> Iterator[Node]:
        for group in groups:
            if group[0].items:
                yield el("p", {}, el("strong", {}, *self.label(group[0])))
                yield self.item_list(group[0])
                continue
            line: list[Node] = []
            for index, field in enumerate(group):
                if index:
                    line.append(el("br"))
                line += [el("strong", {}, *self.label(field)), Text(" "), *self.inline_value(field)]
            yield El("p", {}, line)

    def _dl(self, groups: Groups, heading: El | None) -> Iterator[Node]:
        rows: list[Node] = []
        for field in (f for g in groups for f in g):
            rows += [el("dt", {}, *self.label(field)), el("dd", {}, *self.inline_value(field))]
        yield el("dl", self.a.css("facts"), *rows)

    def _table(self, groups: Groups, heading: El | None) -> Iterator[Node]:
        rows = [
            el(
                "tr",
                {},
                el("th", {"scope": "row"}, *self.label(f)),
                el("td", {}, *self.inline_value(f)),
            )
            for g in groups
            for f in g
        ]
        parts: list[Node] = []
        if heading is not None:
            if self.a.rng.random() < 0.5:
                parts.append(el("caption", {}, *_heading_text(heading)))
            else:
                yield heading
        yield el("table", self.a.css("data"), *parts, el("tbody", {}, *rows))

    def _soup(self, groups: Groups, heading: El | None) -> Iterator[Node]:
        a = self.a
        for group in groups:
            pairs: list[Node] = []
            for index, field in enumerate(group):
                if index:
                    pairs.append(el("br"))
                key_span = el("span", a.css("k"), *self.label(field))
                pairs += [key_span, Text(" "), el("span", a.css("v"), *self.inline_value(field))]
            yield el("div", a.css("row"), *pairs)

    def _components(self, groups: Groups, heading: El | None) -> Iterator[Node]:
        a = self.a
        wrap = a.rng.random() < 0.6
        for field in (f for g in groups for f in g):
            label = el("div", a.css("field-label"), *self.label(field))
            items = [el("div", a.css("field-item"), *part) for part in self.value_parts(field)]
            if wrap:
                yield el("div", a.css("field"), label, el("div", a.css("field-items"), *items))
            else:
                yield label
                yield from items

    def _label_output(self, groups: Groups, heading: El | None) -> Iterator[Node]:
        a = self.a
        for field in (f for g in groups for f in g):
            label = el("label", {}, *self.label(field))
            output = el("output", {}, *self.inline_value(field))
            yield el("div", a.css("field"), label, Text(" "), output)

    def _aria_table(self, groups: Groups, heading: El | None) -> Iterator[Node]:
        a = self.a
        rows = [
            el(
                "div",
                {"role": "row"},
                el("span", {"role": "rowheader"}, *self.label(f)),
                Text(" "),
                el("span", {"role": "cell"}, *self.inline_value(f)),
            )
            for g in groups
            for f in g
        ]
        yield el("div", {"role": "table", **a.css("table")}, *rows)

    def _aria_terms(self, groups: Groups, heading: El | None) -> Iterator[Node]:
        a = self.a
        for field in (f for g in groups for f in g):
            term = el("div", {"role": "term"}, *self.label(field))
            definition = el("div", {"role": "definition"}, *self.inline_value(field))
            yield el("div", a.css("pair"), term, definition)


def _heading_text(heading: El) -> list[Node]:
    """The children of a heading, for a table caption."""
    node: El = heading
    while (
        node.tag in ("div", "span") and len(node.children) == 1 and isinstance(node.children[0], El)
    ):
        node = node.children[0]
    return list(node.children)
