"""What a commitment page *shows*, in page order, independent of its HTML markup.

A ``PageContent`` is read from a hand-written TOML spec in ``demosite/content/`` (one per
reference rendering reproduced) or built by the synthetic generator; ``demosite.render`` turns
it into a full HTML document in one of several markups that all show the same thing.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import urlsplit

LANGUAGES = ("en", "es")


class ContentError(ValueError):
    """Raised when a content spec is malformed: an unknown key, a missing title, a field with
    two kinds of value, a run-together flag with no heading to run into."""


@dataclass(frozen=True, slots=True)
class FieldShown:
    """One ``Label: value`` pair as the page shows it."""

    label: str  # as shown, without its colon ("Action Plan", "Plan de ACCION")
    value: str = ""  # a plain value; "" with no links and no items is an empty value
    links: tuple[str, ...] = ()  # link texts, shown joined by ", "
    items: tuple[str, ...] = ()  # bullet list items
    doubled: bool = False  # a screen-reader duplicate repeats the value ("Marginal Marginal")
    badge: str | None = None  # badge text after the value ("Yes Starred")
    glossary: str | None = None  # glossary tooltip text hidden inside the label
    shares_line: bool = False  # follows the previous pair after a line break, not a new block
    invented: bool = False  # synthetic variant: this pair is not in the reference rendering

    @property
    def plain(self) -> str:
        """The value text without duplicate or badge: links joined by ", ", items by newlines."""
        if self.links:
            return ", ".join(self.links)
        if self.items:
            return "\n".join(self.items)
        return self.value

    @property
    def shown(self) -> str:
        """The value as a reader sees it, duplicate and badge included."""
        text = f"{self.plain} {self.plain}" if self.doubled else self.plain
        return f"{text} {self.badge}" if self.badge else text


@dataclass(frozen=True, slots=True)
class Block:
    """A heading (or its absence) and what follows it up to the next heading."""

    heading: str | None  # as shown, without the info icon ("Design"); None: no heading shown
    level: int = 2  # 2 for sections, 3 for sub-sections (At-a-Glance, Design...)
    info_icon: bool = False  # an "i" info icon (with a tooltip) follows the heading
    fields: tuple[FieldShown, ...] = ()
    policy_areas: tuple[str, ...] = ()  # the Policy Areas list, shown as comma-separated links
    # The list's last item and the next block's heading share one line, with no block boundary
    # between them ("Public ParticipationIRM Review").
    run_together: bool = False


@dataclass(frozen=True, slots=True)
class Prose:
    """The description or the IRM status summary: an optional heading and paragraphs."""

    heading: str | None
    paragraphs: tuple[str, ...]  # a "\n" inside a paragraph is a line break (<br>)


@dataclass(frozen=True, slots=True)
class ListedCommitment:
    """One item of the member's commitment list at the bottom of the page."""

    title: str
    commitment_id: str
    year: int
    policy_area: str
    starred: bool = False  # shown with the "Starred commitment" marker before the title


@dataclass(frozen=True, slots=True)
class MemberList:
    heading: str  # "Commitments" or "Mongolia's Commitments"
    items: tuple[ListedCommitment, ...]


@dataclass(frozen=True, slots=True)
class PageContent:
    """Everything a commitment page shows, in page order."""

    name: str  # "{ID}__{variant}", the spec's file name
    url: str  # as fetched, exactly
    language: str  # "en" or "es": the interface language
    title: str  # without " (ID)"
    commitment_id: str  # as the title shows it
    blocks: tuple[Block, ...]
    reference: str | None = None  # the reference rendering this reproduces
    html_title: str | None = None  # the <title> text; None: the page has no <title>
    survey_banner: bool = False
    member_name: str | None = None  # the member line above the title; None: not shown
    description: Prose | None = None
    status_summary: Prose | None = None
    member_list: MemberList | None = None

    @property
    def title_line(self) -> str:
        return f"{self.title} ({self.commitment_id})"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def member_slug(self) -> str:
        parts = [part for part in self.path.split("/") if part]
        return parts[parts.index("members") + 1]

    @property
    def variant(self) -> str:
        return self.name.split("__", 1)[1]

    def fields(self) -> Iterator[FieldShown]:
        for block in self.blocks:
            yield from block.fields

    def policy_areas(self) -> tuple[str, ...]:
        return tuple(area for block in self.blocks for area in block.policy_areas)


_FIELD_KEYS = {f.name for f in dataclasses.fields(FieldShown)}
_BLOCK_KEYS = {"heading", "level", "info_icon", "fields", "policy_areas", "run_together"}
_PAGE_KEYS = {
    "reference", "url", "language", "html_title", "survey_banner", "member_name", "title",
    "commitment_id", "blocks", "description", "status_summary", "member_list",
}  # fmt: skip


def _check_keys(where: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ContentError(f"{where}: unknown keys {sorted(unknown)}; allowed {sorted(allowed)}")


def _field(where: str, data: Mapping[str, Any]) -> FieldShown:
    _check_keys(where, data, _FIELD_KEYS)
    if "label" not in data:
        raise ContentError(f"{where}: a field needs a label")
    kinds = [k for k in ("value", "links", "items") if data.get(k)]
    if len(kinds) > 1:
        raise ContentError(f"{where}: a field has one kind of value, got {kinds}")
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return FieldShown(**values)


def _block(where: str, data: Mapping[str, Any]) -> Block:
    _check_keys(where, data, _BLOCK_KEYS)
    fields = tuple(_field(f"{where} field {i}", f) for i, f in enumerate(data.get("fields", [])))
    if fields and fields[0].shares_line:
        raise ContentError(f"{where}: the first field of a block cannot share a line")
    return Block(
        heading=data.get("heading"),
        level=int(data.get("level", 2)),
        info_icon=bool(data.get("info_icon", False)),
        fields=fields,
        policy_areas=tuple(data.get("policy_areas", ())),
        run_together=bool(data.get("run_together", False)),
    )


def _prose(data: Mapping[str, Any] | None) -> Prose | None:
    if data is None:
        return None
    return Prose(heading=data.get("heading"), paragraphs=tuple(data["paragraphs"]))


def _member_list(data: Mapping[str, Any] | None) -> MemberList | None:
    if data is None:
        return None
    items = tuple(
        ListedCommitment(
            title=i["title"],
            commitment_id=i["id"],
            year=int(i["year"]),
            policy_area=i["area"],
            starred=bool(i.get("starred", False)),
        )
        for i in data["items"]
    )
    return MemberList(heading=data["heading"], items=items)


def _check_run_together(name: str, blocks: tuple[Block, ...]) -> None:
    for index, block in enumerate(blocks):
        if not block.run_together:
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if not block.policy_areas or following is None or following.heading is None:
            raise ContentError(f"{name}: run_together needs a policy-area list and a next heading")


def content_from_dict(name: str, data: Mapping[str, Any]) -> PageContent:
    """Build a PageContent from a spec's parsed TOML; raises ContentError when malformed."""
    _check_keys(name, data, _PAGE_KEYS)
    try:
        blocks = tuple(_block(f"{name} block {i}", b) for i, b in enumerate(data["blocks"]))
        content = PageContent(
            name=name,
            reference=data.get("reference"),
            url=data["url"],
            language=data.get("language", "en"),
            html_title=data.get("html_title"),
            survey_banner=bool(data.get("survey_banner", False)),
            member_name=data.get("member_name"),
            title=data["title"],
            commitment_id=data["commitment_id"],
            blocks=blocks,
            description=_prose(data.get("description")),
            status_summary=_prose(data.get("status_summary")),
            member_list=_member_list(data.get("member_list")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ContentError(f"{name}: malformed content spec: {exc!r}") from exc
    if content.language not in LANGUAGES:
        raise ContentError(f"{name}: language {content.language!r} not in {LANGUAGES}")
    _check_run_together(name, blocks)
    return content


def _spec_files() -> list[Traversable]:
    folder = resources.files("demosite").joinpath("content")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def load_spec(file: Traversable) -> PageContent:
    name = file.name.removesuffix(".toml")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{name}: not valid TOML: {exc}") from exc
    return content_from_dict(name, data)


@cache
def content_specs() -> tuple[PageContent, ...]:
    """Every shipped content spec, sorted by name."""
    return tuple(load_spec(f) for f in _spec_files())


def content_spec(name: str) -> PageContent:
    for content in content_specs():
        if content.name == name:
            return content
    raise ContentError(f"no content spec named {name!r}")
