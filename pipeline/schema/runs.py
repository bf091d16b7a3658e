"""The runs table: one row per run, published or not (outside the run folders)."""

from __future__ import annotations

import pyarrow as pa

from pipeline.schema.columns import FINISH_REASONS, GUARDS, TIMESTAMP, column, table

RUNS = table(
    "runs",
    "One row per pipeline run, published or not.",
    [
        column("run_id", pa.string(), "Run identifier (UTC start time, sortable).", required=True),
        column("started_at", TIMESTAMP, "Start (UTC).", required=True),
        column("finished_at", TIMESTAMP, "End (UTC).", required=True),
        column(
            "finish_reason",
            pa.string(),
            "published, partial, refused, failed or interrupted.",
            required=True,
            vocabulary=FINISH_REASONS,
        ),
        column(
            "refused_by",
            pa.string(),
            "The guard that refused the run (finish_reason refused); null otherwise.",
            vocabulary=GUARDS,
        ),
        column(
            "error",
            pa.string(),
            "Why the run failed or was refused, as printed; null when it published.",
        ),
        column("exit_code", pa.int8(), "Exit code of the run.", required=True),
        column("pipeline_version", pa.string(), "Package version.", required=True),
        column("parser_version", pa.string(), "Parser version.", required=True),
        column("base_url", pa.string(), "Site the run fetched from."),
        column("pages_discovered", pa.int32(), "Commitment pages discovered."),
        column("pages_fetched", pa.int32(), "Pages downloaded with a new body."),
        column(
            "pages_not_modified",
            pa.int32(),
            "Pages answered 304 Not Modified or skipped by sitemap lastmod.",
        ),
        column(
            "pages_failed",
            pa.int32(),
            "Pages that could not be fetched or parsed, or whose new rows failed validation.",
        ),
        column("pages_parsed", pa.int32(), "Pages parsed in this run."),
        column("pages_reused", pa.int32(), "Pages whose rows were carried over unchanged."),
        column(
            "pages_stale",
            pa.int32(),
            "Commitments published with rows from an earlier fetch or parse (stale_since set).",
        ),
        column("commitments", pa.int32(), "Rows of the commitments table after the run."),
    ],
    ("run_id",),
)
