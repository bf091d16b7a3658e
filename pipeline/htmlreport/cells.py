"""The small pieces the run report page is built of: cells that carry their JSON path and
value (``data-json``, ``data-value``), rows, tables, sections and links, all escaped."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape


def value_cell(path: str, value: object, text: str | None = None) -> str:
    shown = text if text is not None else shown_value(value)
    data = escape(json.dumps(value, ensure_ascii=False), quote=True)
    css = ' class="num"' if isinstance(value, int | float | list) else ""
    return f'<td{css} data-json="{escape(path)}" data-value="{data}">{escape(shown)}</td>'


def shown_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def share(path: str, value: object) -> str:
    text = f"{value:.1%}" if isinstance(value, int | float) else "–"
    return value_cell(path, value, text)


def row(label: str, cell: str) -> str:
    """One row of a two-column table: a label and a value cell."""
    return f"<tr><th>{escape(label)}</th>{cell}</tr>"


def section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def table(header: Sequence[str], rows: Sequence[str]) -> str:
    if not rows:
        return '<p class="muted">none</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def records(value: object) -> list[Mapping[str, object]]:
    """The mappings of a JSON list (anything else in it is skipped)."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def texts(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list | tuple) else []


def link(url: object) -> str:
    text = escape(str(url))
    return f'<a href="{text}">{text}</a>' if str(url).startswith(("http://", "https://")) else text


def examples(items: object) -> str:
    if not isinstance(items, list):
        return ""
    shown = []
    for item in items[:10]:
        if isinstance(item, Mapping):
            sheet, site = item.get("sheet"), item.get("site")
            shown.append(f"{item.get('commitment_id')}: sheet {sheet!r}, site {site!r}")
        else:
            shown.append(str(item))
    return "<br>".join(escape(s) for s in shown)
