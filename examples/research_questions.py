"""Three research questions answered from the published tables, as a notebook would (each
``# %%`` cell runs on its own in Jupyter or VS Code) and as a script:

    python examples/research_questions.py [processed/]

1. What share of each member's commitments did the IRM star?
2. How complete are commitments, policy area by policy area?
3. What changed on the site in the last month?

Only pandas is needed. Every table joins on its keys as published; nothing is cleaned.
"""

# %% Load the tables of one publish (resolve processed/current once: one run's tables)
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

processed = Path(sys.argv[1] if len(sys.argv) > 1 else "processed")
run = (processed / "current").resolve()


def table(name: str) -> pd.DataFrame:
    return pd.read_parquet(run / f"{name}.parquet", dtype_backend="pyarrow")


commitments = table("commitments")
members = table("members")
policy_areas = table("commitment_policy_areas")
changes = table("commitment_changes")
pd.set_option("display.width", 120)

# %% 1. Share of starred commitments per member
# `starred` is assessed on the older templates only (null elsewhere, see starred_missing):
# the share is of the commitments whose page says starred or not.
assessed = commitments[commitments["starred"].notna()]
starred = (
    assessed.groupby("member_slug")
    .agg(assessed=("commitment_id", "size"), starred=("starred", "sum"))
    .join(members.set_index("member_slug")[["member_name", "live_commitments"]])
)
starred["share_starred"] = (starred["starred"] / starred["assessed"]).round(3)
print("1. Share of starred commitments per member (of those the IRM assessed for a star)")
print(starred.sort_values(["share_starred", "assessed"], ascending=False).to_string())

# %% 2. Completion by policy area
# A commitment has several policy areas (one row each); completion_rank sorts the scale
# in its real order (1 = No Evidence Available ... 5 = Complete).
by_area = policy_areas.merge(
    commitments[["commitment_id", "completion", "completion_rank"]], on="commitment_id"
)
assessed_areas = by_area[by_area["completion"].notna()]
completion = (
    assessed_areas.groupby("policy_area")
    .agg(
        assessed=("commitment_id", "size"),
        mean_rank=("completion_rank", "mean"),
        complete=("completion", lambda values: (values == "Complete").sum()),
    )
    .sort_values(["mean_rank", "assessed"], ascending=False)
)
completion["share_complete"] = (completion["complete"] / completion["assessed"]).round(3)
print("\n2. Completion by policy area (commitments the IRM assessed for completion)")
print(completion.round(2).to_string())

# %% 3. What changed in the last month
# commitment_changes keeps every change since the first publish; detected_at is the start of
# the run that saw it. "The last month": the 30 days before the latest publish.
runs = pd.read_parquet(processed / "runs.parquet", dtype_backend="pyarrow")
published = runs[runs["finish_reason"].isin(["published", "partial"])]
since = published["started_at"].max() - pd.Timedelta(days=30)
recent = changes[changes["detected_at"] > since]
print(f"\n3. What changed since {since:%Y-%m-%d %H:%M} UTC: {len(recent)} change rows")
summary = (
    recent.fillna({"field": "(whole commitment)"})
    .groupby(["change", "field"])
    .agg(commitments=("commitment_id", "nunique"), first=("commitment_id", "min"))
)
print(summary.to_string())
status = recent[recent["field"].isin(["status", "completion"])]
for row in status.itertuples():
    print(f"   {row.commitment_id}: {row.field} {row.old_value} -> {row.new_value} ({row.cause})")
