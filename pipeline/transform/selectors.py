"""What standard HTML and ARIA say about an element, as CSS selectors and tag tables: the one
place the parser names tags, roles and attributes. Nothing here names a CSS class or an id;
the site's class names are unknown and change.
"""

from __future__ import annotations

# Landmarks and widgets that are not the commitment's content: site header, menus, sidebars,
# footers, forms (search, sign-up), dialogs (cookie banners). Dropped unless they contain the
# commitment title; where one stood, a section of the content ends.
CHROME = (
    "header, nav, footer, aside, form, search, dialog, "
    '[role="banner"], [role="navigation"], [role="contentinfo"], [role="complementary"], '
    '[role="search"], [role="form"], [role="dialog"], [role="alertdialog"], [aria-modal="true"]'
)
# What no reader sees: scripts and styles, controls (an info icon "i" is a button), embedded
# objects, hidden elements, tooltips and popovers (shown only on demand), the fallback text
# inside meters and progress bars, and elements styled display:none or visibility:hidden
# (``HIDDEN_STYLE``, checked on the few elements with a style attribute).
NOT_CONTENT = (
    "script, style, noscript, template, svg, iframe, button, select, textarea, object, canvas, "
    'map, input, meter, progress, [hidden], [popover], [role="tooltip"], [style]'
)
NOT_CONTENT_TAGS = frozenset(
    part.strip() for part in NOT_CONTENT.split(",") if not part.strip().startswith("[")
)
HIDDEN_STYLE = r"display\s*:\s*none|visibility\s*:\s*hidden"
# A footer inside one of these closes that section only; elsewhere it is the page's footer.
SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
# Containers that hide what is inside them from every reader (a title in <noscript> is not the
# page's title).
INVISIBLE_CONTAINERS = frozenset({"noscript", "template", "script", "style", "head"})
FORM_CONTROLS = frozenset({"input", "select", "textarea"})
# Graphics that carry a value only as an accessible name (ratings, meters, progress bars, star
# icons). Decorative ones (aria-hidden, empty alt) have no name and stay silent.
GRAPHICS = 'img[alt], svg, [role="img"], [role="meter"], [role="progressbar"], meter, progress'
# Names are read from these attributes, in this order (aria-valuetext says what a meter
# shows; aria-label names any graphic; alt and title are the older ways).
GRAPHIC_NAME_ATTRIBUTES = ("aria-valuetext", "aria-label", "alt", "title")
# Links and buttons: a graphic that is all they show names what they do, not a value.
CONTROLS = frozenset({"a", "button"})
# Elements that end a line. Lists, definition lists, tables and their rows need no marks of
# their own: their items and cells have them (fewer marks, a cheaper parse).
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
        "div", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "p", "pre",
        "section", "summary", "td", "th", "label", "output",
    }
)  # fmt: skip
# Elements whose ARIA role gives them a structural kind (they end a line too).
ROLES = (
    '[role="heading"], [role="rowheader"], [role="columnheader"], [role="term"], '
    '[role="cell"], [role="gridcell"], [role="definition"], [role="listitem"], [role="row"]'
)
# Labelled regions: a section ends where one starts or ends (sections and role=region count
# as regions only with an accessible name, as in ARIA).
REGIONS = (
    "section[aria-label], section[aria-labelledby], "
    '[role="region"][aria-label], [role="region"][aria-labelledby]'
)
# Info icons drawn as text at the end of a heading ("Design i", "Designⓘ"): not the heading.
INFO_ICON_TEXTS = frozenset({"i", "ⓘ", "ℹ", "ℹ️", "🛈"})
HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
DEFAULT_ARIA_LEVEL = 2  # ARIA's default for role="heading" without aria-level
TITLE_HEADINGS = 'h2, h3, h4, h5, h6, [role="heading"]'  # after h1, where titles are sought
KIND_BY_TAG = {
    **dict.fromkeys(HEADING_LEVELS, "heading"),
    "caption": "heading",
    "dt": "label",
    "th": "label",
    "label": "label",
    "dd": "value",
    "td": "value",
    "output": "value",
    "li": "item",
}
KIND_BY_ROLE = {
    "heading": "heading",
    "rowheader": "label",
    "columnheader": "label",
    "term": "label",
    "cell": "value",
    "gridcell": "value",
    "definition": "value",
    "listitem": "item",
}
