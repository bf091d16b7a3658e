"""Chrome around a generated page: menus, breadcrumbs, forms with labels, related-content
sections with cards and dates, carousels, sidebars, cookie banners, share bars and footers.

Each piece is drawn the way real sites mark it up. Texts name things a commitment page also
shows ("Policy Areas", "Commitments", "IRM Review", titles with IDs) on purpose, so a parser
must tell chrome from content by what a reader sees, never by words alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from demosite.chrome import words
from demosite.content import PageContent
from demosite.htmlbits import slugify
from fuzz.dom import El, Node, Text, el, text

_EXTRA = {
    "en": {
        "related": "Related Stories", "story": "Story", "news": "News",
        "share": "Share", "featured": "Featured", "previous": "Previous", "next": "Next",
        "search_for": "Search for:", "email": "Email:", "name": "Name:",
        "subscribe": "Subscribe", "cookie_title": "Cookie consent", "about": "About",
    },
    "es": {
        "related": "Historias relacionadas", "story": "Historia", "news": "Noticias",
        "share": "Compartir", "featured": "Destacados", "previous": "Anterior",
        "next": "Siguiente", "search_for": "Buscar:", "email": "Correo:", "name": "Nombre:",
        "subscribe": "Suscribirse", "cookie_title": "Consentimiento de cookies",
        "about": "Acerca de",
    },
}  # fmt: skip
_MENU = ("Members", "Policy Areas", "IRM Review", "Commitments", "Action Plans", "Resources")
_STORIES = (
    ("17 February 2016", "What open government week taught us about participation"),
    ("3 March 2019", "Open contracting reforms reach local governments"),
    ("21 June 2021", "Five lessons from co-creating an action plan"),
    ("9 November 2023", "Beneficial ownership registers: where next?"),
)
_FOOTER_SECTIONS = ("About", "Our Members", "Policy Areas", "Resources", "News", "Contact")


@dataclass
class Chrome:
    content: PageContent
    entities: str
    rng: random.Random

    def __post_init__(self) -> None:
        self.w = {**words(self.content.language), **_EXTRA[self.content.language]}

    def t(self, value: str) -> El | Text:
        return text(value, self.entities, self.rng)

    def link(self, href: str, value: str, **attrs: str) -> El:
        return el("a", {"href": href, **attrs}, self.t(value))

    # -- navigation ---------------------------------------------------------------------------
    def menu_list(self) -> El:
        items = []
        for entry in _MENU:
            sub = el("ul", {"class": "sub-menu"})
            for n in range(3):
                sub.add(el("li", {}, self.link(f"/{slugify(entry)}/{n}/", f"{entry} {n + 1}")))
            items.append(el("li", {}, self.link(f"/{slugify(entry)}/", entry), sub))
        return el("ul", {"class": "menu"}, *items)

    def menu(self, kind: str) -> El | None:
        if kind == "nav":
            return el("nav", {"aria-label": "Primary"}, self.menu_list())
        if kind == "role_navigation":
            return el("div", {"role": "navigation", "class": "main-nav"}, self.menu_list())
        if kind == "header_list":
            return self.menu_list()
        return None

    def crumbs(self) -> list[tuple[str, str | None]]:
        content = self.content
        trail: list[tuple[str, str | None]] = [
            (self.w["home"], "/"),
            (self.w["members"], "/our-members/"),
        ]
        if content.member_name:  # never invent a name the page does not show
            trail.append((content.member_name, f"/members/{content.member_slug}/"))
        trail.append((content.commitment_id, None))
        return trail

    def breadcrumb(self, kind: str) -> El | None:
        if kind == "none":
            return None
        crumbs = self.crumbs()
        if kind == "text":
            parts: list[Node] = []
            for index, (label, href) in enumerate(crumbs):
                if index:
                    parts.append(Text(" › "))
                parts.append(self.link(href, label) if href else self.t(label))
            return el("div", {"class": "breadcrumbs"}, *parts)
        items = [
            el("li", {}, self.link(href, label) if href else self.t(label))
            for label, href in crumbs
        ]
        trail = el("ol", {"class": "breadcrumb"}, *items)
        if kind == "nav":
            return el("nav", {"aria-label": "Breadcrumb"}, trail)
        return trail

    # -- forms ---------------------------------------------------------------------------------
    def search_form(self, role: bool) -> El:
        label = el("label", {"for": "s"}, self.t(self.w["search_for"]))
        field = el("input", {"type": "search", "id": "s", "name": "s"})
        button = el("button", {"type": "submit"}, self.t(self.w["search"]))
        if role:
            return el("div", {"role": "search"}, label, field, button)
        return el("form", {"role": "search", "action": "/"}, label, field, button)

    def inline_search(self) -> El:
        """A label and a search box with no form around them (the issue's case)."""
        label = el("label", {}, self.t(self.w["search_for"]))
        return el(
            "div", {"class": "search-inline"}, label, Text(" "), el("input", {"type": "search"})
        )

    def signup(self, level: int) -> El:
        return el(
            "form",
            {"class": "signup", "action": "/subscribe/"},
            el(f"h{level}", {}, self.t(self.w["newsletter"])),
            el("label", {"for": "em"}, self.t(self.w["email"])),
            el("input", {"type": "email", "id": "em"}),
            el("label", {"for": "nm"}, self.t(self.w["name"])),
            el("input", {"type": "text", "id": "nm"}),
            el("button", {"type": "submit"}, self.t(self.w["subscribe"])),
        )

    # -- related content, carousels, share bars ------------------------------------------------
    def cards(self, card_level: int) -> list[El]:
        cards = []
        for date, title in self.rng.sample(_STORIES, self.rng.randint(2, 4)):
            meta = el(
                "p",
                {"class": "card-meta"},
                el("span", {}, self.t(self.w["story"])),
                self.t(" · "),
                el("time", {"datetime": "2016-02-17"}, self.t(date)),
            )
            heading = el(f"h{card_level}", {}, self.link("/stories/x/", title))
            excerpt = el("p", {}, self.t(f"{title}. Read how members did it."))
            cards.append(el("article", {"class": "card"}, meta, heading, excerpt))
        return cards

    def related(self, kind: str, description_level: int) -> El | None:
        """A related-content section a reader sees as separate from the description: its
        heading ranks at least as high, or it is a landmark or labelled region."""
        if kind == "none":
            return None
        title = self.w["related"]
        if kind == "section_heading":
            level = self.rng.randint(max(2, description_level - 1), description_level)
            heading = el(f"h{level}", {}, self.t(title))
            return el("section", {"class": "related"}, heading, *self.cards(level + 1))
        lower = min(6, description_level + 1)
        heading = el(f"h{lower}", {"id": "related-h"}, self.t(title))
        cards = self.cards(min(6, lower + 1))
        if kind == "aside":
            return el("aside", {"class": "related"}, heading, *cards)
        if kind == "labelled_section":
            return el("section", {"aria-labelledby": "related-h"}, heading, *cards)
        if kind == "nav":
            return el(
                "nav",
                {"aria-label": title},
                heading,
                el("ul", {}, *(el("li", {}, c) for c in cards)),
            )
        return el("div", {"role": "complementary", "aria-label": title}, heading, *cards)

    def carousel(self) -> El:
        slides = []
        for index, (date, title) in enumerate(_STORIES[:3], start=1):
            slides.append(
                el(
                    "div",
                    {
                        "role": "group",
                        "aria-roledescription": "slide",
                        "aria-label": f"{index} of 3",
                    },
                    el("h2", {}, self.t(title)),
                    el("p", {}, self.t(date)),
                )
            )
        controls = [
            el("button", {"type": "button"}, self.t(self.w["previous"])),
            el("button", {"type": "button"}, self.t(self.w["next"])),
        ]
        attrs = {"role": "region", "aria-roledescription": "carousel"}
        return el("div", {**attrs, "aria-label": self.w["featured"]}, *controls, *slides)

    def share_bar(self, landmark: bool) -> El:
        svg = el("svg", {"aria-hidden": "true"}, el("path", {"d": "M0 0h8v8H0z"}))
        icons = [
            el(
                "a",
                {"href": f"https://{site}/share", "aria-label": f"{self.w['share']} {site}"},
                svg,
            )
            for site in ("x.com", "facebook.com", "linkedin.com")
        ]
        if landmark:
            return el("aside", {"aria-label": self.w["share"]}, *icons)
        return el("div", {"class": "share"}, el("span", {}, self.t(self.w["share"])), *icons)

    # -- sidebars, banners, footers ------------------------------------------------------------
    def sidebar(self, kind: str) -> El | None:
        if kind == "none":
            return None
        content = self.content
        others = content.member_list.items[:4] if content.member_list else ()
        links = [
            el("li", {}, self.link(f"/c/{i.commitment_id}/", f"{i.title} ({i.commitment_id})"))
            for i in others
        ] or [el("li", {}, self.link("/irm/", "IRM reports"))]
        inner = [el("h2", {}, self.t(self.w["commitments"])), el("ul", {}, *links)]
        if kind == "complementary_after":
            return el("div", {"role": "complementary", "class": "widgets"}, *inner)
        return el("aside", {"class": "widget-area"}, *inner)

    def cookie_banner(self, kind: str) -> El | None:
        if kind == "none":
            return None
        message = el("p", {}, self.t(self.w["cookie"]))
        accept = el("button", {"type": "button"}, self.t(self.w["accept"]))
        if kind == "hidden":
            return el("div", {"class": "cookie-notice", "hidden": None}, message, accept)
        if kind == "dialog":
            attrs = {"role": "dialog", "aria-label": self.w["cookie_title"]}
            return el("div", {**attrs, "class": "cookie-notice"}, message, accept)
        return el("div", {"role": "region", "aria-label": self.w["cookie_title"]}, message, accept)

    def footer(self, kind: str) -> El:
        count = 40 if kind == "footer_long" else 4
        columns = []
        for section in _FOOTER_SECTIONS:
            links = [
                el("li", {}, self.link(f"/{slugify(section)}/{n}/", f"{section} {n + 1}"))
                for n in range(count)
            ]
            columns.append(el("div", {}, el("h3", {}, self.t(section)), el("ul", {}, *links)))
        brand = el("p", {"class": "site-title"}, Text("Open Government Partnership"))
        parts = [brand, el("address", {}, Text("1110 Vermont Ave NW, Washington, DC")), *columns]
        if kind == "role_contentinfo":
            return el("div", {"role": "contentinfo"}, *parts)
        return el("footer", {"class": "site-footer"}, *parts)

    def widget(self, kind: str, level: int) -> El | None:
        """A widget that may sit anywhere in the content."""
        if kind == "search_box":
            return self.inline_search()
        if kind == "signup_form":
            return self.signup(level)
        if kind == "carousel":
            return self.carousel()
        if kind == "cookie_dialog":
            return self.cookie_banner("dialog")
        return None

    def skip_link(self) -> El:
        return el("a", {"class": "skip-link", "href": "#main"}, self.t(self.w["skip"]))
