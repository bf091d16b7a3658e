"""The main content of a commitment page in three semantic markups: ``p``, ``dl`` and ``table``.

Each writer turns one ``PageContent`` into the HTML inside ``<main>``. They differ only in tags;
a reader sees the same headings, labels and values in each. The ``soup`` markup lives in
``demosite.soup``.
"""

from __future__ import annotations

from collections.abc import Iterator

from demosite.content import Block, FieldShown, MemberList, PageContent, Prose
from demosite.htmlbits import attr, esc, lines_html, slugify, wrap_source


class Writer:
    """Shared structure and links; subclasses write the tags."""

    markup = ""

    def __init__(self, content: PageContent) -> None:
        self.content = content
        self.lang_prefix = "" if content.language == "en" else f"/{content.language}"

    # -- composition -------------------------------------------------------------------------
    def main(self) -> str:
        content = self.content
        parts = [self.title()]
        parts.extend(self.blocks())
        if content.description is not None:
            parts.append(self.prose(content.description, "description"))
        if content.status_summary is not None:
            parts.append(self.prose(content.status_summary, "status-summary"))
        if content.member_list is not None:
            parts.append(self.member_list(content.member_list))
        return "\n".join(part for part in parts if part)

    def blocks(self) -> Iterator[str]:
        for block in self.content.blocks:
            yield self.block(block)

    # -- links -------------------------------------------------------------------------------
    def member_href(self) -> str:
        return f"{self.lang_prefix}/members/{self.content.member_slug}/"

    def commitment_href(self, commitment_id: str) -> str:
        return f"{self.member_href()}commitments/{commitment_id}/"

    @staticmethod
    def link(href: str, text: str, css: str = "") -> str:
        css_attr = f' class="{attr(css)}"' if css else ""
        return f'<a href="{attr(href)}"{css_attr}>{esc(text)}</a>'

    def document_links(self, texts: tuple[str, ...]) -> str:
        return ", ".join(self.link(f"/documents/{slugify(t)}/", t) for t in texts)

    def area_links(self, areas: tuple[str, ...], separator: str = ", ") -> str:
        return separator.join(self.link(f"/policy-area/{slugify(a)}/", a) for a in areas)

    # -- values ------------------------------------------------------------------------------
    def value_html(self, field: FieldShown) -> str:
        if field.links:
            inner = self.document_links(field.links)
        elif field.items:
            inner = self.items_html(field.items)
        else:
            inner = esc(field.value)
        if field.doubled:
            inner = self.doubled_html(inner)
        if field.badge:
            inner = f'{inner} <span class="badge badge--starred">{esc(field.badge)}</span>'
        return inner

    def items_html(self, items: tuple[str, ...]) -> str:
        lis = "\n".join(f"  <li>{esc(item)}</li>" for item in items)
        return f"<ul>\n{lis}\n</ul>"

    def doubled_html(self, inner: str) -> str:
        return f'{inner} <span class="screen-reader-text">{inner}</span>'

    # -- parts each markup writes ------------------------------------------------------------
    def title(self) -> str:
        raise NotImplementedError

    def block(self, block: Block) -> str:
        raise NotImplementedError

    def prose(self, prose: Prose, css: str) -> str:
        heading = f"<h2>{esc(prose.heading)}</h2>\n" if prose.heading else ""
        paragraphs = "\n".join(f"<p>{lines_html(p)}</p>" for p in prose.paragraphs)
        return f'<section class="{css}">\n{heading}{paragraphs}\n</section>'

    def member_list(self, member_list: MemberList) -> str:
        items = []
        for item in member_list.items:
            star = '<span class="starred-label">Starred commitment</span> ' if item.starred else ""
            title = self.link(self.commitment_href(item.commitment_id), item.title)
            meta = f"{item.commitment_id}, {item.year}, {item.policy_area}"
            items.append(f"<li>{star}{title}\n  <p>{esc(meta)}</p></li>")
        body = "\n".join(items)
        heading = esc(member_list.heading)
        return (
            f'<section class="member-commitments">\n<h2>{heading}</h2>\n'
            f"<ol>\n{body}\n</ol>\n</section>"
        )


def _line_groups(fields: tuple[FieldShown, ...]) -> list[list[FieldShown]]:
    """Fields grouped so that a field that shares its line joins the previous one."""
    groups: list[list[FieldShown]] = []
    for field in fields:
        if field.shares_line and groups:
            groups[-1].append(field)
        else:
            groups.append([field])
    return groups


class ParagraphWriter(Writer):
    """Headings as <h2>/<h3>, pairs as <p><strong>Label:</strong> value</p>."""

    markup = "p"

    def title(self) -> str:
        content = self.content
        member = ""
        if content.member_name:
            link = self.link(self.member_href(), content.member_name)
            member = f'<p class="entry-member">{link}</p>\n'
        h1 = f'<h1 class="entry-title">{esc(content.title_line)}</h1>'
        return f'<header class="entry-header">\n{member}{h1}\n</header>'

    def heading(self, block: Block) -> str:
        if block.heading is None:
            return ""
        icon = ' <button type="button" class="info-icon" aria-label="More information">i</button>'
        icon = icon if block.info_icon else ""
        return f"<h{block.level}>{esc(block.heading)}{icon}</h{block.level}>"

    def block(self, block: Block) -> str:
        parts = [self.heading(block)]
        for group in _line_groups(block.fields):
            if group[0].items:
                parts.append(f"<p><strong>{esc(group[0].label)}:</strong></p>")
                parts.append(self.items_html(group[0].items))
                continue
            pairs = [f"<strong>{esc(f.label)}:</strong> {self.value_html(f)}" for f in group]
            parts.append("<p>" + "<br>\n".join(pairs) + "</p>")
        if block.policy_areas:
            parts.append(f'<p class="policy-areas">{self.area_links(block.policy_areas)}</p>')
        return "\n".join(part for part in parts if part)


class DefinitionListWriter(Writer):
    """Pairs as <dl><dt>Label:</dt><dd>value</dd></dl>; document titles as plain text."""

    markup = "dl"

    def title(self) -> str:
        content = self.content
        member = ""
        if content.member_name:
            member = self.link(self.member_href(), content.member_name, "member-link") + "\n"
        h1 = f"<h1>{esc(content.title_line)}</h1>"
        return f'<div class="commitment-head">\n{member}{h1}\n</div>'

    def document_links(self, texts: tuple[str, ...]) -> str:
        return esc(", ".join(texts))

    def doubled_html(self, inner: str) -> str:
        return (
            f'<span aria-hidden="true">{inner}</span> <span class="visually-hidden">{inner}</span>'
        )

    def block(self, block: Block) -> str:
        parts = []
        if block.heading is not None:
            icon = ' <span class="icon-info" aria-hidden="true">i</span>' if block.info_icon else ""
            parts.append(
                f'<h{block.level} class="section-title">{esc(block.heading)}{icon}</h{block.level}>'
            )
        if block.fields:
            rows = [
                f"  <dt>{esc(f.label)}:</dt>\n  <dd>{self.value_html(f)}</dd>" for f in block.fields
            ]
            parts.append('<dl class="facts">\n' + "\n".join(rows) + "\n</dl>")
        if block.policy_areas:
            parts.append(f'<div class="terms">{self.area_links(block.policy_areas)}</div>')
        return '<section class="block">\n' + "\n".join(parts) + "\n</section>"

    def member_list(self, member_list: MemberList) -> str:
        items = []
        for item in member_list.items:
            star = '<span class="star">Starred commitment</span> ' if item.starred else ""
            title = self.link(self.commitment_href(item.commitment_id), item.title)
            meta = esc(f"{item.commitment_id}, {item.year}, {item.policy_area}")
            items.append(
                f'<li><div class="item-title">{star}{title}</div>'
                f'<div class="item-meta">{meta}</div></li>'
            )
        heading = esc(member_list.heading)
        return f'<h2>{heading}</h2>\n<ol class="commitment-list">\n' + "\n".join(items) + "\n</ol>"


class TableWriter(Writer):
    """Pairs as table rows <tr><th>Label</th><td>value</td></tr>; sections as captions."""

    markup = "table"

    def title(self) -> str:
        content = self.content
        member = ""
        if content.member_name:
            member = (
                f'<div class="member">{self.link(self.member_href(), content.member_name)}</div>\n'
            )
        return f'<div class="page-title">\n{member}<h1>{esc(self.content.title_line)}</h1>\n</div>'

    def doubled_html(self, inner: str) -> str:
        return f"<span>{inner}</span> <span>{inner}</span>"

    def value_html(self, field: FieldShown) -> str:
        # Long plain values are broken over source lines, as hand-edited HTML often is.
        if field.links or field.items or field.doubled or field.badge:
            return super().value_html(field)
        return wrap_source(esc(field.value), indent="      ")

    def heading_text(self, block: Block) -> str:
        icon = ' <button class="tip" type="button">i</button>' if block.info_icon else ""
        return f"{esc(block.heading or '')}{icon}"

    def block(self, block: Block) -> str:
        if block.policy_areas or not block.fields:
            parts = (
                [f"<h{block.level}>{self.heading_text(block)}</h{block.level}>"]
                if block.heading
                else []
            )
            if block.policy_areas:
                parts.append(f"<p>{self.area_links(block.policy_areas)}</p>")
            return "\n".join(parts)
        caption = f"  <caption>{self.heading_text(block)}</caption>\n" if block.heading else ""
        rows = "\n".join(
            f'    <tr><th scope="row">{esc(f.label)}</th><td>{self.value_html(f)}</td></tr>'
            for f in block.fields
        )
        return f'<table class="commitment-data">\n{caption}  <tbody>\n{rows}\n  </tbody>\n</table>'

    def prose(self, prose: Prose, css: str) -> str:
        heading = f"<h2>{esc(prose.heading)}</h2>\n" if prose.heading else ""
        # The status summary is broken over source lines; the description is not, so that a
        # phrase of it can be found in its HTML as served.
        wrap = css == "status-summary"
        paragraphs = "\n".join(f"<p>{lines_html(p, wrap=wrap)}</p>" for p in prose.paragraphs)
        return f'<div class="{css}">\n{heading}{paragraphs}\n</div>'

    def member_list(self, member_list: MemberList) -> str:
        rows = []
        for number, item in enumerate(member_list.items, start=1):
            star = "Starred commitment " if item.starred else ""
            title = self.link(self.commitment_href(item.commitment_id), item.title)
            meta = esc(f"{item.commitment_id}, {item.year}, {item.policy_area}")
            rows.append(f"  <tr><td>{number}. {star}{title}<br>{meta}</td></tr>")
        heading = esc(member_list.heading)
        return f'<h2>{heading}</h2>\n<table class="member-list">\n' + "\n".join(rows) + "\n</table>"
