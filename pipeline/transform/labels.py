"""Labels and their values among a page's lines: which line is a label (a known spelling with
or without its colon, a label cell, a label set apart in its own element, an unknown "X: y"
among fields) and which following lines are its value (a value cell, list items, the rest of
its line, or the next elements inside its container, one or several as the field allows).

``FieldReader`` holds the lines and the position; the section scanner (``scan``) builds on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.transform.htmltext import PIECE, Line, PageText
from pipeline.transform.values import element_values, recognises, report_like
from pipeline.vocab import Vocabulary

# An unknown "Label: value": a short capitalised label of at most six words, no sentence
# punctuation in it (so "What is the problem?: ..." prose is not mistaken for a label).
_UNKNOWN_LABEL = re.compile(r"^(?P<label>[^\W\d_][^:.?!]{0,58}?)\s*:\s*(?P<rest>.*)$")
_MAX_UNKNOWN_LABEL_WORDS = 6
_MAX_UNKNOWN_VALUE = 200  # longer text after "X:" is prose, not a field value
_MAX_FREE_VALUE = 600  # a free-text value on its own line (long support-institution lists fit)
_MAX_TOKEN_WORDS = 6  # "No early results to report yet" is the longest value phrase seen
_MAX_LABEL = 80  # longest label text with its glossary link ("Ambición (consulta: ...)")
_MIN_TIP_WORDS = 3  # a glossary tooltip is a sentence, not a word run into its label
_GLUED_WORDS = re.compile(f"[^\\W\\d_]{PIECE}[^\\W\\d_]")  # two text nodes touching letters
TEXT_SECTIONS = {
    "description": "description",
    "irm_status_summary": "summary",
    "member_commitments": "members",
}
# Fields whose value may run over several elements, one value each (list items, links in
# their own blocks, one element per value).
_MULTI_LINE = frozenset(
    {
        "institutions_involved",
        "lead_institution",
        "support_institutions",
        "irm_report",
        "ogp_values",
    }
)


@dataclass(frozen=True, slots=True)
class RawField:
    """A label and its value lines, before any interpretation."""

    label: str  # as shown, without colon
    field: str | None  # canonical field key, None for an unknown label
    lines: tuple[Line, ...]  # the value's lines ("" value: no lines)
    heading: str | None  # nearest heading above, as shown, info icon removed
    heading_section: str | None


def collapse_raw(raw: str) -> str:
    return " ".join(raw.replace(PIECE, "").split())


def _raw_after(raw: str, rest: str) -> str:
    """The part of a line's raw text that shows ``rest`` (what follows the label's colon;
    a label may hold a colon of its own: "Ambición (consulta: definición):")."""
    if not rest:
        return ""
    colon = raw.find(":")
    while colon >= 0:
        if collapse_raw(raw[colon + 1 :]) == rest:
            return raw[colon + 1 :]
        colon = raw.find(":", colon + 1)
    return rest


def _token_like(text: str) -> bool:
    """A category-like value ("Spectacular"): a few words, no sentence punctuation."""
    return len(text.split()) <= _MAX_TOKEN_WORDS and not any(c in text for c in ".!?:;")


def _label_styled(line: Line) -> bool:
    """Whether a line starts with an "X:" set apart in its own element or cell, the way
    labels are shown; one run of text that happens to contain a colon is not."""
    if line.kind == "label":
        return True
    if _UNKNOWN_LABEL.match(line.text) is None:
        return False
    for piece in line.raw.split(PIECE):
        if piece.strip():
            return piece.rstrip().endswith(":")
    return False


def _element_text(field_key: str | None, raw: str) -> str:
    """A value's text for recognising it: OGP values drawn as separate elements are read
    one by one (they may touch: "Access to InformationCivic Participation")."""
    if field_key == "ogp_values":
        return " , ".join(element_values(raw))
    return collapse_raw(raw)


class FieldReader:
    """Reads labels and values at a position in the page's lines."""

    def __init__(
        self, page: PageText, lines: tuple[Line, ...], start: int, vocab: Vocabulary
    ) -> None:
        self.page, self.lines, self.i, self.vocab = page, lines, start, vocab

    def _label_of(self, index: int) -> tuple[str, str | None, str, str] | None:
        """(label, field, rest of the line, rest with text-node separators) of a label line."""
        line = self.lines[index]
        raw = self._group_raw(index) if line.kind == "label" else (line.raw or line.text)
        cleaned = self._without_tooltip(raw)
        if cleaned is not raw:
            raw, text = cleaned, collapse_raw(cleaned)
        else:
            text = self._group_text(index) if line.kind == "label" else line.text
        known = self.vocab.match_label_line(text)
        if known is not None:
            return known.label, known.field, known.rest, _raw_after(raw, known.rest)
        if line.kind == "label":
            return text.rstrip(":").strip(), None, "", ""
        in_element = self._label_in_own_element(raw)
        if in_element is not None:
            return in_element
        match = _UNKNOWN_LABEL.match(text)
        if match is None or len(match["label"].split()) > _MAX_UNKNOWN_LABEL_WORDS:
            return None
        if len(match["rest"]) > _MAX_UNKNOWN_VALUE:
            return None
        rest = match["rest"].strip()
        colon = line.raw.find(":")
        return match["label"].strip(), None, rest, line.raw[colon + 1 :] if colon >= 0 else rest

    def _without_tooltip(self, raw: str) -> str:
        """The line without a glossary tooltip whose text the page leaves in place (hidden
        by a stylesheet only): a run of prose glued, with no space, to the start of a known
        label ("Ambition" + "Ambition captures ..." + " (see definition): High")."""
        if not _GLUED_WORDS.search(raw):  # one C scan rules out nearly every line
            return raw
        pieces = raw.split(PIECE)
        kept: list[str] = []
        shown = ""
        for index, piece in enumerate(pieces):
            glued = shown[-1:].isalpha() and piece[:1].isalpha()
            if glued and len(piece.split()) >= _MIN_TIP_WORDS and self.vocab.is_label_start(shown):
                # Only where the label goes on after it ("(see definition)", its colon): a
                # value glued to a label without a colon is not a tooltip.
                after = next((p.strip() for p in pieces[index + 1 :] if p.strip()), "")
                if after and (after[0] == ":" or self.vocab.is_label_start(f"{shown} {after}")):
                    continue
            kept.append(piece)
            shown += piece
        return PIECE.join(kept) if len(kept) < len(pieces) else raw

    def _label_in_own_element(self, raw: str) -> tuple[str, str | None, str, str] | None:
        """A known label with no colon, alone in its own inline element and followed by its
        value ("<strong>Status</strong> Active"): the longest run of leading text nodes that
        is exactly a label, when what follows reads as that field's value."""
        pieces = raw.split(PIECE) if PIECE in raw else ()
        best = None
        prefix = ""
        for count, piece in enumerate(pieces[:-1], start=1):
            prefix += piece
            shown = " ".join(prefix.split())
            if len(shown) > _MAX_LABEL:
                break
            if shown:
                found = self.vocab.match_label_line(shown)
                if found is not None and not found.rest and not found.had_colon:
                    best = (count, found)
        if best is None:
            return None
        count, found = best
        rest_raw = PIECE.join(pieces[count:])
        rest = collapse_raw(rest_raw)
        if not rest:
            return None
        if found.field in ("ogp_values", "irm_report"):
            if not self._value_like(found.field, _element_text(found.field, rest_raw)):
                return None
        elif self._closed(found.field):
            # Beside its label, a short value the vocabulary does not know is still the value
            # (reported as unrecognized); prose is not.
            if len(rest) > _MAX_UNKNOWN_VALUE and not self._value_like(found.field, rest):
                return None
        elif len(rest) > _MAX_FREE_VALUE:  # on the label's own line: any short text
            return None
        return found.label, found.field, rest, rest_raw

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

    def _group_raw(self, index: int) -> str:
        end = self._after_group(index)
        return " ".join(line.raw or line.text for line in self.lines[index:end] if line.text)

    def _group_text(self, index: int) -> str:
        end = self._after_group(index)
        return " ".join(line.text for line in self.lines[index:end] if line.text)

    def _after_group(self, index: int) -> int:
        group = self.lines[index].group
        end = index + 1
        while end < len(self.lines) and group != -1 and self.lines[end].group == group:
            end += 1
        return end

    def _value(self, field_key: str | None, label: Line, *, colon: bool) -> list[Line]:
        """The value of a label shown with nothing after it: the following value cell, list
        items, or the following element(s) inside the label's container."""
        if self.i >= len(self.lines):
            return []
        nxt = self.lines[self.i]
        if nxt.kind == "value":
            end = self._after_group(self.i)
            taken = [ln for ln in self.lines[self.i : end] if ln.text]
            self.i = end
            return taken
        if nxt.kind == "break" or self._is_structure(nxt):
            return []
        if nxt.in_item:
            taken = []
            while self.i < len(self.lines) and self.lines[self.i].in_item:
                if self._is_structure(self.lines[self.i]):
                    break
                taken.append(self.lines[self.i])
                self.i += 1
            return taken
        return self._following_elements(field_key, label, colon=colon)

    def _following_elements(self, field_key: str | None, label: Line, *, colon: bool) -> list[Line]:
        """A label alone in its own element: the value is in the next element, or in each of
        the next elements for a field with several values, inside the label's container. A
        container that starts with the label is the field's own: what it holds is the value,
        whatever it reads like ("CSOs: ..."). So is the next element of a label shown without
        a colon: "X: y" there is not a label in this page's style."""
        container = self.page.parents[label.block] if label.block >= 0 else -1
        own = not colon or (container != -1 and self._starts(container, label))
        taken: list[Line] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.kind == "break" or self._is_structure(line):
                break
            if container != -1 and not self.page.contains(container, line.block):
                break
            take, more = self._accepts(field_key, line, taken, own=own)
            if take:
                taken.append(line)
                self.i += 1
            if not (take and more):
                break
        return taken

    def _accepts(
        self, field_key: str | None, line: Line, taken: list[Line], *, own: bool
    ) -> tuple[bool, bool]:
        """Whether a following element is (part of) the value, and whether more may follow:
        a closed field takes elements while they read as one of its values (an unknown one
        only from its own container); a list field (institutions, IRM reports, OGP values),
        each element that reads as one of its values; any other field, one element."""
        if self._closed(field_key):
            candidate = " ".join([*(t.text for t in taken), line.text])
            if recognises(self.vocab, field_key, candidate):
                return True, True
            # A value the vocabulary does not know: from the field's own container, or a
            # short token (not prose) standing alone before the next label or heading.
            unknown = own or (_token_like(line.text) and self._structure_after(self.i))
            return not taken and unknown and len(line.text) <= _MAX_UNKNOWN_VALUE, False
        more = field_key in _MULTI_LINE
        if field_key in ("irm_report", "ogp_values"):
            return self._value_like(field_key, _element_text(field_key, line.raw)), True
        if taken and not more:
            return False, False
        if field_key is not None and (own or not _label_styled(line)):
            # "CSOs: CAFOD, ..." in one run of text is a value; a label is set apart in its
            # own element ("<strong>X:</strong> y"), as this page's labels are.
            return len(line.text) <= _MAX_FREE_VALUE, more
        return self._value_like(field_key, line.text), more

    def _structure_after(self, index: int) -> bool:
        following = self.lines[index + 1] if index + 1 < len(self.lines) else None
        return (
            following is None
            or following.kind in ("break", "end")
            or (self._is_structure(following))
        )

    def _starts(self, container: int, label: Line) -> bool:
        """Whether the label is the first line inside block ``container``."""
        for line in reversed(self.lines[: self.i]):
            if line is label:
                continue
            if line.kind == "break" or line.block == -1:
                return True
            return not self.page.contains(container, line.block)
        return True

    def _closed(self, field_key: str | None) -> bool:
        return field_key in self.vocab.closed_fields()

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
        if self._closed(field_key) or field_key == "ogp_values":
            return recognises(self.vocab, field_key, text)
        if field_key == "irm_report":
            return report_like(self.vocab, text)
        limit = _MAX_UNKNOWN_VALUE if field_key is None else _MAX_FREE_VALUE
        return len(text) <= limit and _UNKNOWN_LABEL.match(text) is None

    def _labels_follow(self) -> bool:
        """Whether a known label follows before the page's text sections: then this line is
        stray text among the fields (an unknown label without a colon, a widget), not the
        start of a description."""
        for line in self.lines[self.i + 1 :]:
            if self.vocab.heading(line.text) in TEXT_SECTIONS or self.vocab.is_footer(line.text):
                return False
            if line.kind == "label" or len(line.text) <= _MAX_UNKNOWN_VALUE:
                found = self.vocab.match_label_line(line.text)
                if found is not None and (line.kind == "label" or len(found.rest) < 100):
                    return True
        return False

    def _next_is_label(self) -> bool:
        """Whether the line after this one is a label cell or a known label (an unknown
        heading over known labels heads a block of fields; over anything else, an unknown
        section)."""
        nxt = self.i + 1
        if nxt >= len(self.lines):
            return False
        found = self._label_of(nxt)
        return found is not None and (found[1] is not None or self.lines[nxt].kind == "label")

    # -- free text regions -------------------------------------------------------------------
