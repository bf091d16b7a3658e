"""The WordPress page around a commitment's content: <head>, header with menus, breadcrumb,
sidebar, footer, cookie notice. ``light`` chrome has a few dozen links (fixture files);
``heavy`` chrome has hundreds and inline styles and scripts (100-200 KB pages for benchmarks).

Menus name things a commitment page also shows ("Policy Areas", "Commitments", "IRM Review")
on purpose: a parser must ignore navigation, not match on words.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from demosite import heavy, light
from demosite.htmlbits import attr, esc, stable_index

Chrome = Literal["light", "heavy"]
CHROMES: tuple[Chrome, ...] = ("light", "heavy")


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """A sidebar link to another page (usually another commitment of the same member)."""

    text: str
    href: str


_WORDS = {
    "en": {
        "lang": "en-US", "skip": "Skip Navigation", "home": "Home", "members": "Members",
        "commitments": "Commitments", "resources": "Resources", "search": "Search",
        "cookie": "We use cookies to make this website work and to understand how it is used.",
        "accept": "Accept", "survey": "Please help us improve our website by taking this",
        "survey_link": "brief survey", "newsletter": "Sign up for our newsletter",
    },
    "es": {
        "lang": "es-ES", "skip": "Saltar navegación", "home": "Inicio", "members": "Miembros",
        "commitments": "Compromisos", "resources": "Recursos", "search": "Buscar",
        "cookie": "Usamos cookies para que este sitio funcione y para entender cómo se usa.",
        "accept": "Aceptar", "survey": "Ayúdenos a mejorar nuestro sitio respondiendo esta",
        "survey_link": "breve encuesta", "newsletter": "Suscríbase a nuestro boletín",
    },
}  # fmt: skip


def words(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS["en"])


@dataclass(frozen=True, slots=True)
class Frame:
    """What the chrome needs to know about the page it frames."""

    name: str  # a stable name: seeds the WordPress post id
    path: str  # the page's path, for the canonical link
    language: str
    html_title: str | None  # None: the page has no <title>
    headline: str  # the page's main heading, for meta tags
    breadcrumb: tuple[tuple[str, str], ...]  # (text, href) from Home to the parent page
    current: str  # the breadcrumb's last, unlinked item (an ID, not the title: see breadcrumb())
    body_class: str = "wp-singular commitment-template-default single single-commitment"
    survey_banner: bool = False


def document(
    frame: Frame,
    main_html: str,
    *,
    chrome: Chrome = "light",
    related: Sequence[RelatedLink] = (),
) -> str:
    """A whole HTML document with main_html as the article inside <main>."""
    if chrome not in CHROMES:
        raise ValueError(f"chrome must be one of {CHROMES}, got {chrome!r}")
    w = words(frame.language)
    post_id = 10_000 + stable_index(frame.name, 90_000)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{w["lang"]}" class="no-js">',
        head(frame, chrome, post_id),
        f'<body class="{frame.body_class} postid-{post_id} wp-theme-ogp">',
        heavy.svg_sprite() if chrome == "heavy" else "",
        survey_banner(frame.language) if frame.survey_banner else "",
        f'<a class="skip-link screen-reader-text" href="#main">{esc(w["skip"])}</a>',
        site_header(frame, chrome),
        '<div id="page" class="site">\n<div id="content" class="site-content">',
        '<div id="primary" class="content-area">\n<main id="main" class="site-main">',
        f'<article id="post-{post_id}" class="type-page status-publish">',
        main_html,
        "</article>\n</main>\n</div>",
        sidebar(frame.language, related, chrome),
        "</div>\n</div>",
        site_footer(frame.language, chrome),
        cookie_notice(frame.language),
        heavy.footer_scripts() if chrome == "heavy" else light.footer_script(),
        "</body>\n</html>\n",
    ]
    return "\n".join(part for part in parts if part)


def head(frame: Frame, chrome: Chrome, post_id: int) -> str:
    title = f"<title>{esc(frame.html_title)}</title>" if frame.html_title is not None else ""
    description = f"{frame.headline}: Open Government Partnership."
    parts = [
        "<head>",
        '<meta charset="UTF-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        title,
        f'<meta name="description" content="{attr(description)}">',
        f'<link rel="canonical" href="{attr(frame.path)}">',
        f'<link rel="shortlink" href="/?p={post_id}">',
        f'<meta property="og:title" content="{attr(frame.html_title or frame.headline)}">',
        '<meta property="og:type" content="article">',
        '<link rel="stylesheet" id="ogp-style-css" media="all"'
        ' href="/wp-content/themes/ogp/style.css?ver=5.2">',
        heavy.head_assets() if chrome == "heavy" else light.style(),
        json_ld(frame, post_id),
        "</head>",
    ]
    return "\n".join(part for part in parts if part)


def json_ld(frame: Frame, post_id: int) -> str:
    crumbs = [
        {"@type": "ListItem", "position": i + 1, "name": text, "item": href}
        for i, (text, href) in enumerate(frame.breadcrumb)
    ]
    page = {
        "@type": "WebPage",
        "@id": frame.path,
        "name": frame.html_title or frame.headline,
        "headline": frame.headline,
        "inLanguage": words(frame.language)["lang"],
        "identifier": post_id,
    }
    graph = {
        "@context": "https://schema.org",
        "@graph": [page, {"@type": "BreadcrumbList", "itemListElement": crumbs}],
    }
    text = json.dumps(graph, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/ld+json" class="yoast-schema-graph">{text}</script>'


def breadcrumb(frame: Frame) -> str:
    # The trail ends in a short name, never the page title: a <nav> holding the title text
    # would blur the rule "navigation that does not contain the title is not content".
    items = [f'<li><a href="{attr(href)}">{esc(text)}</a></li>' for text, href in frame.breadcrumb]
    items.append(f'<li aria-current="page">{esc(frame.current)}</li>')
    return '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>' + "".join(items) + "</ol></nav>"


def site_header(frame: Frame, chrome: Chrome) -> str:
    w = words(frame.language)
    menu = heavy.mega_menu(frame.language) if chrome == "heavy" else light.menu(frame.language)
    return "\n".join([
        '<header id="masthead" class="site-header">',
        '<div class="site-branding"><a href="/" rel="home" class="custom-logo-link">'
        '<span class="site-title">Open Government Partnership</span></a></div>',
        f'<nav id="site-navigation" class="main-navigation" aria-label="Primary">\n{menu}\n</nav>',
        f'<form role="search" class="search-form" action="/"><label>{esc(w["search"])} '
        f'<input type="search" name="s" placeholder="{attr(w["search"])} …"></label>'
        '<button type="submit">Go</button></form>',
        search_result_template(),
        breadcrumb(frame),
        "</header>",
    ])  # fmt: skip


def search_result_template() -> str:
    # Client-side template for live search results: it looks like a commitment title and
    # fields, and a parser must not read <template> content.
    return (
        '<template id="tpl-search-result"><article class="search-result">'
        '<h2 class="result-title">Result title (AB0000)</h2>'
        "<p><strong>Action Plan:</strong> Result action plan</p></article></template>"
    )


def sidebar(language: str, related: Sequence[RelatedLink], chrome: Chrome) -> str:
    w = words(language)
    links = list(related) or [
        RelatedLink("IRM reports", "/irm-reports/"),
        RelatedLink("Action plans", "/action-plans/"),
    ]
    items = "\n".join(f'<li><a href="{attr(r.href)}">{esc(r.text)}</a></li>' for r in links)
    extra = heavy.sidebar_widgets(language) if chrome == "heavy" else ""
    return (
        '<aside id="secondary" class="widget-area">\n'
        '<section class="widget widget_related">'
        f'<h2 class="widget-title">{esc(w["commitments"])}</h2>\n'
        f"<ul>\n{items}\n</ul></section>\n{extra}</aside>"
    )


def site_footer(language: str, chrome: Chrome) -> str:
    w = words(language)
    links = heavy.footer_links(language) if chrome == "heavy" else light.footer_links(language)
    return "\n".join([
        '<footer id="colophon" class="site-footer">',
        '<div class="footer-brand"><p class="site-title">Open Government Partnership</p>',
        "<address>1110 Vermont Ave NW, Suite 500/OGP, Washington, DC 20005</address></div>",
        f'<nav class="footer-navigation" aria-label="Footer">{links}</nav>',
        f'<div class="newsletter"><p>{esc(w["newsletter"])}</p>'
        '<iframe title="Newsletter" src="/newsletter/embed/" loading="lazy"></iframe></div>',
        "<noscript><p>Some parts of this site need JavaScript.</p></noscript>",
        '<p class="copyright">© Open Government Partnership. Content licensed under CC BY 4.0.</p>',
        "</footer>",
    ])  # fmt: skip


def cookie_notice(language: str) -> str:
    w = words(language)
    # Shown by script once consent is unknown; as served it is hidden.
    return (
        '<div id="cookie-notice" role="dialog" aria-label="Cookie Notice" hidden>'
        f'<span class="cn-text">{esc(w["cookie"])}</span> '
        f'<button type="button" class="cn-accept">{esc(w["accept"])}</button></div>'
    )


def survey_banner(language: str) -> str:
    w = words(language)
    return (
        '<div class="survey-banner" role="region" aria-label="Survey">'
        f'<p>{esc(w["survey"])} <a href="/survey/">{esc(w["survey_link"])}</a></p>'
        '<button type="button" class="survey-close" aria-label="Close">×</button></div>'
    )
