"""HTML to visible lines, the way a reader sees them, at C speed.

The real markup of the site is unknown, so nothing here looks at CSS classes or ids. Only the
meaning of standard HTML is used: which elements are not content (scripts, controls, hidden
tooltips, site navigation), which ones end a line (block elements), and which ones hold
headings, labels (``dt``/``th``), values (``dd``/``td``) and list items (``li``).

lexbor does the heavy lifting: we insert private-use marker characters around every block
element and ask for the text once, instead of walking the DOM in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.ids import COMMITMENT_ID

# Site chrome, kept only when it contains the commitment title. Removed first: on a WordPress
# page it holds most of the nodes (menus with hundreds of links), so the finer selectors below
# then run over a much smaller tree.
_CHROME = "header, nav, footer, aside"
# Not content: scripts and styles, controls (the info icon "i" is a button), embedded objects,
# and what no reader sees (hidden elements, tooltips, inline display:none).
_NOT_CONTENT = (
    "script, style, noscript, template, svg, iframe, button, select, textarea, object, canvas, "
    'map, input, [hidden], [role="tooltip"], [style*="display:none"], [style*="display: none"], '
    '[style*="visibility:hidden"], [style*="visibility: hidden"]'
)
_BLOCKS = (
    "address, article, aside, blockquote, br, caption, dd, details, dialog, div, dl, dt, "
    "fieldset, figcaption, figure, footer, form, h1, h2, h3, h4, h5, h6, header, hr, li, "
    "main, nav, ol, p, pre, section, summary, table, tbody, tfoot, thead, tr, td, th, ul"
)
_GROUP_KIND = {
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "caption": "heading",
    "dt": "label",
    "th": "label",
    "dd": "value",
    "td": "value",
    "li": "item",
}
_TITLE_ID = re.compile(rf"\(\s*({COMMITMENT_ID})\s*\)\s*$")
# Block start "\ue000<index>\ue001" and end "\ue002": blocks nest, so an end always closes the
# most recently opened block and needs no index.
_START, _START_END, _END = "\ue000", "\ue001", "\ue002"
_SPLIT = re.compile("\ue000(\\d+)\ue001|\ue002")
_MARKERS = re.compile("\ue000\\d+\ue001|\ue002")


class Line(NamedTuple):
    """One visible line of the page. (A named tuple: pages have ~100 lines and a tuple is the
    cheapest immutable record to build.)"""

    text: str  # whitespace collapsed
    kind: str  # "heading", "label", "value", "item" (inside such an element) or "text"
    group: int  # index of the enclosing heading/label/value/item element, -1 if none
    block: int  # index of the innermost block element the line sits in, -1 for none
    soft: bool  # the line began at a <br>, not at a block boundary
    in_item: bool  # the line is inside a list item (also when inside a value cell)


@dataclass(frozen=True, slots=True)
class PageText:
    lines: tuple[Line, ...]
    html_title: str | None  # the document's <title>
    canonical_href: str | None  # <link rel="canonical">
    html_lang: str | None
    blocks: tuple[LexborNode, ...]  # block elements by index, for recovering HTML

    def html_between(self, first: int, last: int) -> str:
        """The HTML from the block holding one line to the block holding a later one: the run
        of sibling elements under their nearest common ancestor (so list items come with
        their list), with the line markers removed."""
        if first < 0 or last < 0:
            return ""
        up_first = _chain(self.blocks[first])
        up_last = _chain(self.blocks[last])
        last_ids = {node.mem_id: depth for depth, node in enumerate(up_last)}
        for depth, node in enumerate(up_first):
            if node.mem_id in last_ids:
                if depth == 0 or last_ids[node.mem_id] == 0:
                    return _MARKERS.sub("", node.html or "")
                start, stop = up_first[depth - 1], up_last[last_ids[node.mem_id] - 1]
                return _MARKERS.sub("", _sibling_html(start, stop))
        return ""


def _chain(node: LexborNode) -> list[LexborNode]:
    chain = []
    current: LexborNode | None = node
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain


def _sibling_html(start: LexborNode, stop: LexborNode) -> str:
    parts = []
    current: LexborNode | None = start
    while current is not None:
        parts.append(current.html or "")
        if current.mem_id == stop.mem_id:
            break
        current = current.next
    return "".join(parts).strip()


def _find_title(tree: LexborHTMLParser) -> LexborNode | None:
    # h1 by tag name is nearly free; the selector for lower headings costs a tree walk, paid
    # only on pages whose title is not an h1.
    for nodes in (tree.tags("h1"), tree.css("h2, h3")):
        for node in nodes:
            if _TITLE_ID.search(node.text(deep=True)):
                return node
    return None


def _ancestors(node: LexborNode | None) -> set[int]:
    found = set()
    while node is not None:
        found.add(node.mem_id)
        node = node.parent
    return found


def _drop_noise(tree: LexborHTMLParser, title: LexborNode | None) -> None:
    """One pass over the tree for everything that is not content. Nodes are unlinked, not
    destroyed, so a match nested inside an earlier match stays valid memory."""
    keep = _ancestors(title)
    body = tree.body
    if body is None:
        return
    for selector in (_CHROME, _NOT_CONTENT):  # the head's text is never read: body only
        for node in body.css(selector):
            if node.mem_id not in keep:
                node.remove()


def _head_facts(tree: LexborHTMLParser) -> tuple[str | None, str | None, str | None]:
    title_node = tree.css_first("title")
    html_title = title_node.text(deep=True).strip() if title_node is not None else None
    link = tree.css_first('link[rel="canonical"]')
    canonical = link.attributes.get("href") if link is not None else None
    root = tree.css_first("html")
    lang = root.attributes.get("lang") if root is not None else None
    return html_title or None, canonical, lang


def page_text(html: str) -> PageText:
    """The page's visible lines, with their structural kind."""
    tree = LexborHTMLParser(html)
    html_title, canonical, lang = _head_facts(tree)
    _drop_noise(tree, _find_title(tree))
    body = tree.body
    if body is None:
        return PageText((), html_title, canonical, lang, ())
    blocks = tuple(body.css(_BLOCKS))
    tags = [node.tag or "" for node in blocks]
    for index, node in enumerate(blocks):
        node.insert_before(f"{_START}{index}{_START_END}")
        if tags[index] != "br":  # a line break has no content to close
            node.insert_after(_END)
    lines = _lines(body.text(deep=True), tags)
    return PageText(tuple(lines), html_title, canonical, lang, blocks)


_NO_GROUP = ("text", -1, False)


def _nested_kind(outer: tuple[str, int, bool], index: int, tag: str) -> tuple[str, int, bool]:
    """(kind, group, in_item) inside block ``index`` given the state outside it: the outermost
    heading, label, value or item element wins, except that a list item inside a list item
    stays an item."""
    tag_kind = _GROUP_KIND.get(tag)
    if tag_kind is None:
        return outer
    kind, group, in_item = outer
    in_item = in_item or tag_kind == "item"
    if group == -1 or (tag_kind == "item" and kind == "item"):
        return tag_kind, index, in_item
    return kind, group, in_item


def _lines(text: str, tags: list[str]) -> list[Line]:
    """Lines from the marked text, split as [text, index or None (an end), text, ...]."""
    parts = _SPLIT.split(text)
    lines: list[Line] = []
    stack: list[int] = []  # open block indexes
    states = [_NO_GROUP]  # (kind, group, in_item) inside each open block, outermost first
    value_cells: dict[int, int] = {}  # open value cell -> number of lines when it opened
    soft = False
    for at in range(1, len(parts), 2):
        shown = " ".join(parts[at - 1].split())
        if shown:
            kind, group, in_item = states[-1]
            lines.append(Line(shown, kind, group, stack[-1] if stack else -1, soft, in_item))
            soft = False
        marker = parts[at]
        if marker is None:  # the end of the innermost open block
            closed = stack.pop() if stack else -1
            if len(states) > 1:
                states.pop()
            soft = False
            if value_cells.pop(closed, None) == len(lines):
                # An empty value cell still says "this label has no value" (dl/table markup).
                lines.append(Line("", "value", closed, closed, False, False))
            continue
        index = int(marker)
        tag = tags[index]
        if tag == "br":
            soft = True
            continue
        soft = False
        stack.append(index)
        states.append(_nested_kind(states[-1], index, tag))
        if _GROUP_KIND.get(tag) == "value":
            value_cells[index] = len(lines)
    shown = " ".join(parts[-1].split())
    if shown:
        kind, group, in_item = states[-1]
        lines.append(Line(shown, kind, group, stack[-1] if stack else -1, soft, in_item))
    return lines
