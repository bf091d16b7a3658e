"""Render a ``PageContent`` as a full HTML document in one of four markups.

All four markups show the same headings, labels and values, so they must parse to the same
record; they differ in tags (``p``, ``dl``, ``table``) or in everything but the text
(``soup``). Output is deterministic: the same content, markup and chrome give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from demosite.chrome import Chrome, Frame, RelatedLink, document, words
from demosite.content import PageContent
from demosite.markups import DefinitionListWriter, ParagraphWriter, TableWriter, Writer
from demosite.soup import SoupWriter

Markup = Literal["p", "dl", "table", "soup"]
MARKUPS: tuple[Markup, ...] = ("p", "dl", "table", "soup")

_WRITERS: dict[str, type[Writer]] = {
    "p": ParagraphWriter,
    "dl": DefinitionListWriter,
    "table": TableWriter,
    "soup": SoupWriter,
}


def render_main(content: PageContent, markup: Markup) -> str:
    """Only the article: what sits inside <main>."""
    try:
        writer = _WRITERS[markup]
    except KeyError:
        raise ValueError(f"markup must be one of {MARKUPS}, got {markup!r}") from None
    return writer(content).main()


def language_prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


def member_base(content: PageContent) -> str:
    return f"{language_prefix(content.language)}/members/{content.member_slug}/"


def commitment_frame(content: PageContent) -> Frame:
    w = words(content.language)
    base = member_base(content)
    member = content.member_name or content.member_slug.replace("-", " ").title()
    crumbs = (
        (w["home"], "/"),
        (w["members"], f"{language_prefix(content.language)}/our-members/"),
        (member, base),
        (w["commitments"], f"{base}#commitments"),
    )
    return Frame(
        name=content.name,
        path=content.path,
        language=content.language,
        html_title=content.html_title,
        headline=content.title_line,
        breadcrumb=crumbs,
        current=content.commitment_id,
        survey_banner=content.survey_banner,
    )


def default_related(content: PageContent) -> list[RelatedLink]:
    """Up to five other commitments from the page's own member list."""
    if content.member_list is None:
        return []
    base = member_base(content)
    others = [i for i in content.member_list.items if i.commitment_id != content.commitment_id]
    return [
        RelatedLink(f"{i.title} ({i.commitment_id})", f"{base}commitments/{i.commitment_id}/")
        for i in others[:5]
    ]


def render(
    content: PageContent,
    markup: Markup,
    *,
    chrome: Chrome = "light",
    related: Sequence[RelatedLink] = (),
) -> str:
    """The whole page: WordPress chrome around the content written in ``markup``.

    ``related`` fills the sidebar's links to other commitments; by default they come from
    the page's own member list.
    """
    links = list(related) or default_related(content)
    main = render_main(content, markup)
    return document(commitment_frame(content), main, chrome=chrome, related=links)
