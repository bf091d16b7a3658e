"""``ogp-pipeline rebuild-history``: recompute commitment_changes and commitment_history
offline, from the page bodies kept in raw/, with today's parser (what a user needs after a
parser fix).

Every publish recorded in the runs ledger is replayed in order: the pages as of that run come
from raw/'s fetch log (``pipeline.raw.fetchlog``), and go through the same steps as a refresh
(``transform_pages`` with the previous replayed publish to carry unchanged pages over,
``settle_pages``, member names, ``extend_history``) with the run's id and start. So with the
same parser it reproduces both tables exactly; with a fixed parser, every version is read
again by it. A body ``prune`` removed is one that made no version: the page keeps its previous
rows for that run.

Only what raw/ recorded can be replayed: a raw/ migrated from schema 2 knows each page's
latest body only (from the run that fetched it), so runs before that start with fewer pages.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from pipeline.config import TransformConfig
from pipeline.history.diff import publishes
from pipeline.history.update import Publish, empty_history
from pipeline.load.assemble import extend_history, filled_commitments
from pipeline.load.settle import settle_pages
from pipeline.raw import RawStore, StoredPage
from pipeline.raw.fetchlog import LoggedPage, replay
from pipeline.raw.store import STATE_FILE
from pipeline.schema import COMMITMENT_CHANGES, COMMITMENT_HISTORY, COMMITMENTS, PAGE_TABLES
from pipeline.transform.run import transform_pages

log = logging.getLogger(__name__)
PRUNED = "its body was pruned from raw/ (it made no new version)"


@dataclass(frozen=True)
class RebuiltHistory:
    changes: pa.Table
    history: pa.Table
    runs: int  # publishes replayed
    pages_parsed: int


def rebuild_history(raw_dir: Path, processed_dir: Path, config: TransformConfig) -> RebuiltHistory:
    """Both history tables as the publishes in ``processed_dir``'s runs ledger would have made
    them from the bodies in ``raw_dir`` with this parser. Nothing is written."""
    runs = publishes(processed_dir)
    entries: list[LoggedPage] = []
    if (raw_dir / STATE_FILE).exists():
        with RawStore(raw_dir) as store:
            entries = store.db.fetch_log()
            shas = {entry.sha256 for entry in entries if entry.sha256 is not None}
            present = {sha for sha in shas if store.bodies.path(sha).is_file()}
    walk = _Replay(raw_dir, config, present if entries else set())
    for run_id, pages in replay(entries, runs):
        log.info("rebuild-history: replaying publish %s (%d pages)", run_id, len(pages))
        walk.publish(pages, Publish(run_id, runs[run_id]))
    changes, history = walk.history()
    return RebuiltHistory(changes, history, len(runs), walk.parsed)


@dataclass
class _Replay:
    raw_dir: Path
    config: TransformConfig
    present: set[str]  # bodies still on disk
    previous: dict[str, pa.Table] | None = None
    parsed: int = 0

    def history(self) -> tuple[pa.Table, pa.Table]:
        if self.previous is None:
            return empty_history()
        return self.previous[COMMITMENT_CHANGES.name], self.previous[COMMITMENT_HISTORY.name]

    def publish(self, pages: Mapping[tuple[str, str], LoggedPage], publish: Publish) -> None:
        """One publish, as a refresh made it (``pipeline.refresh``: transform, settle, assemble)."""
        stored, pruned = self._stored(pages)
        fetch_failed = {e.commitment_id: e.error or "the fetch failed" for e in pages.values()
                        if e.state == "failed" and e.sha256 is not None}  # fmt: skip
        result = transform_pages(self.raw_dir, stored, (), self.config, self.previous)
        present = set(result.tables[COMMITMENTS.name]["commitment_id"].to_pylist())
        not_parsed = {
            f.commitment_id: f.reason
            for f in result.failures
            if f.commitment_id is not None and f.commitment_id not in present
        }
        settled = settle_pages(
            result.tables,
            self.previous,
            not_parsed=not_parsed | pruned,
            fetch_failed=fetch_failed,
            started=publish.detected_at,
        )
        commitments = filled_commitments(settled.tables)
        update = extend_history(commitments, self.previous, publish)
        self.previous = {spec.name: settled.tables[spec.name] for spec in PAGE_TABLES}
        self.previous[COMMITMENTS.name] = commitments
        self.previous[COMMITMENT_CHANGES.name] = update.changes
        self.previous[COMMITMENT_HISTORY.name] = update.history
        self.parsed += result.parsed

    def _stored(
        self, pages: Mapping[tuple[str, str], LoggedPage]
    ) -> tuple[list[StoredPage], dict[str, str]]:
        """The pages transform reads for this run (``RawStore.current_pages``), and those whose
        body is gone and that the previous publish cannot carry over."""
        published: set[tuple[str, str]] = set()
        if self.previous is not None:
            rows = self.previous[COMMITMENTS.name]
            published = set(
                zip(rows["source_url"].to_pylist(), rows["content_sha256"].to_pylist(), strict=True)
            )
        stored, pruned = [], {}
        for entry in sorted(pages.values(), key=lambda e: e.url):
            if entry.state == "gone" or entry.sha256 is None or entry.fetched_at is None:
                continue
            page = StoredPage(
                url=entry.url,
                fetched_url=entry.fetched_url or entry.url,
                commitment_id=entry.commitment_id,
                member_slug=entry.member_slug,
                language=entry.language,
                sha256=entry.sha256,
                fetched_at=entry.fetched_at,
                fetch_run_id=entry.fetch_run_id or "",
                content_type=entry.content_type,
            )
            if page.sha256 in self.present or (page.fetched_url, page.sha256) in published:
                stored.append(page)
            else:
                pruned[page.commitment_id] = PRUNED
        return stored, pruned
