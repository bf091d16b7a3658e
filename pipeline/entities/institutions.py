"""Splitting an institution value at commas, where every piece names an institution.

The parser already splits a lead, support or involved value where the page separates its
parts: list items, bullets, semicolons and line breaks. Commas are ambiguous ("Department for
Business, Innovation and Skills" is one institution), so a value is split at its commas only
when every piece passes ``names_an_institution``; otherwise it is kept whole. The rule favours
precision over recall; its precision on the fixtures' values is measured by
``tests/transform/test_institution_split.py`` and stated in docs/DATA.md.
"""

from __future__ import annotations

import re

from pipeline.entities.keys import institution_key
from pipeline.entities.words import entity_words
from pipeline.records import Institution
from pipeline.vocab import fold

_WORDS = re.compile(r"\w+")
# An acronym: capitals, digits and & . - only, with at least one capital (CAFOD, ARTICLE, 19
# beside it, A&E); "NGOs" is not one.
_ACRONYM_TOKEN = re.compile(r"[A-Z0-9&.\-]+")
_ENDS_WITH_ACRONYM = re.compile(r"\(\s*[A-Z][A-Z0-9&.\-]+\s*\)$")
_MAX_WORDS = 15  # the longest institution names seen have about 12 words; more is prose


def names_an_institution(piece: str) -> bool:
    """Whether a comma-separated piece is an institution's name: it starts with a capital or a
    digit (a brand like "mySociety", lower case then a capital, counts), has at most 15 words,
    and contains an institution word of ``pipeline/entities.toml`` ("Ministry", "Fundación"),
    or is an acronym ("CAFOD", "ARTICLE 19"), or ends with one in parentheses ("(NMC)")."""
    text = piece.strip().rstrip(".").strip()
    tokens = text.split()
    if not tokens or len(tokens) > _MAX_WORDS or not _starts_like_a_name(tokens[0]):
        return False
    words = {fold(word) for word in _WORDS.findall(text)}
    if words & entity_words().institution_words:
        return True
    if all(_ACRONYM_TOKEN.fullmatch(t) for t in tokens) and any(c.isalpha() for c in text):
        return True
    return _ENDS_WITH_ACRONYM.search(text) is not None


def _starts_like_a_name(word: str) -> bool:
    first = word[0]
    if first.isupper() or first.isdigit():
        return True
    return first.islower() and any(c.isupper() for c in word[1:])


def split_institution(name: str) -> list[str]:
    """The institutions one value names: its comma-separated pieces when every piece names an
    institution (a trailing comma ends the last one), else the value itself."""
    pieces = [piece.strip() for piece in name.split(",")]
    if pieces and not pieces[-1]:
        pieces.pop()  # "..., The Right to Information Coalition,": one piece, not two
    if len(pieces) < 2 or not all(pieces) or not all(map(names_an_institution, pieces)):
        return [name]
    return pieces


def institution_rows(
    commitment_id: str, member_slug: str | None, institutions: tuple[Institution, ...]
) -> list[dict[str, object]]:
    """One row per institution: each parsed value split at its commas where every piece names
    an institution (``pipeline.entities.institutions``), numbered again within its role."""
    rows: list[dict[str, object]] = []
    positions: dict[str, int] = {}
    for institution in institutions:
        for name in split_institution(institution.name):
            position = positions.get(institution.role, 0)
            positions[institution.role] = position + 1
            rows.append(
                {
                    "commitment_id": commitment_id,
                    "role": institution.role,
                    "position": position,
                    "name": name,
                    "institution_key": institution_key(member_slug or "", name),
                }
            )
    return rows
