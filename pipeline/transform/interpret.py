"""Raw labelled fields to typed columns, child records, page_fields rows and unknowns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.records import MISSING_ABSENT, Institution, IrmReport, PageField, Unknown
from pipeline.transform import values
from pipeline.transform.scan import RawField
from pipeline.transform.values import Reading
from pipeline.vocab import Vocabulary

_T4_FIELDS = {"inception_report", "commitment_start", "commitment_end", "institutions_involved"}
_SCALARS = (
    "action_plan",
    "action_plan_cycle",
    "status",
    "inception_report",
    "commitment_start",
    "commitment_end",
    "lead_institution",
    "support_institutions",
    "starred",
    "early_results",
    "verifiable",
    "ogp_relevant",
    "potential_impact",
    "ambition",
    "completion",
)
_LISTS = ("policy_areas", "irm_reports")


@dataclass
class Interpreted:
    columns: dict[str, object] = field(default_factory=dict)
    template: str = "unknown"
    irm_reports: tuple[IrmReport, ...] = ()
    institutions: tuple[Institution, ...] = ()
    page_fields: tuple[PageField, ...] = ()
    unknowns: tuple[Unknown, ...] = ()


class _Interpreter:
    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.columns: dict[str, object] = {}
        self.reports: list[IrmReport] = []
        self.institutions: list[Institution] = []
        self.unknowns: list[Unknown] = []
        self.page_fields: list[PageField] = []
        self.seen: set[str] = set()
        self.handlers = self._handlers()
        self.raws: list[str] = []  # the value's lines with text-node separators (list fields)

    def add(self, raw: RawField) -> None:
        lines = [line.text for line in raw.lines]
        self.raws = [line.raw or line.text for line in raw.lines]
        shown = "\n".join(lines)
        if raw.field is None:
            self.unknowns.append(Unknown("label", None, raw.label))
            status = "unknown"
        elif raw.field in self.seen:
            status = self._repeat_status(raw.field, shown)  # the first occurrence wins
        else:
            self.seen.add(raw.field)
            status = self.handlers[raw.field](raw.field, lines, shown)
        self.page_fields.append(
            PageField(
                position=len(self.page_fields),
                section=raw.heading_section,
                heading=raw.heading,
                label=raw.label,
                value=shown,
                field=raw.field,
                value_status=status,
            )
        )

    def _repeat_status(self, field_key: str, shown: str) -> str:
        self.unknowns.append(Unknown("repeated_label", field_key, shown[:200]))
        return "unknown"

    def _handlers(self) -> dict[str, Callable[[str, list[str], str], str]]:
        handlers: dict[str, Callable[[str, list[str], str], str]] = dict.fromkeys(
            self.vocab.closed_fields(), self._closed
        )
        handlers.update(
            {
                "action_plan": self._action_plan,
                "action_plan_cycle": self._year,
                "inception_report": self._free,
                "commitment_start": self._month,
                "commitment_end": self._month,
                "lead_institution": self._institution,
                "support_institutions": self._institution,
                "institutions_involved": self._involved,
                "policy_areas": self._policy_areas,
                "irm_report": self._reports,
                "ogp_values": self._ogp_values,
            }
        )
        return handlers

    def _set(self, column: str, reading: Reading, shown: str) -> str:
        self.columns[column] = reading.value
        self.columns[f"{column}_missing"] = reading.missing
        if reading.status == "unknown":
            self.unknowns.append(Unknown("value", column, shown))
        return reading.status

    def _closed(self, name: str, lines: list[str], shown: str) -> str:
        return self._set(name, values.closed(self.vocab, name, " ".join(lines)), shown)

    def _free(self, name: str, lines: list[str], shown: str) -> str:
        return self._set(name, values.free_text(self.vocab, shown), shown)

    def _year(self, name: str, lines: list[str], shown: str) -> str:
        return self._set(name, values.year(self.vocab, shown), shown)

    def _month(self, name: str, lines: list[str], shown: str) -> str:
        return self._set(name, values.month(self.vocab, shown), shown)

    def _action_plan(self, name: str, lines: list[str], shown: str) -> str:
        status = self._free(name, lines, shown)
        start, end = values.year_range(shown) if status == "free_text" else (None, None)
        self.columns["action_plan_start_year"] = start
        self.columns["action_plan_end_year"] = end
        return status

    def _institution(self, name: str, lines: list[str], shown: str) -> str:
        status = self._free(name, lines, shown)
        if status == "free_text":
            role = "lead" if name == "lead_institution" else "support"
            self._add_institutions(role, values.split_names(lines))
        return status

    def _involved(self, name: str, lines: list[str], shown: str) -> str:
        reading = values.free_text(self.vocab, shown)
        if reading.status == "free_text":
            self._add_institutions("involved", values.split_names(lines))
        return reading.status

    def _add_institutions(self, role: str, names: list[str]) -> None:
        for position, name in enumerate(names):
            self.institutions.append(Institution(role, position, name))

    def _policy_areas(self, name: str, lines: list[str], shown: str) -> str:
        reading = values.free_text(self.vocab, shown)
        areas = values.split_policy_areas(self.raws) if reading.status == "free_text" else []
        self.columns[name], self.columns[f"{name}_missing"] = tuple(areas), reading.missing
        for area in areas:
            if not self.vocab.is_known_policy_area(area):
                self.unknowns.append(Unknown("policy_area", name, area))
        return reading.status

    def _reports(self, name: str, lines: list[str], shown: str) -> str:
        reading = values.free_text(self.vocab, shown)
        titles = values.split_report_titles(self.raws) if reading.status == "free_text" else []
        self.columns["irm_reports"] = tuple(titles)
        self.columns["irm_reports_missing"] = reading.missing
        status = reading.status if reading.status == "missing" else "known"
        for position, title in enumerate(titles):
            report_type = self.vocab.report_type(title)
            start, end = values.year_range(title)
            if report_type is None:
                self.unknowns.append(Unknown("irm_report_type", "irm_reports", title))
                status = "unknown"
            self.reports.append(
                IrmReport(
                    position, title, report_type, start, end, self.vocab.is_public_comment(title)
                )
            )
        return status

    def _ogp_values(self, name: str, lines: list[str], shown: str) -> str:
        # One value per element where the page draws them as separate chips or links.
        shown_values = [v for raw in self.raws for v in values.element_values(raw)]
        reading = values.ogp_values(self.vocab, " , ".join(shown_values))
        self.columns["ogp_values"] = reading.values
        self.columns["ogp_relevant"] = reading.relevant.value
        self.columns["ogp_relevant_missing"] = reading.relevant.missing
        if reading.leftover:
            self.unknowns.append(Unknown("ogp_value", "ogp_values", reading.leftover))
        return reading.relevant.status

    def finish(self) -> Interpreted:
        columns = dict(self.columns)
        for name in _SCALARS:
            if name not in columns and f"{name}_missing" not in columns:
                columns[name], columns[f"{name}_missing"] = None, MISSING_ABSENT
        for name in _LISTS:
            if name not in columns:
                columns[name], columns[f"{name}_missing"] = (), MISSING_ABSENT
        columns.setdefault("ogp_values", ())
        columns.setdefault("action_plan_start_year", None)
        columns.setdefault("action_plan_end_year", None)
        return Interpreted(
            columns,
            _template(self.seen),
            tuple(self.reports),
            tuple(self.institutions),
            tuple(self.page_fields),
            tuple(self.unknowns),
        )


def _template(seen: set[str]) -> str:
    if seen & _T4_FIELDS:
        return "T4"
    if "ambition" in seen:
        return "T3"
    if "potential_impact" in seen:
        return "T1"
    return "T2" if "starred" in seen else "unknown"


def interpret_fields(raw_fields: list[RawField], vocab: Vocabulary) -> Interpreted:
    interpreter = _Interpreter(vocab)
    for raw in raw_fields:
        interpreter.add(raw)
    return interpreter.finish()
