"""The ``soup`` markup: <div>/<span> nesting with invented, per-page class names.

No h1-h6 but the title; headings are styled divs and spans. It carries the quirks that the text
renderings of real pages hint at: info icons with tooltip text beside Design/Implementation,
screen-reader duplicates of values, glossary tooltips inside labels, badge text after a value,
graphics where a value is empty, and a policy-area list that runs into the next heading.
"""

from __future__ import annotations

from collections.abc import Iterator

from demosite.content import Block, FieldShown, MemberList, PageContent, Prose
from demosite.htmlbits import esc, lines_html, pick, slugify
from demosite.markups import Writer

_PREFIXES = ("ogp", "cmt", "c-card", "wp-block-ogp", "tw", "x-commit")
_ROLES = {
    "hero": ("hero", "masthead", "banner", "top"),
    "eyebrow": ("eyebrow", "kicker", "member", "pre-title"),
    "title": ("title", "headline", "name", "page-title"),
    "card": ("card", "box", "panel", "tile", "group"),
    "heading": ("card-title", "section-head", "label-lg", "caption", "hdr"),
    "row": ("row", "kv", "line", "item", "pair"),
    "key": ("k", "key", "term", "lbl", "field-name"),
    "val": ("v", "val", "data", "desc", "field-value"),
    "tags": ("tags", "chips", "terms", "taxonomy"),
    "prose": ("body", "text", "rich", "content", "copy"),
    "para": ("para", "block", "txt", "p"),
    "list": ("list", "grid", "stack", "items"),
    "meta": ("meta", "sub", "details", "info"),
}

# Text of the info icons beside "Design" and "Implementation". It names labels on purpose: if
# it leaked into the visible text, a parser would see "Verifiable:" twice.
DESIGN_TIP = (
    "Verifiable: whether the milestones can be checked. Relevant to OGP Values: whether the "
    "commitment opens government. Potential Impact: what it could change if fully implemented."
)
# The site draws some values as graphics; where the text is empty, a graphic stands in.
_EMPTY_GRAPHIC = (
    '<svg class="meter" aria-hidden="true" viewBox="0 0 40 8"><rect width="40" height="8"/></svg>'
)
IMPLEMENTATION_TIP = "Completion: how far the commitment was implemented, as the IRM assessed it."


class SoupWriter(Writer):
    markup = "soup"

    def __init__(self, content: PageContent) -> None:
        super().__init__(content)
        prefix = pick(content.name, _PREFIXES)
        self.css = {
            role: f"{prefix}-{pick(content.name + role, names)}" for role, names in _ROLES.items()
        }
        self._tips = 0

    def title(self) -> str:
        css, content = self.css, self.content
        member = ""
        if content.member_name:
            link = self.link(self.member_href(), content.member_name)
            member = f'  <div class="{css["eyebrow"]}">{link}</div>\n'
        cid = f'<span class="{css["title"]}-id">({esc(content.commitment_id)})</span>'
        h1 = f'<h1 class="{css["title"]}">{esc(content.title)} {cid}</h1>'
        return f'<div class="{css["hero"]}">\n{member}  {h1}\n</div>'

    def blocks(self) -> Iterator[str]:
        blocks = self.content.blocks
        for index, block in enumerate(blocks):
            after_run = index > 0 and blocks[index - 1].run_together
            run_into = blocks[index + 1] if block.run_together else None
            yield self.soup_block(block, show_heading=not after_run, run_into=run_into)

    def block(self, block: Block) -> str:
        return self.soup_block(block, show_heading=True, run_into=None)

    def heading(self, block: Block, *, inline: bool = False) -> str:
        css = self.css["heading"]
        text = f"<span>{esc(block.heading or '')}</span>"
        # The space keeps "Design i" apart for extractors that do show the icon's "i".
        icon = " " + self.info_icon() if block.info_icon else ""
        tag = "span" if inline else "div"
        return f'<{tag} class="{css} {css}--{block.level}">{text}{icon}</{tag}>'

    def info_icon(self) -> str:
        self._tips += 1
        tip_id = f"tip-{self._tips}"
        button = f'<button type="button" class="i-btn" aria-describedby="{tip_id}">i</button>'
        # One tooltip is marked by its role, the other by the hidden attribute: both mean
        # "not content", and a parser must honour each on its own.
        if self._tips % 2:
            return (
                f'{button}<span id="{tip_id}" role="tooltip" class="tip">{esc(DESIGN_TIP)}</span>'
            )
        return f'{button}<div id="{tip_id}" hidden class="tip">{esc(IMPLEMENTATION_TIP)}</div>'

    def soup_block(self, block: Block, *, show_heading: bool, run_into: Block | None) -> str:
        css = self.css
        parts = [f'<div class="{css["card"]}">']
        if show_heading and block.heading is not None:
            parts.append(self.heading(block))
        parts.extend(self.rows(block.fields))
        if block.policy_areas:
            sep = f'<span class="{css["tags"]}-sep">, </span>'
            areas = self.area_links(block.policy_areas, separator=sep)
            tail = self.heading(run_into, inline=True) if run_into is not None else ""
            parts.append(f'<div class="{css["tags"]}">{areas}{tail}</div>')
        parts.append("</div>")
        return "\n".join(parts)

    def rows(self, fields: tuple[FieldShown, ...]) -> Iterator[str]:
        pending: list[str] = []
        for field in fields:
            pair = self.pair(field)
            if field.shares_line and pending:
                pending.append(pair)
                continue
            if pending:
                yield self.row(pending)
            pending = [pair]
        if pending:
            yield self.row(pending)

    def row(self, pairs: list[str]) -> str:
        return f'<div class="{self.css["row"]}">' + "<br>".join(pairs) + "</div>"

    def pair(self, field: FieldShown) -> str:
        css = self.css
        value = self.value_html(field)
        if not field.shown:
            value = _EMPTY_GRAPHIC
        key = f'<span class="{css["key"]}">{self.label_html(field)}:</span>'
        return f'{key} <span class="{css["val"]}">{value}</span>'

    def label_html(self, field: FieldShown) -> str:
        if field.glossary is None:
            return esc(field.label)
        word, paren, rest = field.label.partition(" (")
        tip = f'<span role="tooltip" hidden>{esc(field.glossary)}</span>'
        if not paren:
            return f"{esc(word)}{tip}"
        glossary_href = f"/glossary/{slugify(word)}/"
        return f'{esc(word)}{tip} <a href="{glossary_href}">({esc(rest)}</a>'

    def items_html(self, items: tuple[str, ...]) -> str:
        lis = "".join(f"<li>{esc(item)}</li>" for item in items)
        return f'<ul class="{self.css["list"]}">{lis}</ul>'

    def doubled_html(self, inner: str) -> str:
        return f'<span aria-hidden="true">{inner}</span> <span class="sr-only">{inner}</span>'

    def prose(self, prose: Prose, css: str) -> str:
        classes = self.css
        parts = [f'<div class="{classes["card"]} {css}">']
        if prose.heading:
            parts.append(
                f'<div class="{classes["heading"]}"><span>{esc(prose.heading)}</span></div>'
            )
        paragraphs = "".join(
            f'<div class="{classes["para"]}">{lines_html(p)}</div>' for p in prose.paragraphs
        )
        parts.append(f'<div class="{classes["prose"]}">{paragraphs}</div>')
        parts.append("</div>")
        return "\n".join(parts)

    def member_list(self, member_list: MemberList) -> str:
        css = self.css
        items = []
        for number, item in enumerate(member_list.items, start=1):
            star = (
                f'<span class="{css["meta"]}-star">Starred commitment</span> '
                if item.starred
                else ""
            )
            title = self.link(self.commitment_href(item.commitment_id), item.title)
            meta = (
                f'<div class="{css["meta"]}"><span>{esc(item.commitment_id)}</span>, '
                f"<span>{item.year}</span>, <span>{esc(item.policy_area)}</span></div>"
            )
            number_span = f'<span class="{css["list"]}-n">{number}.</span> '
            items.append(f'<div class="{css["list"]}-entry">{number_span}{star}{title}{meta}</div>')
        heading = f'<div class="{css["heading"]}"><span>{esc(member_list.heading)}</span></div>'
        return f'<div class="{css["list"]}">\n{heading}\n' + "\n".join(items) + "\n</div>"
