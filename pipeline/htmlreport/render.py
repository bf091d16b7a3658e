"""``processed/run_report.html``: the run report as one self-contained page a person reads.

Rendered from the same dictionary as the JSON report (never from other state), so the two
cannot disagree. Every number shown from the JSON carries ``data-json`` (its path in the JSON,
"/"-separated) and ``data-value`` (the JSON value): the test checks each against the file. No
script, no external style sheet, font or image: it opens from disk without network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from pipeline.htmlreport.cells import (
    examples,
    link,
    records,
    row,
    section,
    share,
    table,
    texts,
    value_cell,
)
from pipeline.htmlreport.charts import bar_chart, sparkline

_LISTED = 50  # rows of a long list shown in the page; the JSON keeps them all
_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .7em;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums}
.banner{padding:.7em 1em;border-radius:4px;background:#eef6ee;border:1px solid #9c9}
.banner.bad{background:#fbeeee;border-color:#d99}.muted{color:#777}
svg.chart rect{fill:#4a7ab5}svg text{font-size:12px;fill:#333}
svg.spark polyline{fill:none;stroke:#4a7ab5;stroke-width:1.5}svg.spark circle{fill:#4a7ab5}
svg.spark .axis{stroke:#ddd}code{font-size:.95em}
"""


def _summary(report: Mapping[str, object]) -> str:
    processed = report.get("processed")
    processed = processed if isinstance(processed, Mapping) else {}
    published = bool(processed.get("published"))
    data_from = processed.get("data_from_run")
    if published:
        banner = "This run published: the tables in processed/ are from it."
    elif data_from:
        banner = f"This run published nothing: the tables in processed/ are from run {data_from}."
    else:
        banner = "This run published nothing, and nothing was published before."
    rows = [
        f"<tr><th>{escape(name)}</th>{value_cell(name, report.get(name))}</tr>"
        for name in ("run_id", "finish_reason", "exit_code", "refused_by", "started_at",
                     "finished_at", "base_url")
        if name in report
    ]  # fmt: skip
    error = report.get("error")
    error_html = f'<p class="banner bad"><b>Error:</b> {escape(str(error))}</p>' if error else ""
    css = "banner" if published else "banner bad"
    return f'<p class="{css}">{escape(banner)}</p>{error_html}<table>{"".join(rows)}</table>'


def _stages(report: Mapping[str, object]) -> str:
    durations = report.get("durations_s")
    durations = durations if isinstance(durations, Mapping) else {}
    rows = [
        f"<tr><td>{escape(stage)}</td>{value_cell(f'durations_s/{stage}', s, f'{s:.1f} s')}</tr>"
        for stage, s in durations.items()
        if isinstance(s, int | float)
    ]
    chart = bar_chart([(k, float(v)) for k, v in durations.items()], " s")
    return table(["stage", "took"], rows) + chart


def _pages(report: Mapping[str, object]) -> str:
    stages = report.get("stages")
    stages = stages if isinstance(stages, Mapping) else {}
    rows, bars = [], []
    for stage in ("extract", "transform", "load"):
        numbers = stages.get(stage)
        if not isinstance(numbers, Mapping):
            continue
        for name, value in numbers.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                rows.append(
                    f"<tr><td>{escape(stage)}</td><td>{escape(name.replace('_', ' '))}</td>"
                    f"{value_cell(f'stages/{stage}/{name}', value)}</tr>"
                )
                if name in _PAGE_COUNTS.get(stage, ()):
                    bars.append((f"{stage}: {name.replace('_', ' ')}", float(value)))
    return table(["stage", "what", "count"], rows) + bar_chart(bars)


_PAGE_COUNTS = {
    "extract": ("discovered", "fetched", "not_modified", "unchanged", "skipped_by_lastmod"),
    "transform": ("pages_parsed", "pages_reused", "pages_failed", "commitments"),
}


def _failures(report: Mapping[str, object]) -> str:
    failures = report.get("failures")
    failures = failures if isinstance(failures, list) else []
    rows = [
        f"<tr><td>{escape(str(f.get('stage', '')))}</td><td>{link(f.get('url', ''))}</td>"
        f"<td>{escape(str(f.get('reason', '')))}</td></tr>"
        for f in failures[:_LISTED]
        if isinstance(f, Mapping)
    ]
    count = row("failed pages", value_cell("failures", failures, str(len(failures))))
    return f"<table>{count}</table>" + table(["stage", "URL", "reason"], rows)


def _coverage(report: Mapping[str, object], history: Sequence[Mapping[str, object]]) -> str:
    now = _coverage_of(report)
    runs = [*history, report]
    labels = [str(run.get("run_id", "")) for run in runs]
    rows = []
    for field, value in now.items():
        series = [_coverage_of(run).get(field) for run in runs]
        previous = series[-2] if len(series) > 1 else None
        rows.append(
            f"<tr><td>{escape(field)}</td>{share(f'stages/coverage/{field}', value)}"
            f'<td class="num">{"–" if previous is None else f"{previous:.1%}"}</td>'
            f"<td>{sparkline(series, labels)}</td></tr>"
        )
    note = (
        '<p class="muted">Share of commitments whose page shows each field\'s label: this run '
        f"and the {len(history)} published runs kept in processed/ (oldest first).</p>"
    )
    return note + table(["field", "this run", "previous run", "kept runs"], rows)


def _coverage_of(report: Mapping[str, object]) -> dict[str, float]:
    stages = report.get("stages")
    coverage = stages.get("coverage") if isinstance(stages, Mapping) else None
    if not isinstance(coverage, Mapping):
        return {}
    return {k: float(v) for k, v in coverage.items() if isinstance(v, int | float)}


def _canary(report: Mapping[str, object]) -> str:
    canary = report.get("canary")
    if not isinstance(canary, Mapping):
        return '<p class="muted">The drift canary did not run (the run ended before it).</p>'
    head = "".join(
        [
            row("verdict", value_cell("canary/status", canary.get("status"))),
            f"<tr><th>why</th><td>{escape(str(canary.get('reason', '')))}</td></tr>",
            row("pages parsed", value_cell("canary/pages_parsed", canary.get("pages_parsed"))),
            row(
                "pages compared", value_cell("canary/pages_compared", canary.get("pages_compared"))
            ),
            row("margin", share("canary/margin", canary.get("margin"))),
        ]
    )
    fields = records(canary.get("fields"))
    rows = [
        f"<tr><td>{escape(str(f['field']))}</td><td>{escape(str(f['measure']))}</td>"
        + share(f"canary/fields/{i}/before", f["before"])
        + share(f"canary/fields/{i}/after", f["after"])
        + f"<td>{'drift' if f['drifted'] else ''}</td>"
        f"<td>{' '.join(link(u) for u in texts(f['examples']))}</td></tr>"
        for i, f in enumerate(fields)
        if f["drifted"] or f["before"] != f["after"]
    ]
    new_rows = [
        f"<tr><td>{escape(str(u['kind']))}</td><td>{escape(str(u['text']))}</td>"
        + value_cell(f"canary/unknowns/{i}/pages", u["pages"])
        + share(f"canary/unknowns/{i}/share", u["share"])
        + f"<td>{'drift' if u['drifted'] else ''}</td></tr>"
        for i, u in enumerate(records(canary.get("unknowns"))[:_LISTED])
    ]
    return (
        f"<table>{head}</table>"
        + "<h3>Fields whose coverage changed</h3>"
        + table(["field", "measure", "before", "after", "", "examples"], rows)
        + "<h3>Unknown headings and labels on the pages parsed</h3>"
        + table(["kind", "text", "pages", "share", ""], new_rows)
    )


def _reconciliation(report: Mapping[str, object]) -> str:
    found = report.get("reconciliation")
    if not isinstance(found, Mapping):
        return '<p class="muted">No reference given (--reference FILE).</p>'
    columns = found.get("columns_found")
    columns = columns if isinstance(columns, Mapping) else {}
    col_rows = [
        f"<tr><td>{escape(name)}</td><td>{escape(str(header)) if header else 'not found'}</td></tr>"
        for name, header in columns.items()
    ]
    counts = found.get("counts")
    counts = counts if isinstance(counts, Mapping) else {}
    count_rows = [
        f"<tr><td>{escape(name.replace('_', ' '))}</td>"
        + value_cell(f"reconciliation/counts/{name}", n)
        + f"<td>{examples(found.get(name))}</td></tr>"
        for name, n in counts.items()
    ]
    sheet = value_cell("reconciliation/sheet_rows", found.get("sheet_rows"))
    scraped = value_cell("reconciliation/scraped", found.get("scraped"))
    sizes = f"<table>{row('rows in the sheet', sheet)}{row('commitments scraped', scraped)}</table>"
    return (
        f"<p>Reference: <code>{escape(str(found.get('reference')))}</code></p>"
        + table(["column", "header found"], col_rows)
        + sizes
        + table(["difference", "count", "first ones"], count_rows)
    )


def _changes(report: Mapping[str, object]) -> str:
    changes = report.get("changes")
    if not isinstance(changes, Mapping):
        return '<p class="muted">Not known: the run ended before comparing with the publish.</p>'
    counts = changes.get("counts")
    counts = counts if isinstance(counts, Mapping) else {}
    first = changes.get("first_ids")
    first = first if isinstance(first, Mapping) else {}
    rows = [
        f"<tr><td>{escape(kind)}</td>{value_cell(f'changes/counts/{kind}', n)}"
        f"<td>{examples(first.get(kind))}</td></tr>"
        for kind, n in counts.items()
    ]
    fields = changes.get("fields")
    fields = fields if isinstance(fields, Mapping) else {}
    field_rows = [
        f"<tr><td>{escape(str(name))}</td>{value_cell(f'changes/fields/{name}/count', f['count'])}"
        f"<td>{examples(f.get('first_ids'))}</td></tr>"
        for name, f in fields.items()
        if isinstance(f, Mapping)
    ]
    return table(["change since the last publish", "commitments", "first ones"], rows) + (
        table(["field changed", "commitments", "first ones"], field_rows) if field_rows else ""
    )


def _unknowns(report: Mapping[str, object]) -> str:
    unknowns = report.get("unknowns")
    unknowns = unknowns if isinstance(unknowns, list) else []
    rows = [
        f"<tr><td>{escape(str(u.get('kind')))}</td><td>{escape(str(u.get('field') or ''))}</td>"
        f"<td>{escape(str(u.get('text')))}</td>{value_cell(f'unknowns/{i}/pages', u.get('pages'))}"
        f"<td>{' '.join(link(x) for x in u.get('examples', [])[:1])}</td></tr>"
        for i, u in enumerate(unknowns[:_LISTED])
        if isinstance(u, Mapping)
    ]
    return table(["kind", "field", "text", "pages", "example"], rows)


SECTIONS = ("summary", "stages", "pages", "failures", "coverage", "canary", "reconciliation",
            "changes", "unknowns")  # fmt: skip


def render_html(report: Mapping[str, object], history: Sequence[Mapping[str, object]]) -> str:
    """The page for ``report`` (the JSON run report); ``history`` holds the reports of the
    earlier runs kept in processed/, oldest first, for the coverage trend."""
    run_id = escape(str(report.get("run_id", "")))
    body = [
        section("summary", "What this run did", _summary(report)),
        section("stages", "Time per stage", _stages(report)),
        section("pages", "Pages", _pages(report)),
        section("failures", "Failures", _failures(report)),
        section("coverage", "Field coverage", _coverage(report, history)),
        section("canary", "Drift canary", _canary(report)),
        section("reconciliation", "Reconciliation with OGP's list", _reconciliation(report)),
        section("changes", "What changed since the last publish", _changes(report)),
        section("unknowns", "Unknown labels and values", _unknowns(report)),
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>ogp-pipeline run {run_id}</title><style>{_STYLE}</style></head>"
        f"<body><h1>ogp-pipeline run {run_id}</h1>{''.join(body)}</body></html>\n"
    )
