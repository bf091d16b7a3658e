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

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Not content: scripts and styles, controls (the info icon "i" is a button), embedded objects.
_NON_CONTENT = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
    "textarea",
    "object",
    "canvas",
    "map",
    "input",
]
# Hidden from every reader: hidden elements, tooltips, inline display:none.
_HIDDEN = (
    '[hidden], [role="tooltip"], [style*="display:none"], [style*="display: none"], '
    '[style*="visibility:hidden"], [style*="visibility: hidden"]'
)
# Site chrome, dropped unless it contains the commitment title.
_CHROME = "header, nav, footer, aside"
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
_TITLE_ID = re.compile(r"\(\s*([A-Za-z]{2,5}\d{4})\s*\)\s*$")
_START, _START_END, _END, _END_END = "\ue000", "\ue001", "\ue002", "\ue003"
_TOKENS = re.compile("\ue000(\\d+)\ue001|\ue002(\\d+)\ue003|[^\ue000\ue002]+")
_MARKERS = re.compile("\ue000\\d+\ue001|\ue002\\d+\ue003")


@dataclass(frozen=True, slots=True)
class Line:
    """One visible line of the page."""

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
    for node in tree.css("h1, h2, h3"):
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
    tree.strip_tags(_NON_CONTENT)
    keep = _ancestors(title)
    for node in tree.css(_HIDDEN):
        if node.mem_id not in keep:
            node.decompose()
    for node in tree.css(_CHROME):
        if node.mem_id not in keep:
            node.decompose()


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
    for index, node in enumerate(blocks):
        node.insert_before(f"{_START}{index}{_START_END}")
        node.insert_after(f"{_END}{index}{_END_END}")
    tags = [node.tag or "" for node in blocks]
    lines = _lines(body.text(deep=True), tags)
    return PageText(tuple(lines), html_title, canonical, lang, blocks)


class _LineBuilder:
    def __init__(self, tags: list[str]) -> None:
        self.tags = tags
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.stack: list[int] = []  # open block indexes
        self.opened_at: dict[int, int] = {}  # value cell index -> line count when it opened
        self.soft = False

    def flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        self.parts.clear()
        if not text:
            return
        group, kind, in_item = -1, "text", False
        for index in self.stack:
            tag_kind = _GROUP_KIND.get(self.tags[index])
            if tag_kind is None:
                continue
            in_item = in_item or tag_kind == "item"
            if group == -1 or (tag_kind == "item" and kind == "item"):
                group, kind = index, tag_kind  # outermost group wins; nested items stay items
        block = self.stack[-1] if self.stack else -1
        self.lines.append(Line(text, kind, group, block, self.soft, in_item))
        self.soft = False

    def start(self, index: int) -> None:
        self.flush()
        if self.tags[index] == "br":
            self.soft = True
            return
        self.soft = False
        self.stack.append(index)
        if _GROUP_KIND.get(self.tags[index]) == "value":
            self.opened_at[index] = len(self.lines)

    def end(self, index: int) -> None:
        if self.tags[index] == "br":
            return
        self.flush()
        self.soft = False
        if self.opened_at.pop(index, None) == len(self.lines):
            # An empty value cell still says "this label has no value" (dl/table markup).
            self.lines.append(Line("", "value", index, index, False, False))
        while self.stack:
            if self.stack.pop() == index:
                break


def _lines(text: str, tags: list[str]) -> list[Line]:
    builder = _LineBuilder(tags)
    for match in _TOKENS.finditer(text):
        start, end = match.group(1), match.group(2)
        if start is not None:
            builder.start(int(start))
        elif end is not None:
            builder.end(int(end))
        else:
            builder.parts.append(match.group(0))
    builder.flush()
    return builder.lines
