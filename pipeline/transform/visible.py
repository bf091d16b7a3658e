"""What of a parsed page a reader sees: its head facts, its visible title, the main landmark
around it, and the tree without what is not content (landmarks and widgets around the content,
form labels, hidden and on-demand elements), graphics replaced by their accessible names.

Pure DOM work on lexbor nodes; which tags, roles and attributes mean what is in ``selectors``.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.ids import COMMITMENT_ID
from pipeline.transform import selectors as sel

_TITLE_ID = re.compile(rf"\(\s*({COMMITMENT_ID})\s*\)\s*$")
_HIDDEN_STYLE = re.compile(sel.HIDDEN_STYLE)
_CHROME_ROLES = frozenset(
    {"banner", "navigation", "contentinfo", "complementary", "search", "form", "dialog",
     "alertdialog"}
)  # fmt: skip
_CHROME_TAGS = "header, nav, footer, aside, form, dialog"


# -- the page's head and its title ------------------------------------------------------------
def head_facts(tree: LexborHTMLParser) -> tuple[str | None, str | None, str | None, str | None]:
    html_title = canonical = og_title = None
    head = tree.head
    if head is not None:
        for node in head.css('title, link[rel="canonical"], meta[property="og:title"]'):
            tag = node.tag
            if tag == "title" and html_title is None:
                html_title = node.text(deep=True).strip() or None
            elif tag == "link" and canonical is None:
                canonical = node.attributes.get("href")
            elif tag == "meta" and og_title is None:
                og_title = (node.attributes.get("content") or "").strip() or None
    root = tree.root
    lang = root.attributes.get("lang") if root is not None else None
    return html_title, canonical, lang, og_title


def _visible(node: LexborNode) -> bool:
    """Whether a reader can see the node: not inside <noscript>, <template>, a hidden element
    or one styled display:none."""
    current: LexborNode | None = node
    while current is not None and current.tag != "body":
        if current.tag in sel.INVISIBLE_CONTAINERS:
            return False
        attrs = current.attributes
        if attrs and ("hidden" in attrs or _HIDDEN_STYLE.search(attrs.get("style") or "")):
            return False
        current = current.parent
    return True


def find_title(tree: LexborHTMLParser) -> LexborNode | None:
    # h1 by tag name is nearly free; the selector for other headings costs a tree walk, paid
    # only on pages whose title is not an h1.
    first = tree.css_first("h1")  # nearly always the title: no walk over the whole tree
    if first is not None and _TITLE_ID.search(first.text(deep=True)) and _visible(first):
        return first
    for nodes in (tree.tags("h1"), tree.css(sel.TITLE_HEADINGS)):
        for node in nodes:
            if _TITLE_ID.search(node.text(deep=True)) and _visible(node):
                return node
    return None


def content_root(tree: LexborHTMLParser, title: LexborNode | None) -> LexborNode | None:
    """The main landmark around the title, else the body: what lies outside <main> is the
    site around the page."""
    current = title
    while current is not None:
        if current.tag == "main" or (current.attributes or {}).get("role") == "main":
            return current
        current = current.parent
    if title is None:  # no title heading: the main landmark, wherever it is
        main = tree.css_first("main") or tree.css_first('[role="main"]')
        if main is not None:
            return main
    return tree.body


def ancestors(node: LexborNode | None) -> set[int]:
    found = set()
    while node is not None:
        found.add(node.mem_id)
        node = node.parent
    return found


# -- what is not content -----------------------------------------------------------------------
def _page_footer(node: LexborNode) -> bool:
    """A footer is the page's own (its contentinfo) unless it sits in a sectioning element."""
    if node.tag != "footer" and node.attributes.get("role") != "contentinfo":
        return False
    parent = node.parent
    while parent is not None and parent.tag != "body":
        if parent.tag in sel.SECTIONING:
            return False
        parent = parent.parent
    return True


def drop_chrome(root: LexborNode, keep: set[int], break_mark: str, end_mark: str) -> None:
    """Landmarks and widgets around the content, replaced by ``break_mark``: a section ends
    there (the page's footer by ``end_mark``: nothing after it is content). Nodes are
    unlinked, not destroyed, so a match nested in an earlier match stays valid."""
    for node in root.css(_CHROME_TAGS):
        if node.mem_id not in keep:
            node.replace_with(end_mark if _page_footer(node) else break_mark)
    for node in root.css("[role]"):
        if node.attributes.get("role") in _CHROME_ROLES and node.mem_id not in keep:
            node.replace_with(end_mark if _page_footer(node) else break_mark)


def drop_form_labels(root: LexborNode) -> None:
    """A <label> of a search box or any form field names the control, not the content."""
    for label in root.css("label"):
        target = label.attributes.get("for")
        control = label.css_first("input, select, textarea")
        if control is None and target:
            found = root.css_first(f'[id="{target.replace(chr(34), "")}"]')
            control = found if found is not None and found.tag in sel.FORM_CONTROLS else None
        sibling = label.next
        while control is None and sibling is not None and sibling.tag in ("-text", "-comment"):
            sibling = sibling.next
        if control is not None or (sibling is not None and sibling.tag in sel.FORM_CONTROLS):
            label.remove()


def _graphic_name(node: LexborNode) -> str | None:
    attrs = node.attributes
    if attrs.get("aria-hidden") == "true" or "hidden" in attrs:
        return None
    for name in sel.GRAPHIC_NAME_ATTRIBUTES:
        value = (attrs.get(name) or "").strip()
        if value:
            return value
    if node.tag == "svg":
        title = node.css_first("title")
        return (title.text(deep=True).strip() or None) if title is not None else None
    return None


def name_graphics(root: LexborNode) -> None:
    """A graphic that shows a value (a rating, a meter, a star) is read by its accessible name:
    the graphic is replaced by that name as text."""
    seen: set[int] = set()
    for node in root.css(sel.GRAPHICS):
        if node.mem_id in seen:
            continue
        seen.add(node.mem_id)
        name = _graphic_name(node)
        if name is not None and _shows_a_value(node, root.mem_id):
            node.replace_with(f" {name} ")


def _shows_a_value(node: LexborNode, root_id: int) -> bool:
    """Not a heading's icon, and not the only content of a link or button (whose name says
    what it does: "Share on X"). A star beside a link's text is part of what the link shows."""
    parent = node.parent
    while parent is not None and parent.mem_id != root_id:
        tag = parent.tag
        if tag in sel.HEADING_LEVELS or (parent.attributes or {}).get("role") == "heading":
            return False
        if tag in sel.CONTROLS:
            own = node.text(deep=True) or ""
            return bool((parent.text(deep=True) or "").replace(own, "", 1).strip())
        parent = parent.parent
    return True


def drop_noise(root: LexborNode) -> None:
    for node in root.css(sel.NOT_CONTENT):
        if node.tag in sel.NOT_CONTENT_TAGS or _hidden(node):
            node.remove()


def _hidden(node: LexborNode) -> bool:
    """Hidden by an attribute, a tooltip role, or a style that hides it ([style] is one cheap
    selector for every styled element; only a style that hides counts)."""
    attrs = node.attributes
    if "hidden" in attrs or "popover" in attrs or attrs.get("role") == "tooltip":
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))
