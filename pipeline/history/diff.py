"""``ogp-pipeline diff [RUN_A] [RUN_B]``: what changed between two publishes.

Read from the current publish's history, so any two publishes can be compared, whatever run
folders are still kept: the version of each commitment valid at RUN_A's start is compared
with the one valid at RUN_B's start (a change made and undone in between shows as no change).
Default: the last two publishes; with one run, from it to the last publish.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.errors import ConfigError, ProcessedCorrupt
from pipeline.history.values import as_text
from pipeline.json_values import json_default
from pipeline.load import layout
from pipeline.load.ledger import read_ledger
from pipeline.load.migrate import schema_version_of
from pipeline.load.write import read_parquet
from pipeline.schema import CHANGE_FIELDS, COMMITMENT_CHANGES, COMMITMENT_HISTORY, SCHEMA_VERSION

PUBLISHED = ("published", "partial")
_SHOWN_CHARS = 70  # of a value in the text form; --format json has them whole


@dataclass(frozen=True)
class Diff:
    from_run: str
    to_run: str
    rows: list[dict[str, object]]  # commitment_id, member_slug, change, field, old, new, cause

    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "changed": 0, "removed": 0, "restored": 0}
        for kind in counts:
            counts[kind] = len({r["commitment_id"] for r in self.rows if r["change"] == kind})
        return counts

    def as_json(self) -> str:
        body = {
            "from": self.from_run,
            "to": self.to_run,
            "counts": self.counts(),
            "changes": self.rows,
        }
        return json.dumps(body, indent=2, ensure_ascii=False, default=json_default)

    def render(self) -> str:
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts().items() if n) or "nothing"
        lines = [f"changes from run {self.from_run} to run {self.to_run}: {counts}"]
        for row in self.rows:
            head = f"  {row['change']:<9}{row['commitment_id']:<10}"
            if row["field"] is None:
                lines.append(f"{head}{row['member_slug']}")
            else:
                old, new = _short(row["old_value"]), _short(row["new_value"])
                lines.append(f"{head}{row['field']}: {old} -> {new}  [{row['cause']}]")
        return "\n".join(lines)


def _short(value: object) -> str:
    text = "null" if value is None else repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def publishes(processed_dir: Path) -> dict[str, datetime]:
    """Every publish recorded in the runs ledger, in the order they ran: run id -> start (the
    history's clock). Two runs started within one second have ids that do not sort by time."""
    starts: dict[str, datetime] = {}
    for row in read_ledger(processed_dir):
        started = row.get("started_at")
        if row.get("finish_reason") in PUBLISHED and isinstance(started, datetime):
            starts[str(row["run_id"])] = started
    return dict(sorted(starts.items(), key=lambda item: item[1]))


def pick_runs(known: dict[str, datetime], runs: list[str]) -> tuple[str, str]:
    """The two publishes to compare; ConfigError (a usage error) for unknown or missing ones."""
    if len(runs) > 2:
        raise ConfigError(f"diff compares two publishes, got {len(runs)}: {' '.join(runs)}")
    for run in runs:
        if run not in known:
            listed = ", ".join(list(known)[-5:]) or "none"
            raise ConfigError(f"run {run} is not a publish (the last ones: {listed})")
    ordered = list(known)
    if len(runs) == 2:
        return runs[0], runs[1]
    if len(runs) == 1:
        return runs[0], ordered[-1]
    if len(ordered) < 2:
        raise ConfigError(f"diff needs two publishes; {len(ordered)} recorded")
    return ordered[-2], ordered[-1]


def read_history(processed_dir: Path) -> tuple[pa.Table, pa.Table]:
    """commitment_changes and commitment_history of the current publish."""
    run_dir = layout.current_run_dir(processed_dir)
    if run_dir is None:
        raise ConfigError(f"nothing is published in {processed_dir}")
    if schema_version_of(run_dir) != SCHEMA_VERSION:
        raise ProcessedCorrupt(
            f"the publish in {run_dir} is of an older schema and has no history; run a refresh"
        )
    return (
        read_parquet(COMMITMENT_CHANGES, run_dir / f"{COMMITMENT_CHANGES.name}.parquet"),
        read_parquet(COMMITMENT_HISTORY, run_dir / f"{COMMITMENT_HISTORY.name}.parquet"),
    )


def valid_at(history: pa.Table, moment: datetime) -> dict[str, dict[str, object]]:
    """The version of each commitment valid at ``moment`` (a publish's start)."""
    scalar = pa.scalar(moment, COMMITMENT_HISTORY.schema.field("valid_from").type)
    starts = pc.less_equal(history["valid_from"], scalar)
    open_then = pc.or_kleene(
        pc.is_null(history["valid_to"]), pc.greater(history["valid_to"], scalar)
    )
    rows = history.filter(pc.and_(starts, open_then)).to_pylist()
    return {str(row["commitment_id"]): row for row in rows}


def diff_publishes(processed_dir: Path, runs: list[str]) -> Diff:
    known = publishes(processed_dir)
    first, second = pick_runs(known, runs)
    changes, history = read_history(processed_dir)
    before, after = valid_at(history, known[first]), valid_at(history, known[second])
    causes = _causes(changes, known[first], known[second])
    rows = []
    for cid in sorted(before.keys() | after.keys()):
        old, new = before.get(cid), after.get(cid)
        live_before = old is not None and not old["removed"]
        live_after = new is not None and not new["removed"]
        about = new or old
        assert about is not None
        slug = about["member_slug"]
        if live_after and not live_before:
            kind = "added" if old is None else "restored"
            rows.append(_row(cid, slug, kind, None, None, None, causes.get((cid, None), "site")))
        if live_before and not live_after:
            rows.append(_row(cid, slug, "removed", None, None, None, "site"))
        if old is not None and new is not None and live_after:  # a restored one: vs its last
            for field in CHANGE_FIELDS:
                if as_text(old[field]) != as_text(new[field]):
                    cause = causes.get((cid, field), "site")
                    rows.append(_row(cid, slug, "changed", field, old[field], new[field], cause))
    rows.sort(key=lambda r: (str(r["commitment_id"]), str(r["change"]), str(r["field"] or "")))
    return Diff(first, second, rows)


def _row(
    cid: str, slug: object, change: str, field: str | None, old: object, new: object, cause: str
) -> dict[str, object]:
    return {
        "commitment_id": cid,
        "member_slug": slug,
        "change": change,
        "field": field,
        "old_value": as_text(old),
        "new_value": as_text(new),
        "cause": cause,
    }


def _causes(changes: pa.Table, start: datetime, end: datetime) -> dict[tuple[str, str | None], str]:
    """Per commitment and field, "parser" when every change recorded between the two
    publishes was the parser's, else "site"."""
    lower = pa.scalar(start, COMMITMENT_CHANGES.schema.field("detected_at").type)
    upper = pa.scalar(end, COMMITMENT_CHANGES.schema.field("detected_at").type)
    between = pc.and_(
        pc.greater(changes["detected_at"], lower), pc.less_equal(changes["detected_at"], upper)
    )
    found: dict[tuple[str, str | None], str] = {}
    for row in changes.filter(between).select(["commitment_id", "field", "cause"]).to_pylist():
        key = (row["commitment_id"], row["field"])
        found[key] = "site" if found.get(key, "parser") == "site" else row["cause"]
    return found
