"""``docs/DATA.md``, the data dictionary, generated from the schema module so it cannot drift."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from importlib import resources

import pyarrow as pa

from pipeline.load.field_metadata import description, is_ordered, rank_scale, vocabulary
from pipeline.load.prose import (
    CSV_FORMS,
    INTRO,
    LAYOUT,
    MISSING_MEANINGS,
    PROVENANCE,
    PYTHON_VALUES,
    READING,
    TEMPLATES,
    VALIDATION,
)
from pipeline.load.prose_model import ENTITIES, HISTORY, VERSIONS
from pipeline.records import MISSING_EXTRA
from pipeline.schema import ALL_TABLES, TableSpec
from pipeline.schema import PROVENANCE as PROVENANCE_FIELDS

_COLUMNS_HEADER = [
    "| Column | Type | Required | Meaning | Values |",
    "| --- | --- | --- | --- | --- |",
]


def render_data_dictionary() -> str:
    """The Markdown text of docs/DATA.md."""
    parts = [
        INTRO,
        LAYOUT,
        READING,
        VERSIONS,
        _types_section(),
        PROVENANCE + "\n" + _columns_table(PROVENANCE_FIELDS),
        VALIDATION,
        _missing_section(),
        TEMPLATES,
        ENTITIES,
        HISTORY,
        "## Tables",
        *(_table_section(spec) for spec in ALL_TABLES),
    ]
    return "\n".join(part.strip("\n") + "\n" for part in parts)


def _types_section() -> str:
    names = dict.fromkeys(_type_name(f.type) for spec in ALL_TABLES for f in spec.schema)
    rows = [f"| `{name}` | {PYTHON_VALUES[name]} | {_cell(CSV_FORMS[name])} |" for name in names]
    intro = (
        "Every column has one declared type; nothing is inferred from the data, and a column "
        "that is null in every row keeps its type."
    )
    header = ["| Type | Python value | CSV form |", "| --- | --- | --- |"]
    return "\n".join(["## Types", "", intro, "", *header, *rows])


def _missing_section() -> str:
    spellings = _missing_spellings()
    rows = [
        f"| `{code}` | {_cell(MISSING_MEANINGS.get(code, ''))} | "
        f"{', '.join(f'`{s}`' for s in spellings.get(code, ()))} |"
        for code in (*spellings, *MISSING_EXTRA)
    ]
    intro = (
        "Every assessed column `F` has a companion `F_missing`: null when `F` has a value, "
        "otherwise one of these codes. The spellings are matched ignoring case, accents and "
        "spacing."
    )
    header = ["| Code | Meaning | Shown on pages as |", "| --- | --- | --- |"]
    return "\n".join(["## Missing-reason codes", "", intro, "", *header, *rows])


def _table_section(spec: TableSpec) -> str:
    lines = [f"### `{spec.name}`", "", spec.description, ""]
    lines.append(f"- Primary key: {_names(spec.primary_key)}; rows are sorted by it.")
    lines += [
        f"- Foreign key: {_names(columns)} references `{parent}` {_names(parent_columns)}."
        for columns, parent, parent_columns in spec.foreign_keys
    ]
    own = [f for f in spec.schema if f.name not in {p.name for p in PROVENANCE_FIELDS}]
    if spec.provenance:
        lines.append("- Followed by the provenance columns (see Provenance).")
    return "\n".join([*lines, "", _columns_table(own if spec.provenance else spec.schema)])


def _columns_table(fields: Iterable[pa.Field]) -> str:
    return "\n".join([*_COLUMNS_HEADER, *(_column_row(field) for field in fields)])


def _column_row(field: pa.Field) -> str:
    required = "no" if field.nullable else "yes"
    cells = [f"`{field.name}`", f"`{_type_name(field.type)}`", required]
    cells += [_cell(description(field)), _values(field)]
    return "| " + " | ".join(cells) + " |"


def _values(field: pa.Field) -> str:
    scale = rank_scale(field)
    if scale is not None:
        return _cell(", ".join(f"{place} = `{value}`" for place, value in enumerate(scale, 1)))
    allowed = vocabulary(field)
    if allowed is None:
        return ""
    if field.name.endswith("_missing") and set(allowed) == _all_missing_codes():
        return "a missing-reason code"
    quoted = [f"`{value}`" for value in allowed]
    text = "scale: " + " < ".join(quoted) if is_ordered(field) else ", ".join(quoted)
    return _cell(("each element: " if pa.types.is_list(field.type) else "") + text)


def _type_name(type_: pa.DataType) -> str:
    if pa.types.is_timestamp(type_):
        return f"timestamp[{type_.unit}, tz={type_.tz}]"
    if pa.types.is_list(type_):
        return f"list<{type_.value_type}>"
    return str(type_)


def _missing_spellings() -> dict[str, list[str]]:
    text = resources.files("pipeline").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    missing: dict[str, list[str]] = tomllib.loads(text)["missing"]
    return missing


def _all_missing_codes() -> set[str]:
    return {*_missing_spellings(), *MISSING_EXTRA}


def _names(columns: Iterable[str]) -> str:
    return ", ".join(f"`{c}`" for c in columns)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
