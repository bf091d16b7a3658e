"""The label and value vocabularies, loaded from ``vocabulary.toml`` shipped in the package.

Lookups are strict about keys (asking for a field the file does not declare raises
``VocabularyError`` naming it) and tolerant about spelling (case, accents, whitespace and a
trailing colon are ignored), so that a new spelling is a data change, never a code change.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import VocabularyError


def _fold_table() -> dict[int, str]:
    """A one-character-for-one-character folding table (so match offsets stay valid)."""
    table: dict[int, str] = {0xA0: " ", 0x2019: "'", 0x2018: "'", 0x2013: "-", 0x2014: "-"}
    for code in range(0xC0, 0x250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if c.isascii())
        lowered = base.lower()
        if len(lowered) == 1:
            table[code] = lowered
    return table


_FOLD = _fold_table()
# Headings, chrome and footer lines are short; "{Member}'s Commitments" for the longest local
# member names stays well under 120 characters. Longer lines are prose.
_MAX_HEADING = 120
_CACHE_SIZE = 1 << 15  # distinct short lines remembered (headings, labels, list titles)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents, same length as the input (offsets map back to the original)."""
    folded = text.translate(_FOLD).lower()
    return folded if len(folded) == len(text) else text.translate(_FOLD)


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """The comparison key of a label, heading or value as shown. Cached: the same labels,
    headings and member-list lines recur on thousands of pages."""
    return _SPACES.sub(" ", fold(text)).strip().rstrip(":").strip()


def _spelling_pattern(spelling: str) -> str:
    return r"\s+".join(re.escape(word) for word in key(spelling).split(" "))


@dataclass(frozen=True)
class LabelMatch:
    field: str
    label: str  # as shown, without colon or glued tooltip text
    rest: str  # what follows the colon on the same line
    had_colon: bool


class Vocabulary:
    """Read-only view of vocabulary.toml with the lookups the parser needs."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self._build(data)
        except (KeyError, TypeError, re.error) as exc:
            raise VocabularyError(f"vocabulary file is malformed: {exc!r}") from exc

    def _build(self, data: dict[str, Any]) -> None:
        self.version: int = data["meta"]["version"]
        self._chrome = {key(s) for s in data["chrome"]["lines"]}
        self._footer = {key(s) for s in data["chrome"]["footer"]}
        self._headings = {
            key(s): name for name, spellings in data["headings"].items() for s in spellings
        }
        # Block headings that can run into the text before them (never the generic
        # "Commitments", which ends many ordinary sentences).
        self._glueable = tuple(
            sorted(
                (
                    key(s)
                    for name, spellings in data["headings"].items()
                    if name != "member_commitments"
                    for s in spellings
                ),
                key=len,
                reverse=True,
            )
        )
        self._heading_patterns: list[tuple[str, re.Pattern[str]]] = [
            (name, re.compile(pattern, re.IGNORECASE))
            for name, patterns in data["heading_patterns"].items()
            for pattern in patterns
        ]
        labels: dict[str, Any] = data["labels"]
        self.label_sections: dict[str, str] = {f: spec["section"] for f, spec in labels.items()}
        self._labels = {key(s): f for f, spec in labels.items() for s in spec["spellings"]}
        # Every run of leading words of a label ("ambition", "ambition (see", ...).
        self._label_starts = {
            " ".join(words[:n])
            for k in self._labels
            if (words := k.split())
            for n in range(1, len(words) + 1)
        }
        alternatives = sorted(self._labels, key=len, reverse=True)
        body = "|".join(_spelling_pattern(a) for a in alternatives)
        # "Label:" / "Label" then value; or a label with a glossary tooltip glued on
        # ("Action PlanAction plans are ...: value"): the tooltip must start without a space.
        self._label_line = re.compile(
            rf"^\s*(?P<label>{body})(?P<tip>(?=\S)[^:]{{10,400}})?\s*(?P<colon>:)?\s*(?P<rest>.*)$",
            re.DOTALL,
        )
        self._missing = {
            key(s): code for code, spellings in data["missing"].items() for s in spellings
        }
        self._values: dict[str, dict[str, str]] = {}
        self._categories: dict[str, tuple[str, ...]] = {}
        self._ordered: dict[str, bool] = {}
        for name, spec in data["values"].items():
            categories = tuple(spec["categories"])
            lookup = {key(c): c for c in categories}
            for canonical, aliases in spec.get("aliases", {}).items():
                if canonical not in categories:
                    raise KeyError(f"alias target {canonical!r} is not a category of {name!r}")
                lookup.update({key(a): canonical for a in aliases})
            self._values[name], self._categories[name] = lookup, categories
            self._ordered[name] = bool(spec["ordered"])
        self._closed_fields = tuple(self._values)
        self.ogp_values: tuple[str, ...] = tuple(data["ogp_values"])
        phrases = [(key(a), c) for c, aliases in data["ogp_values"].items() for a in aliases]
        self.ogp_value_phrases = sorted(phrases, key=lambda p: len(p[0]), reverse=True)
        reports = data["irm_report_types"]
        self.report_types: tuple[str, ...] = tuple(reports["order"])
        self._report_phrases = [(t, [key(p) for p in reports[t]]) for t in self.report_types]
        self._public_comment = [key(p) for p in reports["public_comment"]]
        self._starred_prefixes = tuple(key(p) for p in data["member_list"]["starred_prefixes"])
        self._longest_prefix = max(map(len, self._starred_prefixes), default=0)
        self._months = {key(n): int(m) for m, names in data["months"].items() for n in names}
        self._policy_areas = {key(p) for p in data["policy_areas"]["known"]}
        self._heading_cache: dict[str, str | None] = {}
        self._label_cache: dict[str, LabelMatch | None] = {}

    # -- page structure ---------------------------------------------------------------------
    def is_chrome(self, line: str) -> bool:
        return len(line) <= _MAX_HEADING and key(line) in self._chrome

    def is_footer(self, line: str) -> bool:
        return len(line) <= _MAX_HEADING and key(line) in self._footer

    def heading(self, text: str) -> str | None:
        """Section key of a heading as shown ("Design i" -> "design"), or None."""
        if len(text) > _MAX_HEADING:
            return None  # prose; also keeps the cache below to short texts
        if text in self._heading_cache:
            return self._heading_cache[text]
        if len(self._heading_cache) > _CACHE_SIZE:
            self._heading_cache.clear()
        found = self._heading_cache[text] = self._find_heading(text)
        return found

    def _find_heading(self, text: str) -> str | None:
        folded = key(text)
        found = self._headings.get(folded)
        if found is None and folded.endswith(" i"):
            found = self._headings.get(folded[:-2].rstrip())
        if found is None:
            for name, pattern in self._heading_patterns:
                if pattern.match(text.strip()):
                    return name
        return found

    def split_glued_heading(self, text: str) -> tuple[str, str] | None:
        """("Public Participation", "IRM Review") for "Public ParticipationIRM Review": a block
        heading run into the text before it, with no space between them."""
        folded = fold(text).rstrip()
        if not folded.endswith(self._glueable):  # one C call rules out nearly every line
            return None
        for spelling in self._glueable:
            cut = len(folded) - len(spelling)
            if cut > 0 and folded.endswith(spelling) and not folded[cut - 1].isspace():
                return text[:cut].strip(), text[cut:].strip()
        return None

    def heading_member(self, text: str) -> str | None:
        """The member name inside "{Member}'s Commitments", or None."""
        for _name, pattern in self._heading_patterns:
            match = pattern.match(text.strip())
            if match and "member" in pattern.groupindex:
                return str(match["member"]).strip()
        return None

    # -- labels -----------------------------------------------------------------------------
    def match_label_line(self, line: str) -> LabelMatch | None:
        """A line that starts with a known label: "Status: Active", "Status:", "Status"."""
        if len(line) > _MAX_HEADING:
            return self._match_label_line(line)
        try:
            return self._label_cache[line]
        except KeyError:
            if len(self._label_cache) > _CACHE_SIZE:
                self._label_cache.clear()
            found = self._label_cache[line] = self._match_label_line(line)
            return found

    def _match_label_line(self, line: str) -> LabelMatch | None:
        match = self._label_line.match(fold(line))
        if match is None:
            return None
        label_shown = line[match.start("label") : match.end("label")]
        rest = line[match.start("rest") :].strip() if match["rest"] else ""
        had_colon = match["colon"] is not None
        if not had_colon and (rest or match["tip"]):
            return None  # "Status quo ..." is prose, not the Status label
        field = self._labels[key(label_shown)]
        return LabelMatch(field=field, label=label_shown.strip(), rest=rest, had_colon=had_colon)

    def is_label_start(self, text: str) -> bool:
        """Whether text is a known label or its first words ("Ambition" of "Ambition (see
        definition)")."""
        return key(text) in self._label_starts

    def section_of(self, field: str) -> str:
        try:
            return self.label_sections[field]
        except KeyError:
            raise VocabularyError(
                f"no label {field!r}; known: {sorted(self.label_sections)}"
            ) from None

    # -- values -----------------------------------------------------------------------------
    def missing_reason(self, value: str) -> str | None:
        return self._missing.get(key(value))

    def category(self, field: str, value: str) -> str | None:
        """Canonical category of a value in a closed vocabulary, or None when not known."""
        return self._lookup(field).get(key(value))

    def categories(self, field: str) -> tuple[str, ...]:
        self._lookup(field)
        return self._categories[field]

    def is_ordered(self, field: str) -> bool:
        self._lookup(field)
        return self._ordered[field]

    def closed_fields(self) -> tuple[str, ...]:
        """Fields whose values come from a closed vocabulary ([values.*])."""
        return self._closed_fields

    def missing_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self._missing.values()))

    def _lookup(self, field: str) -> dict[str, str]:
        try:
            return self._values[field]
        except KeyError:
            known = sorted(self._values)
            raise VocabularyError(f"no value vocabulary {field!r}; known: {known}") from None

    def report_type(self, title: str) -> str | None:
        folded = key(title)
        for report_type, phrases in self._report_phrases:
            if any(p in folded for p in phrases):
                return report_type
        return None

    def is_public_comment(self, title: str) -> bool:
        folded = key(title)
        return any(p in folded for p in self._public_comment)

    def strip_starred_prefix(self, title: str) -> tuple[str, bool]:
        folded = fold(title[: self._longest_prefix])
        if not folded.startswith(self._starred_prefixes):
            return title, False
        for prefix in self._starred_prefixes:
            if folded.startswith(prefix):
                return title[len(prefix) :].strip(), True
        return title, False

    def month(self, name: str) -> int | None:
        return self._months.get(key(name).rstrip("."))

    def is_known_policy_area(self, name: str) -> bool:
        return key(name) in self._policy_areas


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Load a vocabulary file; the packaged one when path is None."""
    if path is None:
        return default_vocabulary()
    try:
        with path.open("rb") as handle:
            return Vocabulary(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"cannot read vocabulary {path}: {exc}") from exc


@cache
def default_vocabulary() -> Vocabulary:
    text = resources.files("pipeline").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    try:
        return Vocabulary(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"packaged vocabulary.toml is not valid TOML: {exc}") from exc
