"""Keys of the entities, made from what pages show: the same text always gives the same key,
whatever its case, accents, punctuation or spacing."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_UNNAMED = "unnamed"  # the key's name part when a name has no letter or digit at all


def key_words(text: str) -> str:
    """Lower case, accents removed, every run of other characters one '-', a leading "the"
    dropped: "The Open Data Institute" and "open-data  institute." give "open-data-institute"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NOT_WORD.sub(" ", ascii_text.lower()).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return "-".join(words) or _UNNAMED


def action_plan_id(
    member_slug: str | None,
    action_plan: str | None,
    start_year: int | None,
    end_year: int | None,
) -> str | None:
    """The plan's key: "{member}-{start}-{end}" when its title shows both years (the same plan
    shown in two languages or spellings gets one key), else "{member}-{title words}"; None
    when the page names no plan."""
    if member_slug is None or action_plan is None:
        return None
    if start_year is not None and end_year is not None:
        return f"{member_slug}-{start_year}-{end_year}"
    return f"{member_slug}-{key_words(action_plan)}"


def institution_key(member_slug: str, name: str) -> str:
    """ "{member}/{name words}": the same name within one member is one institution (two
    members' "Ministry of Justice" are two)."""
    return f"{member_slug}/{key_words(name)}"
