"""Visible lines to page regions: the labelled fields, the policy-area block, the description,
the IRM status summary and the member's commitment list.

A small state machine over the lines that follow the commitment title. It keys on headings
and "Label:" texts from the vocabulary, and on the structural kind of a line (a ``dt``/``th``
label cell, a ``dd``/``td`` value cell, a list item), never on markup details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.transform.htmltext import Line
from pipeline.transform.values import recognises
from pipeline.vocab import Vocabulary

# An unknown "Label: value": a short capitalised label of at most six words, no sentence
# punctuation in it (so "What is the problem?: ..." prose is not mistaken for a label).
_UNKNOWN_LABEL = re.compile(r"^(?P<label>[^\W\d_][^:.?!]{0,58}?)\s*:\s*(?P<rest>.*)$")
_MAX_UNKNOWN_LABEL_WORDS = 6
_MAX_UNKNOWN_VALUE = 200  # longer text after "X:" is prose, not a field value
_MAX_FREE_VALUE = 600  # a free-text value on its own line (long support-institution lists fit)
_SECTION_STATES = {
    "description": "description",
    "irm_status_summary": "summary",
    "member_commitments": "members",
    "policy_areas": "policy",
}


@dataclass(frozen=True, slots=True)
class RawField:
    """A label and its value lines, before any interpretation."""

    label: str  # as shown, without colon
    field: str | None  # canonical field key, None for an unknown label
    lines: tuple[Line, ...]  # the value's lines ("" value: no lines)
    heading: str | None  # nearest heading above, as shown, info icon removed
    heading_section: str | None


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


class _Scanner:
    def __init__(self, lines: tuple[Line, ...], start: int, vocab: Vocabulary) -> None:
        self.lines, self.i, self.vocab = lines, start, vocab
        self.state = "fields"
        self.heading: str | None = None
        self.heading_section: str | None = None
        self.policy_lines: list[Line] = []
        self.policy_heading: str | None = None
        self.seen_label = False
        self.out = Regions()

    def run(self) -> Regions:
        while self.i < len(self.lines) and self.state != "done":
            line = self.lines[self.i]
            if self.vocab.is_footer(line.text):
                self._close_policy()
                self.state = "done"
            elif self.state in ("fields", "policy"):
                self._in_fields(line)
            else:
                self._in_text(line)
        self._close_policy()
        return self.out

    # -- headings ---------------------------------------------------------------------------
    def _enter_heading(self, section: str, shown: str) -> None:
        self._close_policy()
        self.heading, self.heading_section = clean_heading(shown), section
        self.state = _SECTION_STATES.get(section, "fields")
        if section == "policy_areas":
            self.policy_heading = self.heading
        elif section == "member_commitments":
            self.out.member_heading = shown
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
            self._enter_heading(section, line.text)
            return
        if line.kind not in ("label", "value"):
            glued = self.vocab.split_glued_heading(line.text)
            if glued is not None:
                self._split_line(line, glued)
                return
        if self._take_label(line):
            return
        if self.state == "policy":
            self.policy_lines.append(line)
            self.i += 1
        elif line.kind == "heading" and self._next_is_label():
            self.out.unknown_headings.append(line.text)
            self.heading, self.heading_section = clean_heading(line.text), None
            self.i += 1
        elif self.seen_label:
            self.state = "description"  # no Description heading: the prose starts here
        else:
            self.out.stray_lines.append(line.text)
            self.i += 1

    def _split_line(self, line: Line, glued: tuple[str, str]) -> None:
        before, heading = glued
        replaced = list(self.lines)
        replaced[self.i : self.i + 1] = [
            Line(before, line.kind, line.group, line.block, line.soft, line.in_item),
            Line(heading, "heading", -1, line.block, False, False),
        ]
        self.lines = tuple(replaced)

    def _take_label(self, line: Line) -> bool:
        found = self._label_of(self.i)
        if found is None:
            return False
        label, field_key, rest = found
        start = self.i
        self.i = self._after_group(self.i) if line.kind == "label" else self.i + 1
        value = (
            [Line(rest, "text", -1, line.block, False, False)] if rest else self._value(field_key)
        )
        if field_key is None and not self._plausible_unknown(line):
            self.i = start
            return False
        section = self.vocab.section_of(field_key) if field_key else self.heading_section
        if self.state == "policy":
            self._close_policy()
            self.state = "fields"
        self.out.fields.append(RawField(label, field_key, tuple(value), self.heading, section))
        self.seen_label = True
        return True

    def _label_of(self, index: int) -> tuple[str, str | None, str] | None:
        line = self.lines[index]
        text = self._group_text(index) if line.kind == "label" else line.text
        known = self.vocab.match_label_line(text)
        if known is not None:
            return known.label, known.field, known.rest
        if line.kind == "label":
            return text.rstrip(":").strip(), None, ""
        match = _UNKNOWN_LABEL.match(text)
        if match is None or len(match["label"].split()) > _MAX_UNKNOWN_LABEL_WORDS:
            return None
        if len(match["rest"]) > _MAX_UNKNOWN_VALUE:
            return None
        return match["label"].strip(), None, match["rest"].strip()

    def _plausible_unknown(self, line: Line) -> bool:
        """An unknown "X: y" line is a field only among other fields (a dt/th cell always is);
        otherwise it is the first line of a description that has no heading."""
        if line.kind == "label":
            return True
        if self.i >= len(self.lines):
            return False
        following = self.lines[self.i]
        return self.vocab.heading(following.text) is not None or (
            self.vocab.match_label_line(following.text) is not None
        )

    def _group_text(self, index: int) -> str:
        end = self._after_group(index)
        return " ".join(line.text for line in self.lines[index:end] if line.text)

    def _after_group(self, index: int) -> int:
        group = self.lines[index].group
        end = index + 1
        while end < len(self.lines) and group != -1 and self.lines[end].group == group:
            end += 1
        return end

    def _value(self, field_key: str | None) -> list[Line]:
        """The value of a label shown with nothing after its colon."""
        if self.i >= len(self.lines):
            return []
        nxt = self.lines[self.i]
        if nxt.kind == "value":
            end = self._after_group(self.i)
            taken = [ln for ln in self.lines[self.i : end] if ln.text]
            self.i = end
            return taken
        if self._is_structure(nxt):
            return []
        if nxt.in_item:
            taken = []
            while self.i < len(self.lines) and self.lines[self.i].in_item:
                if self._is_structure(self.lines[self.i]):
                    break
                taken.append(self.lines[self.i])
                self.i += 1
            return taken
        if self._value_like(field_key, nxt.text):
            self.i += 1
            return [nxt]
        return []

    def _is_structure(self, line: Line) -> bool:
        return (
            line.kind in ("label", "heading")
            or self.vocab.heading(line.text) is not None
            or self.vocab.match_label_line(line.text) is not None
        )

    def _value_like(self, field_key: str | None, text: str) -> bool:
        """Whether a line on its own can be the value of the label above it. Closed fields
        take only what their vocabulary recognises, so the first line of a description that
        has no heading is never swallowed as a value."""
        if field_key in self.vocab.closed_fields() or field_key == "ogp_values":
            return recognises(self.vocab, field_key, text)
        limit = _MAX_UNKNOWN_VALUE if field_key is None else _MAX_FREE_VALUE
        return len(text) <= limit and _UNKNOWN_LABEL.match(text) is None

    def _next_is_label(self) -> bool:
        nxt = self.i + 1
        return nxt < len(self.lines) and self._label_of(nxt) is not None

    # -- free text regions -------------------------------------------------------------------
    def _in_text(self, line: Line) -> None:
        section = self.vocab.heading(line.text)
        if section in ("irm_status_summary", "member_commitments") and self.state != "members":
            self._enter_heading(section, line.text)
            return
        {
            "description": self.out.description,
            "summary": self.out.summary,
            "members": self.out.member_lines,
        }[self.state].append(line)
        self.i += 1


def scan_regions(lines: tuple[Line, ...], start: int, vocab: Vocabulary) -> Regions:
    """Regions of the page from the line after the title onwards."""
    return _Scanner(lines, start, vocab).run()
