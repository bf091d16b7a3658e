"""What a publish changed, in brief: counts by kind of change and by field, with the first
commitment IDs of each, for the run report (JSON and HTML) and the summary a run prints."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from pipeline.schema import CHANGE_KINDS

FIRST_IDS = 20  # IDs listed per kind and per field; the counts say how many in all
_SHOWN_FIELDS = 8  # fields named in the printed summary (the JSON report has them all)


def summarize(new_changes: pa.Table) -> dict[str, object]:
    """``{"counts": {kind: n}, "first_ids": {kind: [...]}, "fields": {field: {"count": n,
    "first_ids": [...]}}}`` of one publish's change rows; a commitment is counted once per
    kind and once per field."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in CHANGE_KINDS}
    by_field: dict[str, list[str]] = {}
    rows = new_changes.select(["commitment_id", "change", "field"]).to_pylist()
    for row in sorted(rows, key=lambda r: (r["commitment_id"], r["field"] or "")):
        ids = by_kind[row["change"]]
        if not ids or ids[-1] != row["commitment_id"]:
            ids.append(row["commitment_id"])
        if row["field"] is not None:
            by_field.setdefault(row["field"], []).append(row["commitment_id"])
    return {
        "counts": {kind: len(ids) for kind, ids in by_kind.items()},
        "first_ids": {kind: ids[:FIRST_IDS] for kind, ids in by_kind.items()},
        "fields": {
            field: {"count": len(ids), "first_ids": ids[:FIRST_IDS]}
            for field, ids in sorted(by_field.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        },
    }


def render_summary(summary: Mapping[str, object]) -> list[str]:
    """The lines a run prints about what it changed."""
    counts = summary.get("counts")
    fields = summary.get("fields")
    if not isinstance(counts, Mapping) or not isinstance(fields, Mapping):
        return []
    if not any(counts.values()):
        return ["changes since the last publish: none"]
    shown = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    lines = [f"changes since the last publish: {shown} (commitment_changes has every row)"]
    first = summary.get("first_ids")
    if isinstance(first, Mapping):
        lines += [
            f"    {kind}: {', '.join(first[kind][:5])}{' ...' if n > 5 else ''}"
            for kind, n in counts.items()
            if n and kind != "changed"
        ]
    for field, about in list(fields.items())[:_SHOWN_FIELDS]:
        ids = about["first_ids"]
        more = " ..." if about["count"] > 5 else ""
        lines.append(f"    changed {field}: {about['count']} ({', '.join(ids[:5])}{more})")
    return lines
