"""Label/value pairs of one block of a generated page, in one container style: ``p`` and
``strong``, ``dl``, ``table``, ``div``/``span`` soup, field components (a label element, then one
element per value), ``label``/``output``, and ARIA roles (table rows, terms and definitions);
values as text, links, chips, list items, screen-reader duplicates or graphics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from demosite.content import Block, FieldShown
from demosite.htmlbits import slugify
from fuzz.dom import Attrs, El, Node, Text, el
from pipeline.vocab import key

if TYPE_CHECKING:
    from fuzz.article import Article

# Values a page may draw as a graphic with an accessible name (ratings, meters, stars).
_GRAPHIC_FIELDS = ("status", "potential_impact", "ambition", "completion", "early_results")
_STAR_NAMES = {True: "Starred commitment", False: "Not starred"}
Groups = list[list[FieldShown]]  # fields of a block, those sharing a line grouped


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
