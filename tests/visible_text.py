"""What a reader sees on a fixture page, for tests: the text lines of the content, following
the "what is content" rules of docs/PARSING.md. A test helper only, not the parser."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

NOT_CONTENT = ("script", "style", "noscript", "template", "svg", "iframe", "button")
CHROME_ELEMENTS = ("nav", "footer", "aside", "header")
BLOCKS = frozenset({
    "p", "div", "li", "dt", "dd", "th", "td", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "caption", "ul", "ol", "dl", "table", "tbody", "thead", "section", "article", "main",
    "header", "footer", "aside", "nav", "address", "form",
})  # fmt: skip
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_BREAK = "\x00"  # a line break from markup; newlines inside text are only whitespace


def _contains_title(node: Node) -> bool:
    return node.css_first("h1") is not None


def _strip(tree: HTMLParser) -> None:
    for selector in (*NOT_CONTENT, "[hidden]", '[role="tooltip"]'):
        for node in tree.css(selector):
            node.decompose()
    for tag in CHROME_ELEMENTS:
        for node in tree.css(tag):
            if not _contains_title(node):
                node.decompose()


def _walk(node: Node, out: list[str]) -> None:
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            out.append(_SPACES.sub(" ", child.text_content or ""))
        elif tag == "br":
            out.append(_BREAK)
        elif tag in BLOCKS:
            out.append(_BREAK)
            _walk(child, out)
            out.append(_BREAK)
        elif not tag.startswith("-"):
            _walk(child, out)
        child = child.next


def visible_lines(html: str) -> list[str]:
    """Non-empty lines of visible content text, whitespace collapsed inside each line."""
    tree = HTMLParser(html)
    _strip(tree)
    body = tree.body
    if body is None:
        return []
    pieces: list[str] = []
    _walk(body, pieces)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(pieces).split(_BREAK))
    return [line for line in lines if line]


def visible_text(html: str) -> str:
    return "\n".join(visible_lines(html))


def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
