"""The member's commitment list at the bottom of a commitment page.

Each item shows a title (optionally marked "Starred commitment") and then
"ID, cycle year, primary policy area". Items are recognised by that second line, whatever the
markup around them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.ids import COMMITMENT_ID, ID_DIGITS
from pipeline.records import MemberListItem
from pipeline.transform.htmltext import Line
from pipeline.vocab import Vocabulary

_NUMBERING = re.compile(r"^\d{1,3}\.\s+")


# One pattern per member's ID prefix (~225 members): compiled once each. The re module's own
# cache holds 512 patterns of every module and was evicting these on large runs.
@lru_cache(maxsize=1024)
def _meta_pattern(prefix: str | None) -> re.Pattern[str]:
    # With the page's own ID prefix the ID is found even when the title runs into it
    # ("...Health ServicesMN0023, 2016, ..."); without it, the ID must start a word.
    ident = f"(?a:{re.escape(prefix)}{ID_DIGITS})" if prefix else f"(?<![A-Za-z]){COMMITMENT_ID}"
    return re.compile(rf"(?P<id>{ident})\s*,\s*(?P<year>\d{{4}})?\s*,?\s*(?P<area>.*)$", re.I)


def parse_member_list(
    lines: list[Line], id_prefix: str | None, vocab: Vocabulary
) -> list[MemberListItem]:
    """Items in page order. Text that never reaches an "ID, year, area" line is not an item."""
    pattern = _meta_pattern(id_prefix)
    fallback = _meta_pattern(None)
    items: list[MemberListItem] = []
    pending: list[str] = []
    for line in lines:
        match = pattern.search(line.text) or fallback.search(line.text)
        if match is None:
            pending.append(line.text)
            continue
        title, starred = _title(pending[-2:], line.text[: match.start()], vocab)
        pending = []
        area = match["area"].strip() or None
        items.append(
            MemberListItem(
                position=len(items),
                listed_commitment_id=match["id"].upper(),
                title=title,
                cycle_year=int(match["year"]) if match["year"] else None,
                policy_area=area,
                starred=starred,
            )
        )
    return items


def _title(before_lines: list[str], same_line: str, vocab: Vocabulary) -> tuple[str, bool]:
    """The item's title: the text before the ID on the same line, else the line above it;
    a "Starred commitment" marker may sit in either, or on a line of its own."""
    starred = False
    parts = []
    for text in [*before_lines, same_line]:
        stripped, marked = vocab.strip_starred_prefix(_NUMBERING.sub("", text.strip()))
        starred = starred or marked
        if stripped:
            parts.append(_NUMBERING.sub("", stripped))
    return (parts[-1] if parts else ""), starred
