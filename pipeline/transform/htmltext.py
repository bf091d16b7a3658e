"""HTML to visible lines, the way a reader sees them, at C speed.

The real markup of the site is unknown, so nothing here looks at CSS classes or ids. Only the
meaning of standard HTML and ARIA is used (``selectors``): which elements are not content,
which ones end a line, which ones hold headings (and their rank), labels, values and list
items, and where a landmark or labelled region starts or ends.

lexbor does the heavy lifting: we insert marker characters (noncharacters) around every block
element and ask for the text once, instead of walking the DOM in Python. The text comes with
a separator between text nodes, so a line still knows where one element's text ended and the
next began ("Status" in <strong> and "Active" after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.errors import PageTooComplex
from pipeline.transform import selectors as sel
from pipeline.transform import visible
from pipeline.transform.limits import CHECK_EVERY, NO_DEADLINE, Deadline

# Every marker starts with "\ufdd0", so one str.split finds them all: a block's start is
# "\ufdd0<index>\ufdd1", its end "\ufdd0\ufdd2" (blocks nest, so an end closes the most
# recently opened block and needs no index); "\ufdd0\ufdd4" stands where chrome was removed,
# "\ufdd0\ufdd5" where the page's footer was: nothing after it is content. These are Unicode
# noncharacters, kept for a program's internal use and never part of a page's text (icon fonts
# do use the private-use area); a page that carries them anyway is refused, not misread.
_MARK, _START_END = "\ufdd0", "\ufdd1"
_END_KIND, _BREAK_KIND, _PAGE_END_KIND = "\ufdd2", "\ufdd4", "\ufdd5"
_END, _BREAK, _PAGE_END = _MARK + _END_KIND, _MARK + _BREAK_KIND, _MARK + _PAGE_END_KIND
PIECE = "\ufdd3"  # between two text nodes
_MARKERS = re.compile("\ufdd0(?:[0-9]+\ufdd1|[\ufdd2\ufdd4\ufdd5])")
UNRANKED = 7  # the rank of a line that is not a heading element (below h6)


class Line(NamedTuple):
    """One visible line of the page. (A named tuple: pages have ~100 lines and a tuple is the
    cheapest immutable record to build.)"""

    text: str  # whitespace collapsed
    kind: str  # "heading", "label", "value", "item" (inside such an element), "text", "break"
    group: int  # index of the enclosing heading/label/value/item element, -1 if none
    block: int  # index of the innermost block element the line sits in, -1 for none
    soft: bool  # the line began at a <br>, not at a block boundary
    in_item: bool  # the line is inside a list item (also when inside a value cell)
    level: int = UNRANKED  # heading rank (1-6) of a heading line
    raw: str = ""  # the text with PIECE between text nodes, whitespace as in the page

    @property
    def pieces(self) -> list[str]:
        """The line's text node by text node (whitespace as in the page)."""
        return (self.raw or self.text).split(PIECE)


BREAK_LINE = Line("", "break", -1, -1, False, False)
# Where a labelled region starts: a break too, and the heading after it is the region's own.
REGION_START = "region"
REGION_LINE = Line("", "break", -1, -1, False, False, UNRANKED, REGION_START)
END_LINE = Line("", "end", -1, -1, False, False)


@dataclass(frozen=True, slots=True)
class PageText:
    lines: tuple[Line, ...]
    html_title: str | None  # the document's <title>
    canonical_href: str | None  # <link rel="canonical">
    html_lang: str | None
    og_title: str | None  # <meta property="og:title">
    blocks: tuple[LexborNode, ...]  # block elements by index, for recovering HTML
    parents: tuple[int, ...]  # each block's enclosing block (-1: none)

    def contains(self, outer: int, block: int) -> bool:
        """Whether block ``outer`` is ``block`` or one of its ancestors."""
        while block != -1:
            if block == outer:
                return True
            block = self.parents[block]
        return False

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


# -- blocks and their kinds -------------------------------------------------------------------
def _block_kinds(
    root: LexborNode,
) -> tuple[list[LexborNode], list[str], list[int], set[int]]:
    """Every block element with its kind ("" for none), heading rank, and which blocks are
    labelled regions."""
    # The root itself may match (a <main>): its markers would fall outside its text.
    # One walk over every element and a set lookup: much cheaper than a selector of 40 tags.
    root_id = root.mem_id
    blocks = [n for n in root.css("*") if n.tag in sel.BLOCKS and n.mem_id != root_id]
    seen = {node.mem_id for node in blocks} | {root.mem_id}
    roles = {}
    for node in root.css("[role]"):
        role = node.attributes.get("role") or ""
        roles[node.mem_id] = (role, node)
        if node.mem_id not in seen and (role in sel.KIND_BY_ROLE or role in ("row", "region")):
            seen.add(node.mem_id)
            blocks.append(node)
    kinds, levels, regions = [], [], set()
    for index, node in enumerate(blocks):
        tag = node.tag or ""
        kind, level = sel.KIND_BY_TAG.get(tag, ""), sel.HEADING_LEVELS.get(tag, UNRANKED)
        role_node = roles.get(node.mem_id)
        if role_node is not None:
            role = role_node[0]
            kind = sel.KIND_BY_ROLE.get(role, kind)
            if role == "heading":
                level = _aria_level(node)
            elif role == "region" and _labelled(node):
                regions.add(index)
        elif tag == "section" and _labelled(node):
            regions.add(index)
        kinds.append(kind)
        levels.append(level)
    return blocks, kinds, levels, regions


def _labelled(node: LexborNode) -> bool:
    attrs = node.attributes
    return bool(attrs.get("aria-label") or attrs.get("aria-labelledby"))


def _aria_level(node: LexborNode) -> int:
    value = (node.attributes.get("aria-level") or "").strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= 6:
        return int(value)
    return sel.DEFAULT_ARIA_LEVEL


def page_text(html: str, deadline: Deadline = NO_DEADLINE) -> PageText:
    """The page's visible lines, with their structural kind."""
    tree = LexborHTMLParser(html)
    html_title, canonical, lang, og_title = visible.head_facts(tree)
    title = visible.find_title(tree)
    root = visible.content_root(tree, title)
    if root is None:
        return PageText((), html_title, canonical, lang, og_title, (), ())
    visible.drop_chrome(root, visible.ancestors(title), _BREAK, _PAGE_END)
    visible.drop_form_labels(root)
    visible.name_graphics(root)
    visible.drop_noise(root)
    blocks, kinds, levels, regions = _block_kinds(root)
    tags = [node.tag or "" for node in blocks]
    for index, node in enumerate(blocks):
        node.insert_before(f"{_MARK}{index}{_START_END}")
        if tags[index] != "br":  # a line break has no content to close
            node.insert_after(_END)
    text = root.text(deep=True, separator=PIECE)
    if text.count(_START_END) != len(blocks) or text.count(_END) != len(blocks) - tags.count("br"):
        raise PageTooComplex(
            "the page's text contains the parser's marker characters (U+FDD0-U+FDD5)"
        )
    parents = [-1] * len(blocks)
    lines = _Lines(tags, kinds, levels, regions, parents, deadline).read(text)
    return PageText(
        tuple(lines), html_title, canonical, lang, og_title, tuple(blocks), tuple(parents)
    )


_NO_GROUP = ("text", -1, False, UNRANKED)
_BLANK = " \t\n\r\f\v\xa0" + PIECE  # a chunk of only these shows nothing


def _without_icon(raw: str, shown: str) -> str:
    """A heading without an info icon drawn as text at its end, in its own element or after
    a space ("Designi" from "Design<span>i</span>", "Design ⓘ")."""
    words = shown.rsplit(" ", 1)
    if len(words) == 2 and words[1] in sel.INFO_ICON_TEXTS:
        return words[0]
    pieces = [piece for piece in raw.split(PIECE) if piece.strip()]
    if len(pieces) > 1 and pieces[-1].strip() in sel.INFO_ICON_TEXTS:
        return " ".join("".join(pieces[:-1]).split())
    return shown


class _Lines:
    """Lines from the marked text, split as [text, start index, end or break, text, ...]."""

    def __init__(
        self,
        tags: list[str],
        kinds: list[str],
        levels: list[int],
        regions: set[int],
        parents: list[int],
        deadline: Deadline,
    ) -> None:
        self.tags, self.kinds, self.levels, self.regions = tags, kinds, levels, regions
        self.parents, self.deadline = parents, deadline

    def read(self, text: str) -> list[Line]:
        parts = text.split(_MARK)  # [text, marker + text, marker + text, ...]
        lines: list[Line] = []
        stack: list[int] = []  # open block indexes
        # (kind, group, in_item, level) inside each open block: the outermost heading, label,
        # value or item element wins, except that a list item inside a list item stays one.
        states = [_NO_GROUP]
        value_cells: dict[int, int] = {}  # open value cell -> number of lines when it opened
        soft = False
        tags, kinds, levels, regions, parents = (
            self.tags, self.kinds, self.levels, self.regions, self.parents
        )  # fmt: skip
        chunk = parts[0]
        for at in range(1, len(parts) + 1):
            if chunk and chunk.strip(_BLANK):
                shown = " ".join(chunk.replace(PIECE, "").split())
                if shown:
                    kind, group, in_item, level = states[-1]
                    if kind == "heading":
                        shown = _without_icon(chunk, shown)
                    block = stack[-1] if stack else -1
                    lines.append(Line(shown, kind, group, block, soft, in_item, level, chunk))
                    soft = False
            if at == len(parts):
                break
            if not at & (CHECK_EVERY - 1):
                self.deadline.check()
            part = parts[at]
            marker = part[:1]
            if marker == _END_KIND:
                chunk = part[1:]
                closed = stack.pop() if stack else -1
                if len(states) > 1:
                    states.pop()
                soft = False
                if value_cells.pop(closed, None) == len(lines):
                    # An empty value cell still says "this label has no value" (dl/table markup).
                    lines.append(Line("", "value", closed, closed, False, False))
                if closed in regions:
                    lines.append(BREAK_LINE)
                continue
            if marker in (_BREAK_KIND, _PAGE_END_KIND):
                chunk = part[1:]
                lines.append(BREAK_LINE if marker == _BREAK_KIND else END_LINE)
                continue
            cut = part.index(_START_END)
            index = int(part[:cut])
            chunk = part[cut + 1 :]
            if tags[index] == "br":
                soft = True
                continue
            soft = False
            parents[index] = stack[-1] if stack else -1
            stack.append(index)
            tag_kind = kinds[index]
            outer = states[-1]
            if not tag_kind:
                states.append(outer)
            elif outer[1] == -1 or (tag_kind == "item" and outer[0] == "item"):
                states.append((tag_kind, index, outer[2] or tag_kind == "item", levels[index]))
            else:
                states.append((outer[0], outer[1], outer[2] or tag_kind == "item", outer[3]))
            if tag_kind == "value":
                value_cells[index] = len(lines)
            if index in regions:
                lines.append(REGION_LINE)
        return lines
