"""The bulk of ``heavy`` chrome: inline CSS, an SVG icon sprite, a mega-menu naming every member
and policy area, footer link lists and inline scripts, as a busy WordPress theme serves them.

Everything here is the same for every page of a language, so it is built once and cached:
a synthetic page then costs little more than its own content.
"""

from __future__ import annotations

import json
from functools import cache

from demosite.htmlbits import esc, slugify, stable_index
from demosite.members import all_members

_BLOCKS = (
    "paragraph", "heading", "list", "image", "gallery", "quote", "table", "columns", "column",
    "group", "cover", "buttons", "button", "separator", "spacer", "media-text", "embed", "file",
    "pullquote", "search", "navigation", "post-title", "post-content", "query", "template-part",
)  # fmt: skip
_COLORS = ("ogp-blue", "ogp-navy", "ogp-gold", "ogp-teal", "white", "black", "grey-100", "grey-700")
_ICONS = (
    "search", "close", "menu", "chevron-down", "chevron-right", "arrow-left", "arrow-right",
    "facebook", "twitter", "linkedin", "youtube", "instagram", "email", "download", "external",
    "calendar", "location", "star", "info", "document", "globe", "user", "filter", "print",
)  # fmt: skip
_TOP_MENUS = {
    "en": ("About", "Members", "Policy Areas", "IRM Review", "Commitments", "Resources"),
    "es": (
        "Acerca de",
        "Miembros",
        "Áreas de política",
        "Revisión de IRM",
        "Compromisos",
        "Recursos",
    ),
}
_PAGES = (
    "About OGP", "Leadership", "Steering Committee", "Support Unit", "Articles of Governance",
    "Annual Reports", "Strategy", "Careers", "Contact Us", "IRM Reports", "Action Plan Review",
    "Results Report", "Design Report", "Methodology", "IRM Glossary", "Commitments",
    "Starred Commitments", "Commitment Tracker", "OGP Explorer", "Data Dashboard", "Action Plans",
    "Documents", "Stories", "News", "Events", "Podcasts", "Toolkits", "Glossary", "Open Gov Week",
    "OGP Local", "Parliaments", "Civil Society", "Multilateral Partners", "Funding",
)  # fmt: skip
_POLICY_AREAS = (
    "Access to Information", "Aid", "Anti Corruption and Integrity", "Anti-Corruption",
    "Asset Disclosure", "Audits and Controls", "Beneficial Ownership", "Capacity Building",
    "Civic Space", "Climate and Environment", "Digital Governance", "Digital Transformation",
    "E-Government", "Education", "Extractive Industries", "Fiscal Openness", "Gender and Inclusion",
    "Health", "Human Rights", "Inclusion", "Justice", "Lobbying", "Marginalized Communities",
    "Media Freedom", "Money in Politics", "Open Contracting", "Open Data", "Open Parliaments",
    "Participation in Budget Processes", "People with Disabilities", "Private Sector",
    "Public Participation", "Public Procurement", "Public Service Delivery", "Regulation",
    "Right to Information", "Security", "Social Accountability", "Subnational",
    "Water and Sanitation",
    "Youth", "Land and Spatial Planning", "Natural Resources", "Infrastructure", "Elections",
)  # fmt: skip


def menu_description(entry: str) -> str:
    return f"Explore {entry}: stories, data, reports and news from OGP members and partners."


@cache
def head_assets() -> str:
    """Inline CSS (block library and theme), preloads and the inline boot scripts."""
    rules = []
    for i in range(240):  # ~30 KB, the size of a block library plus theme variables
        block = _BLOCKS[i % len(_BLOCKS)]
        color = _COLORS[i % len(_COLORS)]
        rules.append(
            f".wp-block-{block}.is-style-v{i // len(_BLOCKS)}{{margin:0 0 {i % 5}rem;"
            f"padding:{i % 3}px {i % 7}px;color:var(--wp--preset--color--{color});"
            f"border-radius:{i % 4}px}}"
        )
    variables = ";".join(
        f"--wp--preset--color--{c}:#{stable_index(c, 0xFFFFFF):06x}" for c in _COLORS
    )
    preloads = "\n".join(
        f'<link rel="preload" href="/wp-content/themes/ogp/fonts/ogp-{w}.woff2" as="font">'
        for w in ("regular", "italic", "bold", "black")
    )
    settings = {
        "baseUrl": "/wp-includes/images/core/emoji/72x72/",
        "ext": ".png",
        "source": {"concatemoji": "/wp-includes/js/wp-emoji-release.min.js?ver=6.6"},
    }
    style = f":root{{{variables}}}\n" + "\n".join(rules)
    return "\n".join([
        preloads,
        f'<style id="global-styles-inline-css">{style}</style>',
        f"<script>window._wpemojiSettings = {json.dumps(settings, sort_keys=True)};</script>",
        '<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-js"></script>',
        "<noscript><style>.lazyload{display:none}</style></noscript>",
    ])  # fmt: skip


@cache
def svg_sprite() -> str:
    """Icon symbols; their <title>s are not page text (svg is not content)."""
    symbols = []
    for n, icon in enumerate(_ICONS):
        points = " ".join(
            f"L{(n * 7 + k * 13) % 24}.{k % 10} {(n * 3 + k * 11) % 24}.{(k * 7) % 10}"
            for k in range(40)
        )
        symbols.append(
            f'<symbol id="icon-{icon}" viewBox="0 0 24 24"><title>{icon}</title>'
            f'<path d="M0 0 {points} Z"/></symbol>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">'
        + "".join(symbols)
        + "</svg>"
    )


def _entry(href: str, name: str, *, describe: bool) -> str:
    desc = f'<span class="menu-desc">{esc(menu_description(name))}</span>' if describe else ""
    return (
        f'<li class="menu-item menu-item-type-post_type"><a href="{href}">'
        f'<span class="menu-title">{esc(name)}</span>{desc}</a></li>'
    )


@cache
def mega_menu(language: str) -> str:
    """Hundreds of links: every member, every policy area, and the site's sections."""
    prefix = "" if language == "en" else f"/{language}"
    tops = _TOP_MENUS.get(language, _TOP_MENUS["en"])
    members = [_entry(f"{prefix}/members/{m.slug}/", m.name, describe=False) for m in all_members()]
    columns = {
        tops[0]: _PAGES[:9],
        tops[2]: _POLICY_AREAS,
        tops[3]: _PAGES[9:15],
        tops[4]: _PAGES[15:20],
        tops[5]: _PAGES[20:],
    }
    panels = {
        top: [_entry(f"{prefix}/{slugify(top)}/{slugify(n)}/", n, describe=True) for n in names]
        for top, names in columns.items()
    }
    panels = {tops[0]: panels[tops[0]], tops[1]: members, **panels}
    lines = ['<ul id="primary-menu" class="menu mega-menu">']
    for number, (top, entries) in enumerate(panels.items()):
        lines.append(
            f'<li id="menu-item-{number}" class="menu-item menu-item-has-children mega">'
            f'<a href="#">{esc(top)}</a>'
        )
        lines.append('<div class="mega-panel"><ul class="sub-menu">')
        lines.extend(entries)
        lines.append("</ul></div></li>")
    lines.append("</ul>")
    return "\n".join(lines)


@cache
def sidebar_widgets(language: str) -> str:
    prefix = "" if language == "en" else f"/{language}"
    stories = "\n".join(
        f'<li><a href="{prefix}/stories/{slugify(p)}-{n}/">'
        f"{esc(p)}: what members did in {2015 + n % 10}</a></li>"
        for n, p in enumerate(_POLICY_AREAS[:30])
    )
    return (
        '<section class="widget widget_recent"><h2 class="widget-title">Stories</h2>\n'
        f"<ul>\n{stories}\n</ul></section>\n"
        '<section class="widget widget_text"><p>The Open Government Partnership brings government '
        "reformers and civil society leaders together.</p></section>\n"
    )


@cache
def footer_links(language: str) -> str:
    prefix = "" if language == "en" else f"/{language}"
    groups = {
        "Sections": list(_PAGES),
        "Policy Areas": list(_POLICY_AREAS),
        "Regions": [
            "Africa",
            "Americas",
            "Asia and the Pacific",
            "Europe",
            "Middle East and North Africa",
        ],
    }
    parts = []
    for title, names in groups.items():
        links = "".join(
            f'<li><a href="{prefix}/{slugify(title)}/{slugify(n)}/">{esc(n)}</a></li>'
            for n in names
        )
        parts.append(
            f'<div class="footer-col"><p class="footer-col-title">{esc(title)}</p>'
            f"<ul>{links}</ul></div>"
        )
    return "\n".join(parts)


@cache
def footer_scripts() -> str:
    data = {
        "ajaxUrl": "/wp-admin/admin-ajax.php",
        "i18n": {
            "policyAreas": "Policy Areas",
            "commitments": "Commitments",
            "irmReview": "IRM Review",
            "loadMore": "Load more",
        },
        "members": [{"name": m.name, "slug": m.slug} for m in all_members()],
    }
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return "\n".join([
        f'<script id="ogp-main-js-extra">var ogpData = {payload};</script>',
        '<script src="/wp-content/themes/ogp/js/main.min.js?ver=5.2" id="ogp-main-js"></script>',
        '<script src="/wp-content/plugins/cookie-notice/js/front.min.js?ver=2.4"'
        ' id="cookie-notice-js"></script>',
    ])  # fmt: skip
