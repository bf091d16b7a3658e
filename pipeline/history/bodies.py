"""Which stored bodies the publishes in processed/ need, for ``prune``: the body each history
version was first parsed from (what ``rebuild-history`` needs besides the pages' latest
bodies), and the bodies of every run folder kept (to compare, roll back, or rebuild them)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.errors import ConfigError
from pipeline.load import layout

# The tables of a run folder whose rows name the body they came from.
_WITH_PROVENANCE = ("commitments", "commitment_history", "member_commitment_list", "page_fields")


def needed_bodies(processed_dir: Path) -> set[str]:
    """The sha256 of every body a kept run folder's rows (history versions included) came
    from. ConfigError when nothing is published: prune cannot know what is needed then."""
    current = layout.current_run_dir(processed_dir)
    if current is None:
        raise ConfigError(
            f"nothing is published in {processed_dir}: prune keeps the bodies the publishes "
            "need, and cannot tell which those are (give the right --processed-dir)"
        )
    runs = processed_dir / layout.RUNS_DIR
    folders = [p for p in runs.iterdir() if p.is_dir() and not p.name.endswith(layout.TMP_SUFFIX)]
    needed: set[str] = set()
    for folder in sorted(folders):
        for name in _WITH_PROVENANCE:
            path = folder / f"{name}.parquet"
            if path.exists():
                column = pq.read_table(path, columns=["content_sha256"])["content_sha256"]
                needed.update(str(sha) for sha in column.unique().to_pylist())
    return needed
