"""Visible lines to page regions: the labelled fields, the policy-area block, the description,
the IRM status summary and the member's commitment list.

A small state machine over the lines that follow the commitment title. It keys on headings
and "Label:" texts from the vocabulary, on the structural kind of a line (a heading and its
rank, a ``dt``/``th`` label cell, a ``dd``/``td`` value cell, a list item) and on the breaks
where a landmark or labelled region starts or ends, never on markup details.

A section ends where a reader sees it end: at a heading of the same or higher rank than its
own (any heading, when it has none), at a break, or at the footer. A heading the vocabulary
does not know starts an unknown section: it is reported, and its text is never absorbed
into a field or the description.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.transform.htmltext import PIECE, REGION_START, UNRANKED, Line, PageText
from pipeline.transform.labels import (
    TEXT_SECTIONS,
    FieldReader,
    RawField,
)
from pipeline.transform.limits import CHECK_EVERY, NO_DEADLINE, Deadline
from pipeline.vocab import Vocabulary

__all__ = ["RawField", "Regions", "clean_heading", "scan_regions"]


@dataclass
class Regions:
    fields: list[RawField] = field(default_factory=list)
    description: list[Line] = field(default_factory=list)
    summary: list[Line] = field(default_factory=list)
    member_heading: str | None = None
    member_lines: list[Line] = field(default_factory=list)
    unknown_headings: list[str] = field(default_factory=list)
    stray_lines: list[str] = field(default_factory=list)  # text between title and first label


def clean_heading(text: str) -> str:
    """A heading as shown, without the info icon rendered as a trailing "i"."""
    return text[:-2].rstrip() if text.endswith(" i") else text


def _raw_without_tail(raw: str, tail: str) -> str | None:
    """A line's raw text without the heading run into its end (its own text node, or the
    end of the last one), so the values before it keep their element boundaries."""
    pieces = raw.split(PIECE)
    while pieces and not pieces[-1].strip():
        pieces.pop()
    if not pieces:
        return None
    last = pieces[-1].rstrip()
    if " ".join(last.split()) == tail:
        return PIECE.join(pieces[:-1])
    if last.endswith(tail):
        return PIECE.join([*pieces[:-1], last[: -len(tail)]])
    return None


class _Scanner(FieldReader):
    def __init__(
        self, page: PageText, lines: tuple[Line, ...], start: int, vocab: Vocabulary
    ) -> None:
        super().__init__(page, lines, start, vocab)
        self.state = "fields"  # fields, policy, unknown, description, summary, members, after
        self.heading: str | None = None
        self.heading_section: str | None = None
        self.section_level = UNRANKED  # rank of the heading that opened a text section
        self.heading_level = UNRANKED  # rank of the last known section heading of the fields
        self.policy_lines: list[Line] = []
        self.policy_heading: str | None = None
        self.seen_label = False
        self.region_starts = False  # the line before was the start of a labelled region
        self.out = Regions()

    def run(self, deadline: Deadline) -> Regions:
        steps = 0
        while self.i < len(self.lines) and self.state != "done":
            steps += 1
            if not steps & (CHECK_EVERY - 1):
                deadline.check()
            line = self.lines[self.i]
            if line.kind == "break":
                self._break()
                self.i += 1
                self.region_starts = line.raw == REGION_START
                continue
            elif line.kind == "end" or self.vocab.is_footer(line.text):
                self._close_policy()
                self.state = "done"
            elif self.state in ("fields", "policy", "unknown"):
                self._in_fields(line)
            else:
                self._in_text(line)
            self.region_starts = False
        self._close_policy()
        return self.out

    def _break(self) -> None:
        """A landmark or labelled region started or ended: whatever section was open ends
        (the fields region goes on: its labels say where each field is)."""
        if self.state == "policy":
            self._close_policy()
            self.state = "fields"
        elif self.state == "unknown":
            self.state = "fields"
        elif self.state in ("description", "summary", "members"):
            self.state = "after"

    # -- headings ---------------------------------------------------------------------------
    def _enter_heading(self, section: str, line: Line) -> None:
        self._close_policy()
        shown = line.text
        self.heading, self.heading_section = clean_heading(shown), section
        self.state = TEXT_SECTIONS.get(section, "fields")
        if section == "policy_areas":
            self.state = "policy"
            self.policy_heading = self.heading
        elif section == "member_commitments":
            self.out.member_heading = shown
        level = line.level if line.kind == "heading" else UNRANKED
        if self.state in ("description", "summary", "members"):
            self.section_level = level
        elif level < UNRANKED:  # a caption or a bare line names its block but has no rank
            self.heading_level = level
        self.i += 1

    def _unknown_heading(self, line: Line) -> None:
        self._close_policy()
        self.out.unknown_headings.append(line.text)
        # heading_level stays the last known section's: an unknown section (a carousel's
        # slides, a related-content block) sets no rank for what follows it.
        self.heading, self.heading_section = clean_heading(line.text), None
        self.state = "fields" if self._next_is_label() else "unknown"
        self.i += 1

    def _close_policy(self) -> None:
        if self.policy_heading is None:
            return
        self.out.fields.append(
            RawField(
                self.policy_heading,
                "policy_areas",
                tuple(self.policy_lines),
                self.policy_heading,
                "policy_areas",
            )
        )
        self.policy_heading, self.policy_lines = None, []

    # -- the fields region --------------------------------------------------------------------
    def _in_fields(self, line: Line) -> None:
        section = self.vocab.heading(line.text)
        if section is not None:
            self._enter_heading(section, line)
            return
        if line.kind not in ("label", "value"):
            glued = self.vocab.split_glued_heading(line.text)
            if glued is not None:
                self._split_line(line, glued)
                return
        if self._take_label(line):
            return
        if line.kind == "heading":
            if self._starts_description(line):
                self._start_description()  # at a sub-heading of the prose
            else:
                self._unknown_heading(line)
        elif self.state == "policy":
            self.policy_lines.append(line)
            self.i += 1
        elif self.state == "unknown":
            self.i += 1  # the text of an unknown section belongs to no field
        elif self.seen_label and not self._labels_follow():
            self._start_description()
        else:
            self.out.stray_lines.append(line.text)
            self.i += 1

    def _split_line(self, line: Line, glued: tuple[str, str]) -> None:
        before, heading = glued
        raw_before = _raw_without_tail(line.raw, heading) or before
        self.lines = (
            *self.lines[: self.i],
            Line(
                before,
                line.kind,
                line.group,
                line.block,
                line.soft,
                line.in_item,
                UNRANKED,
                raw_before,
            ),
            Line(heading, "heading", -1, line.block, False, False),
            *self.lines[self.i + 1 :],
        )

    def _take_label(self, line: Line) -> bool:
        found = self._label_of(self.i)
        if found is None:
            return False
        label, field_key, rest, rest_raw = found
        if field_key is None and self.state == "unknown" and line.kind != "label":
            return False  # "X: y" inside an unknown section is its text, not a field
        start = self.i
        self.i = self._after_group(self.i) if line.kind == "label" else self.i + 1
        value = (
            [Line(rest, "text", -1, line.block, False, False, UNRANKED, rest_raw)]
            if rest
            else self._value(field_key, line, colon=":" in line.text)
        )
        if field_key is None and not self._plausible_unknown(line):
            self.i = start
            return False
        section = self.vocab.section_of(field_key) if field_key else self.heading_section
        if self.state in ("policy", "unknown"):
            self._close_policy()
            self.state = "fields"
        self.out.fields.append(RawField(label, field_key, tuple(value), self.heading, section))
        self.seen_label = True
        return True

    def _start_description(self) -> None:
        """No Description heading: the prose after the fields starts here, and it ends at a
        heading ranked like the section it follows, or higher."""
        self._close_policy()
        self.state = "description"
        self.section_level = self.heading_level

    def _starts_description(self, line: Line) -> bool:
        """An unknown heading ranked below the section it sits in (not the first heading of a
        new region), over prose and with no label after it, is a sub-heading of a description
        that has no heading of its own."""
        return (
            self.seen_label
            and not self.region_starts  # a region's first heading heads the region
            and self.state != "unknown"
            and line.level > self.heading_level
            and not self._next_is_label()
            and not self._labels_follow()
        )

    def _in_text(self, line: Line) -> None:
        section = self.vocab.heading(line.text)
        if line.kind == "heading" and line.level <= self.section_level and self.state != "after":
            # A heading of the same or higher rank: the section is over.
            self.state = "after"
            if section is None:
                self.out.unknown_headings.append(line.text)
                self.i += 1
            return
        if section in TEXT_SECTIONS and section != "description" and self.state != "members":
            self._enter_heading(section, line)
            return
        if self.state == "after":
            if section == "description" and not self.out.description:
                self._enter_heading(section, line)
                return
            if section is None and line.kind == "heading" and line.level <= self.section_level:
                self.out.unknown_headings.append(line.text)  # another section of its rank
            self.i += 1
            return
        {
            "description": self.out.description,
            "summary": self.out.summary,
            "members": self.out.member_lines,
        }[self.state].append(line)
        self.i += 1


def scan_regions(
    page: PageText, start: int, vocab: Vocabulary, deadline: Deadline = NO_DEADLINE
) -> Regions:
    """Regions of the page from the line after the title onwards."""
    return _Scanner(page, page.lines, start, vocab).run(deadline)
