"""``ogp-pipeline prune``: remove the stored bodies nothing needs any more.

Bodies are never removed by a run: each page's older bodies are what ``rebuild-history``
parses again. A body is needed, and kept, when the state points at it (each page's and each
document's latest body) or when the caller says so (the bodies of every history version and
of every kept run folder, ``pipeline.history.bodies``). The rest (a body replaced by one that
changed no value, an old robots.txt, sitemap or member page) is removed: first its rows, in
one transaction, then its file, so a kill in between leaves at most a file no row names
(removed by the next prune). ``dry_run`` only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.raw.failures import file_writes
from pipeline.raw.store import RawStore


@dataclass(frozen=True)
class PruneReport:
    body_files: int
    needed: int
    removed: int
    removed_bytes: int
    kept_bytes: int
    dry_run: bool

    def render(self, raw_dir: Path) -> str:
        verb = "would remove" if self.dry_run else "removed"
        return (
            f"prune {raw_dir / 'bodies'}: {self.body_files} body files, {self.needed} needed by "
            f"the state, the history or a kept publish ({_mb(self.kept_bytes)}); {verb} "
            f"{self.removed} ({_mb(self.removed_bytes)})"
        )


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def prune_bodies(raw_dir: Path, needed: set[str], *, dry_run: bool) -> PruneReport:
    """Remove the body files of raw_dir that neither the state nor ``needed`` names. The
    caller holds the raw/ lock."""
    with RawStore(raw_dir, writable=not dry_run) as store:
        keep = needed | store.db.referenced_bodies()
        files = list(store.bodies.files())
        doomed = [f for f in files if f.name.removesuffix(".zst") not in keep]
        sizes = {f: f.stat().st_size for f in files}
        if not dry_run and doomed:
            store.db.forget_bodies([f.name.removesuffix(".zst") for f in doomed])
            with file_writes(store.bodies.dir):
                for file in doomed:
                    file.unlink()
    removed = sum(sizes[f] for f in doomed)
    return PruneReport(
        body_files=len(files),
        needed=len(files) - len(doomed),
        removed=len(doomed),
        removed_bytes=removed,
        kept_bytes=sum(sizes.values()) - removed,
        dry_run=dry_run,
    )
