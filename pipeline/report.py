"""The run report: what a run did, stage by stage, and everything it did not recognise."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.history.summary import render_summary
from pipeline.transform import SeenUnknown

_EXAMPLES = 3  # example URLs kept per unknown item: enough to find it, short enough to read
_SHOWN = 10  # items of a list printed at the end of a run; the JSON report keeps them all
HTML_REPORT = "run_report.html"


def _from_tables(tables: Mapping[str, pa.Table]) -> Iterable[SeenUnknown]:
    fields = tables["page_fields"]
    unknown = fields.filter(pc.equal(fields["value_status"], "unknown"))
    for row in unknown.select(["field", "label", "value", "source_url"]).to_pylist():
        if row["field"] is None:
            yield SeenUnknown("label", None, row["label"], row["source_url"])
        else:
            yield SeenUnknown("value", row["field"], row["value"], row["source_url"])
    # Child rows carry no provenance: their page is their commitment's.
    commitments = tables["commitments"]
    pages = dict(
        zip(
            commitments["commitment_id"].to_pylist(),
            commitments["source_url"].to_pylist(),
            strict=True,
        )
    )
    areas = tables["commitment_policy_areas"]
    unknown_areas = areas.filter(pc.invert(areas["known"]))
    for row in unknown_areas.select(["policy_area", "commitment_id"]).to_pylist():
        url = pages.get(row["commitment_id"], row["commitment_id"])
        yield SeenUnknown("policy_area", "policy_areas", row["policy_area"], url)
    reports = tables["commitment_irm_reports"]
    untyped = reports.filter(pc.is_null(reports["report_type"]))
    for row in untyped.select(["title", "commitment_id"]).to_pylist():
        url = pages.get(row["commitment_id"], row["commitment_id"])
        yield SeenUnknown("irm_report_type", "irm_reports", row["title"], url)


def field_coverage(commitments: pa.Table) -> dict[str, float]:
    """Share of commitments whose page shows each label (its *_missing is not "absent").
    A drop between runs is the signature of markup drift: the future canary compares these."""
    rows = commitments.num_rows
    coverage = {}
    for name in commitments.schema.names:
        if name.endswith("_missing"):
            absent = pc.sum(pc.equal(commitments[name], "absent")).as_py() or 0
            coverage[name.removesuffix("_missing")] = round(1 - absent / rows, 4) if rows else 0.0
    return coverage


def summarize_unknowns(
    tables: Mapping[str, pa.Table], parse_unknowns: Iterable[SeenUnknown]
) -> list[dict[str, object]]:
    """Unknown labels and values over every published page (carried-over ones included),
    plus what only this run's parsing saw; most frequent first, with example URLs."""
    counts: Counter[tuple[str, str | None, str]] = Counter()
    examples: dict[tuple[str, str | None, str], list[str]] = defaultdict(list)
    for seen in [*_from_tables(tables), *parse_unknowns]:
        item = (seen.kind, seen.field, seen.text)
        counts[item] += 1
        if len(examples[item]) < _EXAMPLES:
            examples[item].append(seen.url)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][2]))
    return [
        {
            "kind": kind,
            "field": fld,
            "text": text,
            "pages": n,
            "examples": examples[(kind, fld, text)],
        }
        for (kind, fld, text), n in ordered
    ]


@dataclass
class RunReport:
    """Accumulates the run report as stages finish; ``as_dict`` is what run_report.json holds."""

    run_id: str
    started_at: str
    base_url: str | None
    stages: dict[str, dict[str, object]] = field(default_factory=dict)
    durations_s: dict[str, float] = field(default_factory=dict)
    unknowns: list[dict[str, object]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    # Commitments published with rows from an earlier fetch or parse (see pipeline.load.settle).
    stale: list[dict[str, object]] = field(default_factory=list)
    # What processed/ could not take of this run's record (runs ledger, runs table, report).
    not_recorded: str | None = None
    # Set when the run ends, through pipeline.exit_codes (the code the CLI exits with).
    finish_reason: str = "failed"
    exit_code: int | None = None
    finished_at: str | None = None
    error: str | None = None
    refused_by: str | None = None  # the guard that refused ("shrink", "drift", ...)
    canary: dict[str, object] | None = None  # the drift canary's verdict
    reconciliation: dict[str, object] | None = None  # with --reference
    changes: dict[str, object] | None = None  # since the last publish
    # Whether processed/ holds this run's tables, and if not, which run's (set at the end).
    processed: dict[str, object] | None = None
    fetch_text: str | None = None  # the extract summary as printed (not part of the JSON)

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "finish_reason": self.finish_reason,
            "exit_code": self.exit_code,
            "error": self.error,
            "refused_by": self.refused_by,
            "base_url": self.base_url,
            "durations_s": self.durations_s,
            "stages": self.stages,
            "failures": self.failures,
            "stale": self.stale,
            "unknowns": self.unknowns,
            "not_recorded": self.not_recorded,
            "canary": self.canary,
            "reconciliation": self.reconciliation,
            "changes": self.changes,
            "processed": self.processed,
        }

    def render(self, processed_dir: Path | None = None) -> str:
        """The short summary printed at the end of a run (the JSON report has everything).
        The error, if any, is not repeated here: the CLI prints it once."""
        refused = f" by the {self.refused_by} guard" if self.refused_by else ""
        lines = [f"run {self.run_id}: {self.finish_reason}{refused} (exit {self.exit_code})"]
        if self.fetch_text:
            lines.append(self.fetch_text)
        transform = self.stages.get("transform")
        if transform:
            lines.append(
                f"transform: {transform['pages_parsed']} pages parsed, {transform['pages_reused']}"
                f" unchanged and carried over, {transform['pages_failed']} failed, "
                f"{transform['commitments']} commitments" + self._took("transform")
            )
        load = self.stages.get("load")
        if load:
            lines.append(f"load: {load['tables']} tables, {load['rows']} rows" + self._took("load"))
        parse_failures = [f for f in self.failures if f.get("stage") == "transform"]
        if parse_failures:
            lines.append(f"  pages that could not be parsed ({len(parse_failures)}):")
            lines += [f"    {f['url']}: {f['reason']}" for f in parse_failures[:_SHOWN]]
        invalid = [f for f in self.failures if f.get("stage") == "load"]
        if invalid:
            lines.append(
                f"  pages whose new rows failed validation, not published ({len(invalid)}):"
            )
            lines += [f"    {f['url']}: {f['reason']}" for f in invalid[:_SHOWN]]
        if self.stale:
            carried = sum(1 for s in self.stale if s["carried_over"])
            lines.append(
                f"stale: {len(self.stale)} commitments published with rows from an earlier "
                f"fetch or parse ({carried} carried over from the previous publish); "
                "commitments.stale_since and stale_reason say since when and why:"
            )
            lines += [
                f"    {s['commitment_id']} since {s['since']}: {s['reason']}"
                for s in self.stale[:_SHOWN]
            ]
        if self.unknowns:
            lines.append(
                f"unknown labels and values: {len(self.unknowns)} distinct "
                "(all in run_report.json):"
            )
            lines += [
                f"    {u['kind']} {u['field'] or ''} {u['text']!r} on {u['pages']} page(s)"
                for u in self.unknowns[:_SHOWN]
            ]
        if self.changes is not None:
            lines += render_summary(self.changes)
        lines += self._checks()
        if processed_dir is not None:
            lines += self._where(processed_dir)
        if self.not_recorded:
            lines.append(
                f"warning: this run is not fully recorded in processed/: {self.not_recorded}"
            )
        return "\n".join(lines)

    def _checks(self) -> list[str]:
        lines = []
        if self.canary:
            lines.append(f"drift canary: {self.canary['status']} ({self.canary['reason']})")
        if self.reconciliation:
            counts = self.reconciliation["counts"]
            assert isinstance(counts, dict)
            shown = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items() if n)
            reference = self.reconciliation["reference"]
            lines.append(f"reconciliation with {reference}: {shown or 'no differences'}")
        return lines

    def _where(self, processed_dir: Path) -> list[str]:
        if self.finish_reason in ("published", "partial"):
            where = (
                f"published: {processed_dir}/ (tables as .parquet and .csv; see "
                f"{processed_dir}/datapackage.json)"
            )
        elif self.processed and self.processed.get("data_from_run"):
            where = (
                f"nothing published: the tables in {processed_dir}/ are still those of run "
                f"{self.processed['data_from_run']}"
            )
        else:
            where = "nothing published (nothing was published before either)"
        return [where, f"report: {processed_dir / HTML_REPORT} (and last_run_report.json)"]

    def _took(self, stage: str) -> str:
        took = self.durations_s.get(stage)
        return f" in {took:.1f} s" if took is not None else ""
