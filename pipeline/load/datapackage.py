"""``datapackage.json``: a Frictionless Data Package describing every file of a published run.

It is generated from the schema module plus each file's size, sha256 and row count, and holds
no run id and no time, so a refresh that changed no data leaves it byte-identical. The ``runs``
table lives outside the run folders (it changes at every run) and is described in DATA.md.

Each table has two resources. The CSV one is a Tabular Data Resource that ``frictionless
validate`` checks cell by cell (types, required, enums, keys). The Parquet one has the same
Table Schema but is declared ``"type": "file"``, for which frictionless checks bytes and hash
only: frictionless reads Parquet through pandas, which turns list cells into arrays and
nullable integers into floats, so it would report errors that are not in the file. The test
suite checks the Parquet files against their schemas with pyarrow instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyarrow as pa

from pipeline.config import LIVE_SITE
from pipeline.load.field_metadata import description, is_ordered, rank_scale, vocabulary
from pipeline.load.write import FileInfo
from pipeline.schema import DATA_TABLES, SCHEMA_VERSION, TableSpec
from pipeline.tables import is_string_list

FORMATS = ("parquet", "csv")
_MEDIA_TYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}
_CSV_DIALECT = {
    "delimiter": ",",
    "doubleQuote": True,
    "header": True,
    "lineTerminator": "\n",
    "quoteChar": '"',
}
_CSV_NOTE = (
    " Text cells that a spreadsheet would run as a formula carry one extra leading ' "
    "(see DATA.md, CSV conventions); the Parquet file holds the text exactly."
)
SOURCES = [
    {"title": "Commitment pages of the Open Government Partnership website", "path": LIVE_SITE}
]
# Only what is known: the site's pages seen so far state no licence or terms of reuse for
# their text ("notspecified" is the Open Definition id for that), and the pipeline is MIT.
LICENSES = [
    {
        "name": "notspecified",
        "title": (
            "The source data (the text of the site's commitment pages): licence unknown. The "
            "pages this pipeline reads state no licence or terms of reuse; check the site's "
            "terms before republishing."
        ),
    },
    {
        "name": "MIT",
        "path": "https://opensource.org/licenses/MIT",
        "title": "The pipeline that produced these files (its code, not the source data): MIT.",
    },
]


def resource_name(table: str, file_format: str) -> str:
    return f"{table}-{file_format}"


def render_datapackage(files: Mapping[str, FileInfo]) -> bytes:
    """The descriptor as bytes (sorted keys, fixed indentation). ``files`` maps a file name
    (``commitments.csv``) to what was written."""
    package = {
        "profile": "data-package",
        "name": "ogp-commitments",
        "title": "Open Government Partnership commitments",
        "description": (
            "Commitment pages of the Open Government Partnership website as typed tables. "
            "See DATA.md for every column, the CSV conventions and the folder layout."
        ),
        # The version of the tables' layout (also in each Parquet file's schema metadata):
        # CHANGELOG.md says what a reader must do about each change.
        "schema_version": SCHEMA_VERSION,
        "sources": SOURCES,
        "licenses": LICENSES,
        "resources": [
            _resource(spec, file_format, files.get(f"{spec.name}.{file_format}"))
            for spec in DATA_TABLES
            for file_format in FORMATS
        ],
    }
    return (json.dumps(package, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _resource(spec: TableSpec, file_format: str, info: FileInfo | None) -> dict[str, object]:
    resource: dict[str, object] = {
        "name": resource_name(spec.name, file_format),
        "path": f"{spec.name}.{file_format}",
        "format": file_format,
        "mediatype": _MEDIA_TYPES[file_format],
        "schema": table_schema(spec, file_format),
    }
    if file_format == "csv":
        resource.update(
            profile="tabular-data-resource",
            description=spec.description + _CSV_NOTE,
            encoding="utf-8",
            dialect=_CSV_DIALECT,
        )
    else:
        # Rows are on the CSV resource (the same rows): frictionless cannot count them here.
        resource.update(
            type="file",
            profile="data-resource",
            description=f"{spec.description} The same rows as {spec.name}.csv, exactly typed.",
        )
    if info is not None:
        resource.update(bytes=info.bytes, hash=f"sha256:{info.sha256}")
        if file_format == "csv":
            resource["rows"] = info.rows
    return resource


def table_schema(spec: TableSpec, file_format: str) -> dict[str, object]:
    schema: dict[str, object] = {
        "fields": [_field(field, file_format) for field in spec.schema],
        "primaryKey": list(spec.primary_key),
    }
    if spec.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": list(columns),
                "reference": {
                    "resource": resource_name(parent, file_format),
                    "fields": list(parent_columns),
                },
            }
            for columns, parent, parent_columns in spec.foreign_keys
        ]
    if file_format == "csv":
        schema["missingValues"] = [""]
    return schema


def _field(field: pa.Field, file_format: str) -> dict[str, object]:
    described: dict[str, object] = {"name": field.name, "description": description(field)}
    described.update(frictionless_type(field.type))
    constraints: dict[str, object] = {"required": not field.nullable}
    if file_format == "csv" and not field.nullable and pa.types.is_string(field.type):
        # A required text column holds no null, so an empty cell is an empty string (written
        # ""); frictionless would otherwise read it as missing and report a required value.
        described["missingValues"] = []
    allowed = vocabulary(field)
    if allowed is not None and is_string_list(field.type):
        # Table Schema has no per-element enum for arrays: "vocabulary" carries it.
        described.update(vocabulary=list(allowed), vocabularyOrdered=is_ordered(field))
    elif allowed is not None:
        constraints["enum"] = list(allowed)
        described.update(categories=list(allowed), categoriesOrdered=is_ordered(field))
    scale = rank_scale(field)
    if scale is not None:
        described["categories"] = [{"value": i, "label": v} for i, v in enumerate(scale, 1)]
        described["categoriesOrdered"] = True
        constraints.update(minimum=1, maximum=len(scale))
    described["constraints"] = constraints
    return described


def frictionless_type(type_: pa.DataType) -> dict[str, object]:
    """Table Schema type of a column; a list is an ``array`` (in the CSV, a JSON array)."""
    if is_string_list(type_):
        return {"type": "array"}
    if pa.types.is_boolean(type_):
        return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    if pa.types.is_integer(type_):
        return {"type": "integer"}
    if pa.types.is_date32(type_):
        return {"type": "date"}
    if pa.types.is_timestamp(type_):
        return {"type": "datetime"}
    if pa.types.is_string(type_):
        return {"type": "string"}
    raise TypeError(f"no Frictionless type for {type_}")
