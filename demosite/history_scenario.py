"""A small demo site whose commitments change between nights, for the history tables.

Night 1 serves six fixture pages (four members, markup ``p``). Generation 1 changes some:
MN0002's description, a first IRM report on GH0025 (it said "Pending IRM Review"), PAR0007's
status (Active to Inactive); removes MN0056 (its address answers 404); and adds GH0026 and
GH0027. Generation 2 brings MN0056 back as it was. Every value is what the fixture specs say,
so a test can write the rows the history must hold from this description and the specs.
"""

from __future__ import annotations

from dataclasses import replace

from demosite.content import Block, PageContent, Prose, content_spec
from demosite.generations import Generation, Remove, Rewrite
from demosite.pages import DemoPage
from demosite.render import render

SPECS = (
    "GH0025__t1_commitments_list_start",
    "GH0038__t3_results_report",
    "MN0002__t1_full_member_list",
    "MN0056__t1_www_no_headings",
    "PAR0007__t1_local_no_headings",
    "UK0093__t1_not_relevant",
)
NEW_DESCRIPTION = "Publish every public organisation's transparency indicators as open data."
NEW_REPORT = "Ghana Design Report 2017-2019"
ADDED = {"GH0026": "Open contracting for roads", "GH0027": "Beneficial ownership register"}
_NAMES = {"ghana": "Ghana", "mongolia": "Mongolia", "paris-france": "Paris, France",
          "united-kingdom": "United Kingdom"}  # fmt: skip


def page(content: PageContent) -> DemoPage:
    """The page that shows ``content``, in the ``p`` markup with light chrome."""
    return DemoPage(
        member_slug=content.member_slug,
        member_name=_NAMES[content.member_slug],
        commitment_id=content.commitment_id,
        title=content.title,
        html=render(content, "p", chrome="light"),
    )


def base_contents() -> dict[str, PageContent]:
    return {spec.split("__")[0]: content_spec(spec) for spec in SPECS}


def base_pages() -> list[DemoPage]:
    """Night 1: the six pages."""
    return [page(content) for content in base_contents().values()]


def with_field(content: PageContent, label: str, **shown: object) -> PageContent:
    """``content`` with the field labelled ``label`` showing something else."""

    def block(b: Block) -> Block:
        fields = tuple(
            replace(f, **shown) if f.label == label else f  # type: ignore[arg-type]
            for f in b.fields
        )
        return replace(b, fields=fields)

    return replace(content, blocks=tuple(block(b) for b in content.blocks))


def added(base: PageContent, commitment_id: str, title: str) -> PageContent:
    """A new commitment of ``base``'s member, shown like ``base``."""
    url = base.url.replace(base.commitment_id, commitment_id)
    return replace(
        base,
        name=f"{commitment_id}__added",
        url=url,
        title=title,
        commitment_id=commitment_id,
        html_title=f"{title} ({commitment_id}) | Commitment from Ghana",
    )


def generation(number: int) -> Generation:
    """The site on night ``number`` + 1 (0: the base pages)."""
    contents = base_contents()
    mn0002 = contents["MN0002"]
    assert mn0002.description is not None
    changes = (
        Rewrite(
            page(replace(mn0002, description=Prose(mn0002.description.heading, (NEW_DESCRIPTION,))))
        ),
        Rewrite(page(with_field(contents["GH0025"], "IRM Report", value="", links=(NEW_REPORT,)))),
        Rewrite(page(with_field(contents["PAR0007"], "Status", value="Inactive"))),
        Remove("MN0056"),
        *(Rewrite(page(added(contents["GH0025"], cid, title))) for cid, title in ADDED.items()),
    )
    if number == 0:
        return Generation(0)
    if number == 1:
        return Generation(1, changes)
    back = Rewrite(page(contents["MN0056"]))
    return Generation(number, (*changes, back))
