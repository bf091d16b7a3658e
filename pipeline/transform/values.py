"""Value normalisers: text as shown to typed values plus a missing reason.

Every function is pure and total: whatever the text, it returns a value or a missing reason
(``unrecognized`` for text the vocabulary does not know, which the caller reports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pipeline.records import MISSING_EMPTY, MISSING_UNRECOGNIZED
from pipeline.transform.htmltext import PIECE
from pipeline.vocab import Vocabulary, key

_YEAR = re.compile(r"^\d{4}$")
# "2014-16", "2016-2018", "2024 – 2025", "2024-2028 (December)"; hyphen, en or em dash.
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*(\d{4}|\d{2})(?!\d)")
_LONE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_MONTH_YEAR = re.compile(r"^(?P<month>[^\W\d_]+\.?)\s+(?P<year>\d{4})$")
_BULLETS = re.compile(r"\s*[;•○●◦▪]\s*")
# Between the policy areas of a line of plain text: commas, semicolons, pipes, bullets.
_AREA_SEPARATORS = re.compile(r"\s*[,;|•·○●◦▪]\s*")
_SEPARATOR_ONLY = re.compile(r"[\s,;|•·○●◦▪]*")

_REPORT_WORDS = ("report", "review", "informe", "revision", "rapport")
_MIN_YEAR, _MAX_YEAR = 1990, 2100  # OGP began in 2011; anything outside is not a plan year


@dataclass(frozen=True, slots=True)
class Reading:
    """How one field's text reads: a typed value, or the reason there is none."""

    value: object | None
    missing: str | None
    status: str  # "known", "missing", "free_text", "unknown"


def undouble(text: str) -> str:
    """ "Major Major" -> "Major", "Yes Yes Starred" -> "Yes Starred": a value repeated by
    screen-reader text counts once (a badge may follow the repeat)."""
    words = text.split()
    for size in range(len(words) // 2, 0, -1):
        if words[:size] == words[size : 2 * size]:
            return " ".join(words[size:])
    return text


def _missing(vocab: Vocabulary, text: str) -> Reading | None:
    if not text.strip():
        return Reading(None, MISSING_EMPTY, "missing")
    reason = vocab.missing_reason(text) or vocab.missing_reason(undouble(text))
    return Reading(None, reason, "missing") if reason else None


# The same few values recur on thousands of pages ("Yes", "Pending IRM Review"): readings are
# pure functions of (vocabulary, field, text) and immutable, so they are remembered.
_READINGS = 1 << 14


@lru_cache(maxsize=_READINGS)
def closed(vocab: Vocabulary, field: str, text: str) -> Reading:
    """A closed-vocabulary field; booleans for the Yes/No vocabularies."""
    missing = _missing(vocab, text)
    if missing is not None:
        return missing
    category = vocab.category(field, text) or vocab.category(field, undouble(text))
    if category is None:
        return Reading(None, MISSING_UNRECOGNIZED, "unknown")
    if vocab.categories(field) == ("Yes", "No"):
        return Reading(category == "Yes", None, "known")
    return Reading(category, None, "known")


@lru_cache(maxsize=_READINGS)
def free_text(vocab: Vocabulary, text: str) -> Reading:
    missing = _missing(vocab, text)
    return missing if missing is not None else Reading(text, None, "free_text")


@lru_cache(maxsize=_READINGS)
def year(vocab: Vocabulary, text: str) -> Reading:
    missing = _missing(vocab, text)
    if missing is not None:
        return missing
    shown = undouble(text.strip())
    if _YEAR.match(shown) and _MIN_YEAR <= int(shown) <= _MAX_YEAR:
        return Reading(int(shown), None, "known")
    return Reading(None, MISSING_UNRECOGNIZED, "unknown")


def month(vocab: Vocabulary, text: str) -> Reading:
    """ "Feb 2024" -> 2024-02-01 (month precision)."""
    missing = _missing(vocab, text)
    if missing is not None:
        return missing
    match = _MONTH_YEAR.match(text.strip())
    number = vocab.month(match["month"]) if match else None
    if match is None or number is None:
        return Reading(None, MISSING_UNRECOGNIZED, "unknown")
    return Reading(date(int(match["year"]), number, 1), None, "known")


def year_range(text: str) -> tuple[int | None, int | None]:
    """First and last year of the first year range in a title; a lone year is a start."""
    match = _YEAR_RANGE.search(text)
    if match is not None:
        start, end = int(match[1]), match[2]
        end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
        if end_year < start:  # "1999-01" crosses a century
            end_year += 100
        return start, end_year
    lone = _LONE_YEAR.search(text)
    return (int(lone[1]), None) if lone else (None, None)


@dataclass(frozen=True, slots=True)
class OgpValues:
    relevant: Reading
    values: tuple[str, ...]
    leftover: str  # text that matched no known value (reported when not empty)


@lru_cache(maxsize=_READINGS)
def ogp_values(vocab: Vocabulary, text: str) -> OgpValues:
    """Match the four official values as phrases; never split on commas."""
    missing = _missing(vocab, text)
    if missing is not None:
        return OgpValues(missing, (), "")
    yes_no = vocab.category("ogp_relevant", text) or vocab.category("ogp_relevant", undouble(text))
    if yes_no is not None:
        return OgpValues(Reading(yes_no == "Yes", None, "known"), (), "")
    remaining = key(text)
    found: list[tuple[int, str]] = []
    for phrase, canonical in vocab.ogp_value_phrases:
        if phrase not in remaining:  # a substring test first: most phrases are not there
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", remaining):
            found.append((match.start(), canonical))
            blank = " " * len(phrase)
            remaining = remaining[: match.start()] + blank + remaining[match.end() :]
    leftover = " ".join(re.sub(r"[,;/&|•·]|\band\b|\by\b", " ", remaining).split())
    values = tuple(dict.fromkeys(name for _, name in sorted(found)))
    if not values:
        return OgpValues(Reading(None, MISSING_UNRECOGNIZED, "unknown"), (), text.strip())
    status = "unknown" if leftover else "known"
    return OgpValues(Reading(True, None, status), values, leftover)


def recognises(vocab: Vocabulary, field: str | None, text: str) -> bool:
    """Whether text reads as a value (or a missing reason) of a closed field."""
    if field is None:
        return False
    if field == "ogp_values":
        reading = ogp_values(vocab, text)
        return reading.relevant.status != "unknown" or bool(reading.values)
    return closed(vocab, field, text).status in ("known", "missing")


def split_names(lines: list[str]) -> list[str]:
    """Institution names: split only at lines (list items), ';' and bullet characters."""
    names = []
    for line in lines:
        for part in _BULLETS.split(line):
            name = part.strip().strip(",;").strip()
            if name:
                names.append(name)
    return names


def element_values(raw: str) -> list[str]:
    """One line's values, one per element: text nodes glued to each other with no space, or
    with only whitespace or a separator between them, are separate values ("<a>A</a><a>B</a>",
    "<span>A</span> | <span>B</span>"); a text node continuing after a space is not ("Access
    to <em>Information</em>")."""
    values: list[str] = []
    current = ""
    for piece in raw.split(PIECE):
        if not piece:
            continue
        if _SEPARATOR_ONLY.fullmatch(piece):
            values.append(current)
            current = ""
        elif current and not current[-1].isspace() and not piece[0].isspace():
            values.append(current)
            current = piece
        else:
            current += piece
    values.append(current)
    return [shown for value in values if (shown := " ".join(value.split()))]


def split_policy_areas(raws: list[str]) -> list[str]:
    """Policy areas: one per element where a line shows them as separate elements (their text
    is kept whole: "Open Data | Open Contracting" in one link is one area); a line of plain
    text is split at commas, semicolons, pipes and bullets."""
    areas: list[str] = []
    for raw in raws:
        values = element_values(raw)
        if len(values) > 1:
            areas.extend(values)
        else:
            areas.extend(part.strip() for value in values for part in _AREA_SEPARATORS.split(value))
    return list(dict.fromkeys(area for area in areas if area))


def report_like(vocab: Vocabulary, text: str) -> bool:
    """Whether a line can be (part of) the IRM Report value: it names a report, or says why
    there is none."""
    folded = key(text)
    return any(word in folded for word in _REPORT_WORDS) or _missing(vocab, text) is not None


def _names_report(text: str) -> bool:
    return any(word in key(text) for word in _REPORT_WORDS)


def split_report_titles(raws: list[str]) -> list[str]:
    """Report titles. One per element (link, list item) where a line shows several; in a line
    of plain text a semicolon, pipe, bullet or comma starts a new title only between two
    texts that name a report (a title may hold "| Annex" or ", Public Comment Version")."""
    titles: list[str] = []
    for raw in raws:
        values = element_values(raw)
        if len(values) > 1:
            titles.extend(values)
            continue
        for value in values:
            titles.extend(_split_named(value))
    return titles


def _split_named(text: str) -> list[str]:
    """Cut at separators where the text before names a report; a tail that names none stays
    with the title before it."""
    parts = re.split(r"(\s*[,;|•·○●◦▪]\s*)", text)
    titles: list[str] = []
    current = ""
    for index in range(0, len(parts), 2):
        piece = parts[index]
        separator = parts[index - 1] if index else ""
        if current and _names_report(current) and _names_report(piece):
            titles.append(current.strip())
            current = piece
        else:
            current = f"{current}{separator}{piece}"
    if current.strip():
        titles.append(current.strip())
    return titles
