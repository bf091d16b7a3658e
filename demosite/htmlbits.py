"""Small, pure helpers for writing HTML text: escaping, slugs, stable choices, source wrapping."""

from __future__ import annotations

import hashlib
import html
import re
import textwrap
import unicodedata
from collections.abc import Sequence

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def esc(text: str) -> str:
    """Escape text for element content."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Escape text for a double-quoted attribute value."""
    return html.escape(text, quote=True)


def slugify(text: str) -> str:
    """WordPress-like slug: ASCII, lower case, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")


def stable_index(seed: str, count: int) -> int:
    """An index in range(count) fixed by seed (Python's hash() changes between processes)."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def pick(seed: str, options: Sequence[str]) -> str:
    return options[stable_index(seed, len(options))]


def wrap_source(text: str, width: int = 96, indent: str = "") -> str:
    """Break escaped text into source lines at spaces only, the way hand-edited HTML looks.

    Whitespace inside an element collapses to one space, so a reader sees the same text.
    """
    if len(text) <= width:
        return text
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return ("\n" + indent).join(lines)


def lines_html(paragraph: str, *, wrap: bool = False) -> str:
    """A paragraph's lines, escaped and joined by <br> (a "\\n" in content is a line break)."""
    lines = [esc(line) for line in paragraph.split("\n")]
    if wrap:
        lines = [wrap_source(line) for line in lines]
    return "<br>\n".join(lines)
