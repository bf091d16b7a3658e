"""What an extract run did: the counters kept during the run and the frozen summary after it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FailedFetch:
    url: str
    reason: str  # one readable line


@dataclass(frozen=True)
class FetchSummary:
    run_id: str
    started_at: datetime
    finished_at: datetime
    finish_reason: str  # "complete", "max_pages", "max_runtime", "interrupted"
    discovered: int  # distinct commitment pages known after discovery
    fetched: int  # pages whose body was downloaded and stored (new or changed)
    not_modified: int  # 304s plus pages skipped because sitemap lastmod said unchanged
    failed: tuple[FailedFetch, ...]
    gone: tuple[str, ...]  # commitment URLs answered 404/410
    referenced_not_fetched: tuple[str, ...]  # linked somewhere, no current body after the run
    requests_by_status: Mapping[str, int]  # "200", "304", "404", "timeout", "reset", ...
    retries_by_reason: Mapping[str, int]
    bytes_downloaded: int
    bytes_saved: int  # stored size of bodies not re-sent (304)
    slowdowns: int  # times the host's request rate was cut after 429/503 (ratelimit.py)
    retry_after_s: float  # seconds retries waited because a Retry-After asked for it
    robots: str  # the robots.txt decision, one line
    unchanged: int = 0  # pages downloaded again (200) whose body hashed as the stored one
    skipped_by_lastmod: int = 0  # the part of not_modified that sent no request at all
    # Stored bodies found damaged (missing, truncated, altered): fetched again unconditionally.
    damaged_bodies: tuple[str, ...] = ()
    not_reached: int = 0  # pages left when --max-runtime ended fetching (also in failed)
    plan: Mapping[str, object] | None = None  # --dry-run: what a run would do (dryrun.py)

    @property
    def requests(self) -> int:
        return sum(self.requests_by_status.values())

    def to_dict(self) -> dict[str, object]:
        """JSON-able form, for the run report."""
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "finish_reason": self.finish_reason,
            "discovered": self.discovered,
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "unchanged": self.unchanged,
            "skipped_by_lastmod": self.skipped_by_lastmod,
            "failed": [{"url": f.url, "reason": f.reason} for f in self.failed],
            "gone": list(self.gone),
            "referenced_not_fetched": list(self.referenced_not_fetched),
            "requests_by_status": dict(sorted(self.requests_by_status.items())),
            "retries_by_reason": dict(sorted(self.retries_by_reason.items())),
            "bytes_downloaded": self.bytes_downloaded,
            "bytes_saved": self.bytes_saved,
            "slowdowns": self.slowdowns,
            "retry_after_s": round(self.retry_after_s, 3),
            "damaged_bodies": list(self.damaged_bodies),
            "not_reached": self.not_reached,
            "robots": self.robots,
            **({"plan": dict(self.plan)} if self.plan is not None else {}),
        }

    def render(self) -> str:
        """The human summary printed at the end of a run."""
        if self.plan is not None:
            return self._render_plan(self.plan)
        seconds = (self.finished_at - self.started_at).total_seconds()
        lines = [
            f"extract {self.run_id}: {self.finish_reason} in {seconds:.1f} s",
            f"  robots.txt: {self.robots}",
            f"  commitment pages: {self.discovered} discovered, {self.fetched} new or changed, "
            f"{self.not_modified} not modified ({self.skipped_by_lastmod} by sitemap lastmod), "
            f"{self.unchanged} re-sent unchanged, {len(self.gone)} gone, "
            f"{len(self.failed)} failed",
            f"  requests: {self.requests} ({_counts(self.requests_by_status)})",
            f"  retries: {_counts(self.retries_by_reason) or 'none'}",
            f"  bytes: {_size(self.bytes_downloaded)} downloaded, "
            f"{_size(self.bytes_saved)} saved by 304s",
            f"  slowdowns: {self.slowdowns} rate cuts, {self.retry_after_s:.1f} s waited for "
            "Retry-After",
        ]
        if self.not_reached:
            lines.append(f"  not reached before --max-runtime: {self.not_reached} pages "
                         "(their stored copies are kept; listed as failed)")  # fmt: skip
        lines += _listed("stored bodies found damaged and fetched again", self.damaged_bodies)
        lines += _listed("gone", self.gone)
        lines += _listed("referenced but not fetched", self.referenced_not_fetched)
        lines += _listed("failed", tuple(f"{f.url}: {f.reason}" for f in self.failed), 100)
        return "\n".join(lines)

    def _render_plan(self, plan: Mapping[str, object]) -> str:
        """A dry run's summary: what a run would fetch, and what discovery found."""
        actions, found = plan["actions"], plan["found_by"]
        new, unlisted = plan["new"], plan["no_longer_listed"]
        assert isinstance(actions, dict) and isinstance(found, dict)
        assert isinstance(new, list) and isinstance(unlisted, list)
        lines = [
            f"dry run {self.run_id}: {self.finish_reason}; no commitment page was requested and "
            "raw/ was not written",
            f"  robots.txt: {self.robots}",
            f"  commitment pages: {self.discovered} discovered; a run would download "
            f"{actions['download']} (new or damaged copy), revalidate {actions['revalidate']} "
            f"(conditional request), skip {actions['skip']} (sitemap lastmod), re-check "
            f"{actions['recheck_gone']} gone (HEAD)"
            + (
                f", leave {actions['disallowed']} disallowed by robots.txt"
                if actions["disallowed"]
                else ""
            ),
            "  found by: "
            + ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in found.items()),
            f"  requests: {self.requests} ({_counts(self.requests_by_status)})",
        ]
        lines += _listed("new (not in raw/)", tuple(new), 20)
        lines += _listed(
            "known, no longer listed by sitemaps, links or probes", tuple(unlisted), 20
        )
        lines += _listed("failed", tuple(f"{f.url}: {f.reason}" for f in self.failed), 100)
        return "\n".join(lines)


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))


def _size(count: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if count < 1024:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count //= 1024
    return f"{count:.1f} GiB"


def _listed(title: str, items: tuple[str, ...], limit: int = 50) -> list[str]:
    """A titled list, cut at ``limit`` lines: the run report (to_dict) keeps every item."""
    if not items:
        return []
    lines = [f"  {title} ({len(items)}):"] + [f"    {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"    ... and {len(items) - limit} more (see the run report)")
    return lines


@dataclass
class Tally:
    """Counters a run updates as it goes (single event loop: no locking needed)."""

    fetched: int = 0
    not_modified: int = 0
    unchanged: int = 0
    skipped_by_lastmod: int = 0
    bytes_downloaded: int = 0
    bytes_saved: int = 0
    requests_by_status: Counter[str] = field(default_factory=Counter)
    retries_by_reason: Counter[str] = field(default_factory=Counter)
    failed: dict[str, str] = field(default_factory=dict)  # url -> reason (last one wins)
    gone: set[str] = field(default_factory=set)
    commitments_done: int = 0  # commitment tasks finished, whatever their outcome
    retry_after_s: float = 0.0
    damaged: set[str] = field(default_factory=set)  # URLs whose stored body was damaged

    def fail(self, url: str, reason: str) -> None:
        self.failed[url] = reason
