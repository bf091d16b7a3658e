"""The drift canary: before publishing, look for the signature of a markup change.

The site changes its templates without notice; a label the vocabulary no longer recognises
turns a field into nulls on every page that uses the new markup, and nothing else fails. So:

- Compare per-field coverage among the pages parsed in this run with the same pages' rows in
  the current publish: the share of pages whose label was recognised (``F_missing`` is not
  "absent") and the share with a value. Rows carried over unchanged are left out: they are the
  same on both sides and would only dilute the signal.
- Count unknown headings and labels on the pages parsed in this run; one that shows on more
  than a set share of them and was not seen before is a new part of the template.

A field whose coverage drops by more than the margin, or such a new unknown, makes the guard
refuse (``DriftDetected``, the guard exit code) unless the operator accepts the drift. Pure
functions over tables: the caller reads the publish and raises.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.config import CanaryConfig
from pipeline.schema import COMMITMENTS
from pipeline.transform import SeenUnknown
from pipeline.vocab import key

MISSING_SUFFIX = "_missing"
ABSENT = "absent"  # the missing-reason code of a field whose label the page does not show
# Fields fed by headings rather than labels, so they have no *_missing column; their value
# share still drops when a heading stops being recognised.
HEADING_FIELDS = ("member_name", "description")
_EXAMPLES = 3  # URLs named per drifting item: enough to open and compare, short to read
_UNKNOWN_KINDS = ("label", "heading")


@dataclass(frozen=True)
class FieldCoverage:
    field: str
    measure: str  # "label" (label recognised) or "value" (a value present)
    before: float  # share among the compared pages, in the current publish
    after: float  # share among the same pages, as parsed in this run
    drifted: bool
    examples: tuple[str, ...]  # pages that had it before and lost it

    @property
    def drop(self) -> float:
        return round(self.before - self.after, 4)


@dataclass(frozen=True)
class NewUnknown:
    kind: str  # "label" or "heading"
    text: str
    pages: int
    share: float  # of the pages parsed in this run
    drifted: bool
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    status: str  # "ok", "drift", "accepted" (drift, published on request) or "not_judged"
    reason: str
    pages_parsed: int
    pages_compared: int
    margin: float
    unknown_share: float
    fields: tuple[FieldCoverage, ...] = ()
    unknowns: tuple[NewUnknown, ...] = ()

    @property
    def refuses(self) -> bool:
        return self.status == "drift"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        for entry, coverage in zip(data["fields"], self.fields, strict=True):
            entry["drop"] = coverage.drop
        return data

    def message(self) -> str:
        """What drifted, with example URLs: the refusal's error message."""
        worst: dict[str, FieldCoverage] = {}
        for c in self.fields:  # one line per field: the label's drop, else the value's
            if c.drifted and (c.field not in worst or c.drop > worst[c.field].drop):
                worst[c.field] = c
        parts = [
            f"{c.field} {'label recognised' if c.measure == 'label' else 'has a value'} on "
            f"{c.after:.1%} of {self.pages_compared} re-parsed pages, {c.before:.1%} in the "
            f"current publish (-{c.drop * 100:.1f} points); e.g. {', '.join(c.examples)}"
            for c in worst.values()
        ]
        parts += [
            f"new unknown {u.kind} {u.text!r} on {u.share:.1%} of {self.pages_parsed} parsed "
            f"pages; e.g. {', '.join(u.examples)}"
            for u in self.unknowns
            if u.drifted
        ]
        return (
            "drift canary: the site's markup seems to have changed: "
            + "; ".join(parts)
            + ". Nothing was published. Extend pipeline/vocabulary.toml, or rerun with "
            "--accept-drift to publish anyway."
        )


def parsed_rows(tables: Mapping[str, pa.Table], previous: Mapping[str, pa.Table]) -> pa.Table:
    """The commitments rows parsed in this run: those not carried over from the publish
    (same source URL, content and parser version as a published row)."""
    new = tables[COMMITMENTS.name]
    old = previous[COMMITMENTS.name]
    carried = set(_row_keys(old))
    mask = [row not in carried for row in _row_keys(new)]
    return new.filter(pa.array(mask, type=pa.bool_()))


def _row_keys(table: pa.Table) -> Iterable[tuple[str, str, str]]:
    columns = [
        table[name].to_pylist() for name in ("source_url", "content_sha256", "parser_version")
    ]
    return zip(*columns, strict=True)


def judge(
    tables: Mapping[str, pa.Table],
    previous: Mapping[str, pa.Table] | None,
    parse_unknowns: Iterable[SeenUnknown],
    seen_before: Collection[tuple[str, str]],
    config: CanaryConfig,
) -> Verdict:
    """The canary's verdict on this run's tables against the current publish. ``seen_before``
    holds (kind, text) of unknowns the previous publish already had; texts compare by the
    vocabulary's key (case, accents and spacing ignored)."""
    shares = (config.margin, config.unknown_share)
    if previous is None:
        return Verdict("not_judged", "nothing was published before", 0, 0, *shares)
    parsed = parsed_rows(tables, previous)
    ids = set(parsed["commitment_id"].to_pylist())
    before = _by_id(previous[COMMITMENTS.name], ids)
    compared = [cid for cid in sorted(ids) if cid in before]
    after = _by_id(parsed, set(compared))
    if len(ids) < config.min_pages:
        reason = f"{len(ids)} pages parsed in this run; the canary judges from {config.min_pages}"
        return Verdict("not_judged", reason, len(ids), len(compared), *shares)
    fields: tuple[FieldCoverage, ...] = ()
    if len(compared) >= config.min_pages:
        fields = tuple(_coverage(before, after, compared, config.margin))
    unknowns = tuple(
        _new_unknowns(tables, parse_unknowns, ids, parsed, seen_before, config.unknown_share)
    )
    drifted = any(c.drifted for c in fields) or any(u.drifted for u in unknowns)
    status = ("accepted" if config.accept else "drift") if drifted else "ok"
    reason = _reason(drifted, len(compared), config.min_pages)
    return Verdict(status, reason, len(ids), len(compared), *shares, fields, unknowns)


def _reason(drifted: bool, compared: int, min_pages: int) -> str:
    if drifted:
        return "coverage dropped by more than the margin, or new unknowns are widespread"
    if compared < min_pages:
        return f"only {compared} re-parsed pages were published before: coverage not compared"
    return "no field lost coverage beyond the margin, no widespread new unknown"


def _by_id(table: pa.Table, ids: set[str]) -> dict[str, dict[str, object]]:
    wanted = table.filter(pc.is_in(table["commitment_id"], pa.array(sorted(ids), pa.string())))
    return {row["commitment_id"]: row for row in wanted.to_pylist()}


def measured_fields(schema: pa.Schema) -> list[tuple[str, str]]:
    """(field, measure) pairs the canary compares: label and value share of every labelled
    field (those with a *_missing column), value share of the heading-fed ones."""
    names = set(schema.names)
    labelled = [n.removesuffix(MISSING_SUFFIX) for n in schema.names if n.endswith(MISSING_SUFFIX)]
    pairs = [(f, m) for f in labelled if f in names for m in ("label", "value")]
    return pairs + [(f, "value") for f in HEADING_FIELDS if f in names]


def _has(row: Mapping[str, object], field: str, measure: str) -> bool:
    if measure == "label":
        return row.get(field + MISSING_SUFFIX) != ABSENT
    value = row.get(field)
    return value is not None and value != [] and value != ""


def _coverage(
    before: Mapping[str, Mapping[str, object]],
    after: Mapping[str, Mapping[str, object]],
    compared: list[str],
    margin: float,
) -> Iterable[FieldCoverage]:
    total = len(compared)
    for field, measure in measured_fields(COMMITMENTS.schema):
        had = [cid for cid in compared if _has(before[cid], field, measure)]
        has = [cid for cid in compared if _has(after[cid], field, measure)]
        lost = [str(after[cid]["url"]) for cid in had if not _has(after[cid], field, measure)]
        share_before, share_after = len(had) / total, len(has) / total
        # Compared in whole pages, not floats: "more than 5 points" of 200 pages is 11 pages.
        drifted = (len(had) - len(has)) > margin * total + 1e-9
        yield FieldCoverage(
            field, measure, round(share_before, 4), round(share_after, 4), drifted,
            tuple(lost[:_EXAMPLES]),
        )  # fmt: skip


def _new_unknowns(
    tables: Mapping[str, pa.Table],
    parse_unknowns: Iterable[SeenUnknown],
    ids: set[str],
    parsed: pa.Table,
    seen_before: Collection[tuple[str, str]],
    unknown_share: float,
) -> Iterable[NewUnknown]:
    """Unknown labels (page_fields) and headings (seen while parsing) on this run's pages."""
    url_of = dict(zip(parsed["source_url"].to_pylist(), parsed["url"].to_pylist(), strict=True))
    pages: dict[tuple[str, str], set[str]] = defaultdict(set)
    shown: dict[tuple[str, str], str] = {}
    for kind, text, url in _unknowns_on(tables, parse_unknowns, ids):
        item = (kind, key(text))
        pages[item].add(url_of.get(url, url))
        shown.setdefault(item, text)
    old = {(kind, key(text)) for kind, text in seen_before}
    for item, where in sorted(pages.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        share = len(where) / len(ids)
        drifted = share > unknown_share + 1e-9 and item not in old
        examples = tuple(sorted(where)[:_EXAMPLES])
        yield NewUnknown(item[0], shown[item], len(where), round(share, 4), drifted, examples)


def _unknowns_on(
    tables: Mapping[str, pa.Table], parse_unknowns: Iterable[SeenUnknown], ids: set[str]
) -> Iterable[tuple[str, str, str]]:
    fields = tables["page_fields"]
    unknown = fields.filter(
        pc.and_(pc.equal(fields["value_status"], "unknown"), pc.is_null(fields["field"]))
    )
    for row in unknown.select(["commitment_id", "label", "source_url"]).to_pylist():
        if row["commitment_id"] in ids:
            yield "label", row["label"], row["source_url"]
    for seen in parse_unknowns:
        if seen.kind in _UNKNOWN_KINDS:
            yield seen.kind, seen.text, seen.url


def unknowns_of_publish(
    previous: Mapping[str, pa.Table] | None, report: Mapping[str, object] | None
) -> set[tuple[str, str]]:
    """(kind, text) of the unknown labels and headings the current publish already had: its
    page_fields, and its run report (headings are not stored in any table)."""
    seen: set[tuple[str, str]] = set()
    if previous is not None:
        fields = previous["page_fields"]
        unknown = fields.filter(
            pc.and_(pc.equal(fields["value_status"], "unknown"), pc.is_null(fields["field"]))
        )
        seen.update(("label", text) for text in unknown["label"].to_pylist())
    listed = report.get("unknowns") if report else None
    for item in listed if isinstance(listed, list) else []:
        if isinstance(item, dict) and item.get("kind") in _UNKNOWN_KINDS:
            seen.add((str(item["kind"]), str(item.get("text"))))
    return seen
