"""Pages that are not commitment pages, for tests that a parser refuses them: a member page, a
members listing and a "Page not found" page, in light chrome."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from demosite.chrome import Frame, document
from demosite.content import ContentError
from demosite.htmlbits import attr, esc, slugify


def _spec(name: str) -> dict[str, Any]:
    file = resources.files("demosite").joinpath("content", "other", f"{name}.toml")
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ContentError(f"cannot read other-page spec {name!r}: {exc}") from exc


def _frame(name: str, path: str, title: str, body_class: str) -> Frame:
    return Frame(
        name=name,
        path=path,
        language="en",
        html_title=f"{title} | Open Government Partnership",
        headline=title,
        breadcrumb=(("Home", "/"),),
        current=title,
        body_class=body_class,
    )


def _list_items(items: list[dict[str, Any]], slug: str) -> str:
    lines = []
    for item in items:
        star = '<span class="star">Starred commitment</span> ' if item.get("starred") else ""
        href = f"/members/{slug}/commitments/{item['id']}/"
        meta = esc(f"{item['id']}, {item['year']}, {item['area']}")
        lines.append(f'<li>{star}<a href="{href}">{esc(item["title"])}</a>\n  <p>{meta}</p></li>')
    return "<ol>\n" + "\n".join(lines) + "\n</ol>"


def render_member_page() -> str:
    """The Mongolia member page with its commitment list (other/member_mongolia.txt)."""
    spec = _spec("member_mongolia")
    slug = slugify(spec["name"])
    facts = "".join(f"<li>{esc(f)}</li>" for f in spec["facts"])
    plan = "\n".join(f"<p>{esc(line)}</p>" for line in spec["current_plan"])
    plan_facts = "".join(f"<li>{esc(f)}</li>" for f in spec["plan_facts"])
    summary = "\n".join(f"<p>{esc(p)}</p>" for p in spec["summary"])
    main = "\n".join([
        f'<header class="member-header"><h1>{esc(spec["name"])}</h1>'
        f'<ul class="member-facts">{facts}</ul></header>',
        '<nav class="on-this-page" aria-label="On the page"><p>ON THE PAGE</p></nav>',
        f'<section class="current-plan">\n{plan}\n<ul>{plan_facts}</ul>\n{summary}\n</section>',
        f'<section class="contact"><h2>Point of Contact</h2><p>{esc(spec["contact"])}</p>'
        "</section>",
        f'<section id="commitments"><h2>{esc(spec["list_heading"])}</h2>\n'
        f'{_list_items(spec["items"], slug)}\n</section>',
    ])  # fmt: skip
    frame = _frame(
        "member_mongolia",
        f"/members/{slug}/",
        spec["name"],
        "wp-singular member-template-default single single-member",
    )
    return document(frame, main)


def render_members_listing() -> str:
    """The "Members" listing of member cards (other/local_participants_members-listing.txt)."""
    spec = _spec("members_listing")
    cards = []
    for card in spec["cards"]:
        image = (
            f'<img src="/wp-content/uploads/flags/{slugify(card["name"])}.png"'
            f' alt="Image for {attr(card["name"])}">'
            if card["image"]
            else ""
        )
        cards.append(
            f'<div class="member-card">{image}'
            f'<h3><a href="/members/{slugify(card["name"])}/">{esc(card["name"])}</a></h3>'
            f"<p>{esc(card['text'])}</p></div>"
        )
    sections = [
        f"<section><h2>{esc(s['heading'])}</h2>"
        + (f"<p>{esc(s['text'])}</p>" if s["text"] else "")
        + "</section>"
        for s in spec["sections"]
    ]
    main = "\n".join([
        f'<h1>{esc(spec["heading"])}</h1>',
        f'<p class="intro">{esc(spec["intro"])}</p>',
        '<div class="member-cards">\n' + "\n".join(cards) + "\n</div>",
        *sections,
    ])  # fmt: skip
    return document(
        _frame(
            "members_listing", "/local/participants", spec["heading"], "page-template-members page"
        ),
        main,
    )


def render_not_found(path: str = "/members/mongolia/commitments/MN9999/") -> str:
    """The site's 404 page; the path only changes the canonical link."""
    main = "\n".join([
        '<section class="error-404 not-found">',
        '<h1 class="page-title">Page not found</h1>',
        "<p>Sorry, the page you were looking for could not be found. It may have moved, or the "
        "address may be mistyped.</p>",
        '<p><a href="/">Go to the home page</a> or search the site.</p>',
        "</section>",
    ])  # fmt: skip
    return document(_frame("not_found", path, "Page not found", "error404"), main)
