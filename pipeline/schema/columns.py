"""How a table is declared: documented columns, the missing-reason and rank companions of
assessed fields, the provenance columns, and ``TableSpec`` (schema, keys, foreign keys)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyarrow as pa

from pipeline.records import MISSING_EXTRA
from pipeline.vocab import default_vocabulary

REPORT_TYPES = default_vocabulary().report_types
TEMPLATES = ("T1", "T2", "T3", "T4", "unknown")
VALUE_STATUSES = ("known", "missing", "free_text", "unknown")
INSTITUTION_ROLES = ("lead", "support", "involved")
FINISH_REASONS = ("published", "partial", "refused", "failed", "interrupted")
# The guards that can refuse a run (errors.GuardRefusal.guard), named in runs.refused_by.
GUARDS = ("shrink", "empty", "drift", "crawl_delay")

YEAR = pa.int16()
RANK = pa.int8()  # scales have a handful of steps
POSITION = pa.int16()
COUNT = pa.int32()
TIMESTAMP = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())


def column(
    name: str,
    type_: pa.DataType,
    doc: str,
    *,
    required: bool = False,
    vocabulary: tuple[str, ...] | None = None,
    ordered: bool = False,
) -> pa.Field:
    """A documented field. Vocabulary and order travel in the field metadata of the Parquet."""
    meta = {"description": doc}
    if vocabulary is not None:
        meta["vocabulary"] = json.dumps(list(vocabulary), ensure_ascii=False)
        meta["ordered"] = "true" if ordered else "false"
    return pa.field(name, type_, nullable=not required, metadata=meta)


def _missing_codes() -> tuple[str, ...]:
    return default_vocabulary().missing_codes() + MISSING_EXTRA


def column_with_missing_reason(name: str, type_: pa.DataType, doc: str) -> list[pa.Field]:
    """A field with a closed vocabulary plus its *_missing reason column; a field whose
    vocabulary is a scale (ordered in vocabulary.toml) also gets its *_rank column."""
    vocab = default_vocabulary()
    # A boolean column's Yes/No spellings are parsing input, not values the column can hold.
    closed = name in vocab.closed_fields() and type_ == pa.string()
    categories = vocab.categories(name) if closed else None
    ordered = vocab.is_ordered(name) if categories else False
    missing = column(
        f"{name}_missing",
        pa.string(),
        f"Why {name} is null: a missing-reason code; null when {name} has a value.",
        vocabulary=_missing_codes(),
    )
    value = column(name, type_, doc, vocabulary=categories, ordered=ordered)
    if not (ordered and categories):
        return [value, missing]
    return [value, _rank_column(name, categories), missing]


def _rank_column(name: str, scale: tuple[str, ...]) -> pa.Field:
    """``{name}_rank``: the value's place in its scale, so that every reader (pandas with
    either dtype backend, DuckDB, a spreadsheet) sorts and compares it in the scale's order."""
    doc = (
        f"Place of {name} in its scale, from 1 ({scale[0]}) to {len(scale)} ({scale[-1]}); "
        f"null when {name} is null."
    )
    meta = {"description": doc, "rank_of": name, "scale": json.dumps(list(scale))}
    return pa.field(f"{name}_rank", RANK, nullable=True, metadata=meta)


def rank_columns(spec: TableSpec) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The *_rank columns of a table: {rank column: (scale column, scale from low to high)}."""
    ranks = {}
    for field in spec.schema:
        meta = field.metadata or {}
        if b"rank_of" in meta:
            scale = tuple(json.loads(meta[b"scale"]))
            ranks[field.name] = (meta[b"rank_of"].decode(), scale)
    return ranks


PROVENANCE = [
    column(
        "source_url", pa.string(), "URL the page was fetched from (after redirects).", required=True
    ),
    column("fetched_at", TIMESTAMP, "When the page content was fetched (UTC).", required=True),
    column(
        "content_sha256",
        pa.string(),
        "sha256 of the page body the row was parsed from.",
        required=True,
    ),
    column(
        "parser_version",
        pa.string(),
        "Version of the parsing rules that produced the row.",
        required=True,
    ),
    column(
        "run_id",
        pa.string(),
        "Run whose fetch produced this content (not the run that last published it).",
        required=True,
    ),
]


# The version of the published tables' layout: bumped (and told in CHANGELOG.md) whenever a
# reader must act: a column added, dropped or renamed, a type, meaning or encoding changed.
# Written into datapackage.json and every Parquet file's schema metadata; MAJOR.MINOR.PATCH
# like PARSER_VERSION. 1.0.0 and 2.0.0 were not written into the files (see CHANGELOG.md).
SCHEMA_VERSION = "3.0.0"
SCHEMA_VERSION_KEY = b"schema_version"

# (columns, referenced table, referenced columns); a row whose columns are all null
# references nothing.
ForeignKey = tuple[tuple[str, ...], str, tuple[str, ...]]
TO_COMMITMENTS: ForeignKey = (("commitment_id",), "commitments", ("commitment_id",))
TO_MEMBERS: ForeignKey = (("member_slug",), "members", ("member_slug",))


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    schema: pa.Schema
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    provenance: bool = True
    # False for tables transform hands to load that are not published as they are.
    published: bool = True

    @property
    def sort_keys(self) -> tuple[str, ...]:
        """Rows are written in primary-key order so equal inputs give byte-identical files."""
        return self.primary_key


def table(
    name: str,
    description: str,
    fields: list[pa.Field],
    primary_key: tuple[str, ...],
    foreign_keys: tuple[ForeignKey, ...] = (),
    *,
    provenance: bool = False,
    published: bool = True,
) -> TableSpec:
    """A table of these fields (the provenance columns last when ``provenance``), whose
    Parquet files carry SCHEMA_VERSION in their schema metadata."""
    all_fields = fields + (PROVENANCE if provenance else [])
    schema = pa.schema(all_fields, metadata={SCHEMA_VERSION_KEY: SCHEMA_VERSION.encode()})
    return TableSpec(name, description, schema, primary_key, foreign_keys, provenance, published)
