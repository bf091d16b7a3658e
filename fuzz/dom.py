"""A tiny element tree for generated pages: built by the renderer, serialised to HTML in a
chosen whitespace style, and cut down by the shrinker (remove a subtree, unwrap an element).

Text is escaped when a ``Text`` node is made (entity style chosen then), so serialising never
draws a random number and a shrunk tree serialises to the same bytes every time.
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.entities import codepoint2name

VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source"})
# Elements whose children may be laid out on their own source lines when pretty-printed.
# Inline content is never re-spaced: whitespace between inline elements is visible text.
_BLOCK = frozenset(
    {
        "html", "head", "body", "div", "section", "article", "main", "aside", "nav", "header",
        "footer", "ul", "ol", "dl", "table", "tbody", "thead", "tr", "form", "figure", "details",
        "noscript", "dialog", "search",
    }
)  # fmt: skip
_BLOCK_CHILD = frozenset(
    {
        "div", "section", "article", "main", "aside", "nav", "header", "footer", "ul", "ol",
        "dl", "table", "tbody", "thead", "tr", "li", "dt", "dd", "th", "td", "p", "h1", "h2",
        "h3", "h4", "h5", "h6", "form", "figure", "caption", "head", "body", "meta", "link",
        "title", "script", "style", "noscript", "template", "dialog", "search", "details",
        "summary", "address",
    }
)  # fmt: skip
ENTITY_STYLES = ("plain", "named", "numeric", "mixed")
Attrs = dict[str, str | None]


@dataclass(frozen=True, slots=True)
class Text:
    html: str  # already escaped


@dataclass(slots=True)
class El:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    def add(self, *nodes: Node | None) -> El:
        self.children.extend(n for n in nodes if n is not None)
        return self


Node = El | Text


def raw(markup: str) -> Text:
    """Markup that is already HTML (a script body, a comment)."""
    return Text(markup)


def _entity(char: str, style: str, rng: random.Random) -> str:
    if style == "mixed":
        style = rng.choice(("plain", "named", "numeric"))
    code = ord(char)
    if style == "named" and code in codepoint2name:
        return f"&{codepoint2name[code]};"
    if style in ("named", "numeric"):
        return f"&#{code};" if rng.random() < 0.5 else f"&#x{code:X};"
    return char


def text(value: str, style: str = "plain", rng: random.Random | None = None) -> Text:
    """Escaped text; non-ASCII characters (and quotes) as named or numeric entities by style."""
    escaped = html.escape(value, quote=False)
    if style == "plain" or rng is None:
        return Text(escaped)
    out = []
    for char in escaped:
        if ord(char) > 127 or char in "'\"":
            out.append(_entity(char, style, rng))
        else:
            out.append(char)
    return Text("".join(out))


def el(tag: str, attrs: Mapping[str, str | None] | None = None, *children: Node | None) -> El:
    return El(tag, dict(attrs or {}), [c for c in children if c is not None])


def _attrs(attrs: dict[str, str | None]) -> str:
    parts = []
    for name, value in attrs.items():
        parts.append(f" {name}" if value is None else f' {name}="{html.escape(value)}"')
    return "".join(parts)


def serialize(node: Node, *, pretty: bool) -> str:
    out: list[str] = []
    _write(node, out, pretty, 0)
    return "".join(out)


def _write(node: Node, out: list[str], pretty: bool, depth: int) -> None:
    if isinstance(node, Text):
        out.append(node.html)
        return
    out.append(f"<{node.tag}{_attrs(node.attrs)}>")
    if node.tag in VOID:
        return
    spaced = pretty and node.tag in _BLOCK
    for index, child in enumerate(node.children):
        if spaced and isinstance(child, El) and child.tag in _BLOCK_CHILD:
            previous = node.children[index - 1] if index else None
            if previous is None or (isinstance(previous, El) and previous.tag in _BLOCK_CHILD):
                out.append("\n" + "  " * (depth + 1))
        _write(child, out, pretty, depth + 1)
    if spaced and node.children and isinstance(node.children[-1], El):
        out.append("\n" + "  " * depth)
    out.append(f"</{node.tag}>")


def walk(node: Node) -> Iterator[El]:
    """Every element, parents before children (the shrinker tries big cuts first)."""
    queue: list[El] = [node] if isinstance(node, El) else []
    while queue:
        current = queue.pop(0)
        yield current
        queue.extend(child for child in current.children if isinstance(child, El))


def count(node: Node) -> int:
    return sum(1 for _ in walk(node))
