"""The dimensions along which a generated page varies, and one seeded draw of them.

The issue fixes the first six groups (containers, colons and separators, headings, wrappers
and whitespace, chrome, hidden text and graphics); the others (title markup, member line,
encodings) are added here. Each page draws every dimension independently; accuracy is then
reported per dimension value.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields

DIMENSIONS: dict[str, tuple[str, ...]] = {
    # label/value containers ("components": a label element, then one element per value)
    "container": (
        "p_strong", "dl", "table", "soup", "components", "label_output", "aria_table",
        "aria_terms", "mixed",
    ),
    "colon": ("yes", "no"),
    "separator": ("comma", "semicolon", "pipe", "bullet", "none"),
    # headings: element, role="heading" + aria-level, text wrapped in spans
    "heading_markup": ("h", "role_heading", "h_spans", "div_role_spans"),
    "heading_levels": ("2_3", "3_4", "2_2", "4_5"),
    "info_icon": (
        "button", "tooltip", "hidden_tip", "popover", "visible_i", "glued_i", "glyph", "svg_icon",
    ),
    # wrappers, nesting depth, whitespace, entities
    "wrappers": ("none", "section", "div", "labelled_section", "article"),
    "nesting": ("0", "3", "12"),
    "whitespace": ("pretty", "minified"),
    "entities": ("plain", "named", "numeric", "mixed"),
    # chrome before, after and around the content
    "menu": ("nav", "role_navigation", "header_list", "none"),
    "breadcrumb": ("nav", "list", "text", "none"),
    "form": ("none", "header_search", "label_input_above_title", "role_search", "signup"),
    "related": ("none", "section_heading", "aside", "labelled_section", "complementary", "nav"),
    "related_position": ("after_description", "end"),
    "carousel": ("none", "region_top", "region_end"),
    "footer": ("footer", "role_contentinfo", "footer_long"),
    "sidebar": ("none", "aside_before", "aside_after", "complementary_after"),
    "cookie_banner": ("none", "hidden", "dialog", "region"),
    "share_bar": ("none", "after_title", "aside_after_description"),
    # one more widget, wherever it sits in the content
    "widget": ("none", "search_box", "signup_form", "carousel", "cookie_dialog"),
    "widget_spot": ("between_blocks", "after_description", "before_member_list"),
    # screen-reader duplicates, visually-hidden text, graphics with accessible names
    "sr_text": ("none", "duplicate", "sr_only_value"),
    # the glossary tooltip inside a label: hidden by the page, or only by its stylesheet
    "glossary": ("hidden", "css_hidden"),
    "graphics": ("none", "img_alt", "role_img", "meter", "progressbar", "svg_title"),
    # added dimensions
    "title_markup": (
        "h1", "role_heading", "h1_spans", "div_title", "noscript_decoy", "hidden_decoy",
        "og_only",
    ),
    "member_line": ("link", "text", "link_in_p"),
    # the "Starred commitment" marker of the member list: text, or a star icon named so
    "member_star": ("text", "icon", "icon_in_link"),
    "main_landmark": ("main", "role_main", "none"),
    # short paragraphs of the description drawn as sub-headings under its own heading
    "prose_headings": ("none", "subheadings"),
    "encoding": (
        "utf8_meta", "utf8_none", "utf8_bom", "windows1252_meta", "iso88591_meta",
        "http_windows1252", "utf16le_bom", "utf16be_bom",
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Layout:
    container: str
    colon: str
    separator: str
    heading_markup: str
    heading_levels: str
    info_icon: str
    wrappers: str
    nesting: str
    whitespace: str
    entities: str
    menu: str
    breadcrumb: str
    form: str
    related: str
    related_position: str
    carousel: str
    footer: str
    sidebar: str
    cookie_banner: str
    share_bar: str
    widget: str
    widget_spot: str
    sr_text: str
    glossary: str
    graphics: str
    title_markup: str
    member_line: str
    member_star: str
    main_landmark: str
    prose_headings: str
    encoding: str

    def items(self) -> list[tuple[str, str]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def describe(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.items())


def draw_layout(rng: random.Random) -> Layout:
    return Layout(**{name: rng.choice(values) for name, values in DIMENSIONS.items()})


def _check() -> None:
    names = [f.name for f in fields(Layout)]
    if names != list(DIMENSIONS):
        raise AssertionError(f"Layout fields {names} differ from DIMENSIONS {list(DIMENSIONS)}")


_check()
