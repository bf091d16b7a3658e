"""Discovery by ID probing: past the highest known ID of every member's numbering series, ask
for the next IDs with HEAD until ``probe_misses`` in a row are missing. IDs are sequential per
member, so this finds commitments that no list or sitemap names yet."""

from __future__ import annotations

from pipeline.errors import FetchGaveUp
from pipeline.extract.discovery.frontier import Frontier
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import ProbeTarget, Task, task
from pipeline.urls import commitment_url, parse_commitment_url


def first_probes(frontier: Frontier) -> list[Task]:
    """One probe per numbering series, just past its highest known ID."""
    return [
        task("probe", probe=ProbeTarget(slug, prefix, highest + 1))
        for slug, prefix, highest in frontier.series()
    ]


async def probe_next_id(ctx: StepContext, item: Task) -> list[Task]:
    """HEAD the next ID of a member's series: no body crosses the wire for a miss, so a
    refresh where nothing changed stays at conditional requests and bodiless probes."""
    target = item.probe
    assert target is not None, "a probe task names its series"
    ref = ctx.frontier.probe_ref(target.member_slug, target.prefix, target.number)
    if target.number > 9999:
        return []
    if ctx.frontier.is_known(ref.commitment_id):
        return [_next_probe(ctx, target, misses=0)]
    url = commitment_url(ref, ctx.config.base_url)
    if not ctx.fetcher.allowed(url):
        return []
    try:
        fetched = await ctx.fetcher.fetch(url, ctx.page_expect, method="HEAD")
    except FetchGaveUp as exc:
        ctx.tally.fail(url, f"ID probe: {exc}")
        return []
    if fetched.status in GONE_STATUSES:
        if target.misses + 1 >= ctx.config.probe_misses:
            return []
        return [_next_probe(ctx, target, misses=target.misses + 1)]
    found = parse_commitment_url(fetched.url) or ref
    new = ctx.frontier.offer_commitment(found)
    follow = [task("commitment", new)] if new else []
    return [*follow, _next_probe(ctx, target, misses=0)]


def _next_probe(ctx: StepContext, target: ProbeTarget, *, misses: int) -> Task:
    slug, prefix, number = target.member_slug, target.prefix, target.number
    after = max(number, ctx.frontier.highest(slug, prefix)) + 1 if misses == 0 else number + 1
    return task("probe", probe=ProbeTarget(slug, prefix, after, misses))
