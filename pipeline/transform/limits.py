"""Bounded cost per page: checks made on the text before lexbor builds a tree, and a
cooperative deadline the parser's Python loops consult. Both raise ``PageTooComplex``."""

from __future__ import annotations

import re
import time

from pipeline.config import ParseLimits
from pipeline.errors import PageTooComplex

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_RAW_TEXT = re.compile(r"<(script|style|textarea|title)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
# Elements that never add a level: void elements, and those the parser closes by itself when
# the next one starts (<p>, <li>, table cells), which pages often leave unclosed.
_FLAT = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
        "optgroup", "rp", "rt",
    }
)  # fmt: skip
_SCAN_AT_MOST = 4  # times the tag limit: the largest page whose nesting is measured (~0.3 s)
CHECK_EVERY = 256  # loop iterations between two looks at the clock (a look costs ~50 ns)


def nesting_depth(html: str) -> int:
    """How deep the elements of a page nest, from its tags (script and style bodies
    skipped). An estimate for limits: stray end tags are ignored as a browser ignores them."""
    depth = deepest = 0
    for match in _TAG.finditer(_RAW_TEXT.sub("", html)):
        if match[2].lower() in _FLAT:
            continue
        if match[1]:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def check_markup(html: str, limits: ParseLimits) -> None:
    """Refuse, before parsing, a page whose tree would be too large or too deep."""
    if len(html) > limits.max_bytes:
        raise PageTooComplex(
            f"page too large: {len(html):,} characters, over the limit of {limits.max_bytes:,}"
        )
    if len(html) <= limits.scan_from_chars:
        return  # too short to hold too many elements or to nest deep enough to matter
    tags = html.count("<")
    # Nesting first: it is the more telling reason. Past a few times the tag limit the page
    # is refused for its size alone, without spending a scan on it.
    if limits.depth_scan_from_tags < tags <= _SCAN_AT_MOST * limits.max_tags:
        depth = nesting_depth(html)
        if depth > limits.max_depth:
            raise PageTooComplex(
                f"nested too deeply: elements {depth:,} levels deep, over the limit of "
                f"{limits.max_depth:,}"
            )
    if tags > limits.max_tags:
        raise PageTooComplex(
            f"too many elements: {tags:,} tags, over the limit of {limits.max_tags:,}"
        )


def check_size(body: bytes, limits: ParseLimits) -> None:
    if len(body) > limits.max_bytes:
        raise PageTooComplex(
            f"page too large: {len(body):,} bytes, over the limit of {limits.max_bytes:,}"
        )


class Deadline:
    """The moment a page's parse must give up; ``check`` raises once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise PageTooComplex(f"parse took longer than the limit of {self.seconds:g} s")


NO_DEADLINE = Deadline(float("inf"))
