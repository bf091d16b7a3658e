"""One generated page: a fixture spec drawn into a random layout, as a tree, as HTML and as
the bytes a server would send (with the HTTP Content-Type, when the layout sends one)."""

from __future__ import annotations

import codecs
import html
import random
from dataclasses import dataclass

from demosite.content import PageContent, content_specs
from fuzz.article import Article, flatten
from fuzz.chrome import Chrome
from fuzz.dom import El, Node, Text, el, raw, serialize
from fuzz.layout import Layout, draw_layout

_META = {
    "utf8_meta": '<meta charset="utf-8">',
    "utf8_bom": '<meta charset="UTF-8">',
    "windows1252_meta": '<meta charset="windows-1252">',
    "iso88591_meta": '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
    # The header wins over the page's own (wrong) declaration, as in a browser.
    "http_windows1252": '<meta charset="utf-8">',
    "utf16le_bom": '<meta charset="utf-16">',
    "utf16be_bom": '<meta charset="utf-16">',
}
_HTTP = {"http_windows1252": "text/html; charset=windows-1252"}


@dataclass(frozen=True)
class GeneratedPage:
    seed: int
    spec: PageContent
    layout: Layout
    tree: El

    @property
    def url(self) -> str:
        return self.spec.url

    @property
    def content_type(self) -> str | None:
        return _HTTP.get(self.layout.encoding, "text/html")

    def html(self, tree: El | None = None) -> str:
        html = serialize(tree or self.tree, pretty=self.layout.whitespace == "pretty")
        return f"<!DOCTYPE html>\n{html}\n"

    def body(self, tree: El | None = None) -> bytes:
        return encode(self.html(tree), self.layout.encoding)


def encode(html: str, encoding: str) -> bytes:
    if encoding in ("windows1252_meta", "iso88591_meta", "http_windows1252"):
        # Characters windows-1252 lacks are sent as numeric references, as servers do.
        return html.encode("cp1252", errors="xmlcharrefreplace")
    if encoding == "utf8_bom":
        return codecs.BOM_UTF8 + html.encode("utf-8")
    if encoding == "utf16le_bom":
        return codecs.BOM_UTF16_LE + html.encode("utf-16-le")
    if encoding == "utf16be_bom":
        return codecs.BOM_UTF16_BE + html.encode("utf-16-be")
    return html.encode("utf-8")


def spec_for(seed: int) -> PageContent:
    specs = content_specs()
    return specs[seed % len(specs)]


def generate(seed: int) -> GeneratedPage:
    """The page of one seed: spec ``seed % number of specs``, layout drawn from the seed."""
    rng = random.Random(seed)
    spec = spec_for(seed)
    layout = draw_layout(rng)
    return GeneratedPage(seed, spec, layout, build(spec, layout, rng))


def build(spec: PageContent, layout: Layout, rng: random.Random) -> El:
    article = Article(spec, layout, rng)
    chrome = Chrome(spec, layout.entities, rng)
    body = el("body", {"class": "single single-commitment"})
    cookie = chrome.cookie_banner(layout.cookie_banner)
    cookie_on_top = rng.random() < 0.5
    body.add(cookie if cookie_on_top else None)
    body.add(chrome.skip_link())
    if layout.carousel == "region_top":
        body.add(chrome.carousel())
    header = el("header", {"class": "site-header"}, el("div", {}, Text("Open Government")))
    if layout.menu in ("nav", "header_list"):
        header.add(chrome.menu(layout.menu))
    if layout.form == "header_search":
        header.add(chrome.search_form(role=False))
    body.add(header)
    if layout.menu == "role_navigation":
        body.add(chrome.menu(layout.menu))
    body.add(chrome.breadcrumb(layout.breadcrumb))
    if layout.form == "role_search":
        body.add(chrome.search_form(role=True))
    if layout.sidebar == "aside_before":
        body.add(chrome.sidebar(layout.sidebar))
    main = {
        "main": el("main", {"id": "main"}),
        "role_main": el("div", {"id": "main", "role": "main"}),
        "none": el("div", {"id": "content", "class": "site-main"}),
    }[layout.main_landmark]
    main.children = _nest(_content(article, chrome, layout, rng), int(layout.nesting))
    body.add(main)
    if layout.carousel == "region_end":
        body.add(chrome.carousel())
    if layout.sidebar in ("aside_after", "complementary_after"):
        body.add(chrome.sidebar(layout.sidebar))
    body.add(chrome.footer(layout.footer))
    body.add(None if cookie_on_top else cookie)
    body.add(el("script", {}, raw('document.documentElement.className = "js";')))
    root = el("html", {"lang": "en-US" if spec.language == "en" else "es-ES"})
    root.add(_head(spec, layout), body)
    root.children = flatten(root.children)
    return root


def _content(article: Article, chrome: Chrome, layout: Layout, rng: random.Random) -> list[Node]:
    spec = article.content
    before: list[Node] = []
    if layout.form == "label_input_above_title":
        before.append(chrome.inline_search())
    parts: list[Node] = []
    if layout.title_markup == "og_only":
        if spec.member_name:
            parts.append(el("div", {}, article.member_line(spec.member_name)))
        parts.extend(before)
    else:
        parts.append(article.title_block(before))
    if layout.share_bar == "after_title":
        parts.append(chrome.share_bar(landmark=False))
    widget = chrome.widget(layout.widget, article.section_level)
    blocks: list[Node] = list(article.blocks())
    if widget is not None and layout.widget_spot == "between_blocks":
        blocks.insert(rng.randint(1, len(blocks)), widget)
    parts.extend(blocks)
    related = chrome.related(layout.related, article.section_level)
    if spec.description is not None:
        parts.append(article.prose(spec.description))
    if widget is not None and layout.widget_spot == "after_description":
        parts.append(widget)
    if layout.share_bar == "aside_after_description":
        parts.append(chrome.share_bar(landmark=True))
    if layout.form == "signup":
        parts.append(chrome.signup(article.section_level))
    if related is not None and layout.related_position == "after_description":
        parts.append(related)
    if spec.status_summary is not None:
        parts.append(article.prose(spec.status_summary))
    if widget is not None and layout.widget_spot == "before_member_list":
        parts.append(widget)
    if spec.member_list is not None:
        parts.append(article.member_list(spec.member_list))
    if related is not None and layout.related_position == "end":
        parts.append(related)
    if rng.random() < 0.5:
        return [el("article", {"class": "type-commitment"}, *parts)]
    return parts


def _nest(parts: list[Node], depth: int) -> list[Node]:
    for level in range(depth):
        parts = [el("div", {"class": f"wrap-{level}"}, *parts)]
    return parts


def _head(spec: PageContent, layout: Layout) -> El:
    head = el("head")
    meta = _META.get(layout.encoding)
    if meta:
        head.add(raw(meta))
    if spec.html_title is not None:
        head.add(el("title", {}, Text(_escape(spec.html_title))))
    og_title = spec.html_title or f"{spec.title_line} | Open Government Partnership"
    head.add(raw(f'<meta property="og:title" content="{_escape(og_title, quote=True)}">'))
    head.add(raw(f'<link rel="canonical" href="{spec.path}">'))
    head.add(el("style", {}, raw(".sr-only{position:absolute;clip:rect(0 0 0 0)}")))
    return head


def _escape(value: str, *, quote: bool = False) -> str:
    return html.escape(value, quote=quote)
