"""The small chrome of fixture pages: a menu of a few dozen links, a short inline style and
script. The menu still names "Policy Areas", "Commitments" and "IRM Review"."""

from __future__ import annotations

from functools import cache

from demosite.htmlbits import esc, slugify

# The second column lists members: its first entry is the listing of all members.
_LIGHT_MENU = {
    "en": {
        "About": ["About OGP", "Leadership", "Steering Committee", "Articles of Governance",
                  "Contact Us"],
        "Members": ["All Members", "Mongolia", "Ghana", "Romania", "United Kingdom", "Bulgaria",
                    "Costa Rica"],
        "Policy Areas": ["Access to Information", "Anti-Corruption", "Civic Space",
                         "Fiscal Openness", "Open Contracting", "Public Participation"],
        "IRM Review": ["IRM Reports", "Action Plan Review", "Results Report", "Methodology"],
        "Commitments": ["Commitments", "Starred Commitments", "OGP Explorer", "Data Dashboard"],
        "Resources": ["Action Plans", "Stories", "News", "Events", "Glossary"],
    },
    "es": {
        "Acerca de": ["Acerca de OGP", "Liderazgo", "Comité Directivo", "Contacto"],
        "Miembros": ["Todos los miembros", "Ghana", "Costa Rica", "Mongolia"],
        "Áreas de política": ["Acceso a la información", "Anticorrupción e integridad",
                              "Espacio cívico"],
        "Revisión de IRM": ["Informes del IRM", "Revisión del plan de acción",
                            "Informe de resultados"],
        "Compromisos": ["Compromisos", "Compromisos estelares", "Explorador de OGP"],
        "Recursos": ["Planes de acción", "Historias", "Noticias", "Glosario"],
    },
}  # fmt: skip


def _menu_href(prefix: str, column: int, top: str, entry: str, first: bool) -> str:
    if column == 1:  # the members column: member pages, and the listing of all members
        return f"{prefix}/our-members/" if first else f"{prefix}/members/{slugify(entry)}/"
    return f"{prefix}/{slugify(top)}/{slugify(entry)}/"


def menu_html(menu: dict[str, list[str]], language: str) -> str:
    prefix = "" if language == "en" else f"/{language}"
    lines = ['<ul id="primary-menu" class="menu">']
    for number, (top, entries) in enumerate(menu.items()):
        lines.append(
            f'<li class="menu-item menu-item-has-children" id="menu-item-{number}">'
            f'<a href="#">{esc(top)}</a>'
        )
        lines.append('<ul class="sub-menu">')
        for index, entry in enumerate(entries):
            href = _menu_href(prefix, number, top, entry, index == 0)
            lines.append(
                f'<li class="menu-item"><a href="{href}">'
                f'<span class="menu-title">{esc(entry)}</span></a></li>'
            )
        lines.append("</ul></li>")
    lines.append("</ul>")
    return "\n".join(lines)


@cache
def menu(language: str) -> str:
    return menu_html(_LIGHT_MENU.get(language, _LIGHT_MENU["en"]), language)


def style() -> str:
    return (
        '<style id="ogp-inline-css">:root{--ogp-blue:#1a4a8c;--ogp-gold:#f2a900}'
        ".screen-reader-text,.sr-only,.visually-hidden{position:absolute;width:1px;height:1px;"
        "overflow:hidden;clip:rect(0 0 0 0)}"
        ".badge{font-size:.75rem}.info-icon,.i-btn,.tip{font-size:.8rem}</style>\n"
        "<script>document.documentElement.className = "
        'document.documentElement.className.replace("no-js", "js");</script>'
    )


def footer_script() -> str:
    return (
        '<script src="/wp-content/themes/ogp/js/navigation.js?ver=5.2"'
        ' id="ogp-navigation-js"></script>'
    )


def footer_links(language: str) -> str:
    names = [
        "About",
        "Members",
        "Policy Areas",
        "IRM Review",
        "Resources",
        "Privacy Policy",
        "Contact Us",
    ]
    prefix = "" if language == "en" else f"/{language}"
    return " ".join(f'<a href="{prefix}/{slugify(n)}/">{esc(n)}</a>' for n in names)
