"""``datapackage.json``: a Frictionless Tabular Data Package describing every published file.

It is generated from the schema module plus each file's size, sha256 and row count, and holds
no run id and no time, so a refresh that changed no data leaves it byte-identical. The ``runs``
table is described by its schema only: its content changes at every run by design, and its
figures are in ``run_report.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyarrow as pa

from pipeline.load.field_metadata import description, is_ordered, vocabulary
from pipeline.load.write import FileInfo
from pipeline.schema import ALL_TABLES, LIST_SEPARATOR, RUNS, TableSpec
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


def resource_name(table: str, file_format: str) -> str:
    return f"{table}-{file_format}"


def render_datapackage(files: Mapping[str, FileInfo]) -> bytes:
    """The descriptor as bytes (sorted keys, fixed indentation). ``files`` maps a file name
    (``commitments.csv``) to what was written."""
    package = {
        "profile": "tabular-data-package",
        "name": "ogp-commitments",
        "title": "Open Government Partnership commitments",
        "description": (
            "Commitment pages of the Open Government Partnership website as typed tables. "
            "See DATA.md for every column, the CSV conventions and the folder layout."
        ),
        "resources": [
            _resource(spec, file_format, files.get(f"{spec.name}.{file_format}"))
            for spec in ALL_TABLES
            for file_format in FORMATS
        ],
    }
    return (json.dumps(package, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _resource(spec: TableSpec, file_format: str, info: FileInfo | None) -> dict[str, object]:
    resource: dict[str, object] = {
        "name": resource_name(spec.name, file_format),
        "path": f"{spec.name}.{file_format}",
        "profile": "tabular-data-resource",
        "format": file_format,
        "mediatype": _MEDIA_TYPES[file_format],
        "description": spec.description,
        "schema": table_schema(spec, file_format),
    }
    if file_format == "csv":
        resource.update(encoding="utf-8", dialect=_CSV_DIALECT)
    if info is not None and spec is not RUNS:
        resource.update(bytes=info.bytes, hash=f"sha256:{info.sha256}", rows=info.rows)
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
    described.update(frictionless_type(field.type, file_format))
    constraints: dict[str, object] = {"required": not field.nullable}
    allowed = vocabulary(field)
    if allowed is not None:
        # Frictionless has no per-element enum for lists: "vocabulary" carries it for them.
        described.update(vocabulary=list(allowed), vocabularyOrdered=is_ordered(field))
        if not is_string_list(field.type):
            constraints["enum"] = list(allowed)
    described["constraints"] = constraints
    return described


def frictionless_type(type_: pa.DataType, file_format: str) -> dict[str, object]:
    """Table Schema type of a column; a CSV list is a ``list`` with our separator."""
    if is_string_list(type_):
        if file_format == "csv":
            return {"type": "list", "itemType": "string", "delimiter": LIST_SEPARATOR}
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
