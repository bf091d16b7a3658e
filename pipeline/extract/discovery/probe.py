"""Discovery by ID probing: past the highest known ID of every member's numbering series, ask
for the next IDs with HEAD; a series is done when the ``probe_misses`` IDs after its highest
known one are all missing. IDs are sequential per member, so this finds commitments that no
list or sitemap names yet.

The IDs of a series' window are probed at once (independent HEADs), and a hit moves the window
on: the same requests as probing one ID after another, without making each series a chain in
which one slow answer or retry holds up everything after it.
"""

from __future__ import annotations

from pipeline.errors import FetchGaveUp
from pipeline.extract.discovery.frontier import Frontier
from pipeline.extract.retry import GONE_STATUSES
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import ProbeTarget, Task, task
from pipeline.urls import commitment_url, parse_commitment_url

_LAST_NUMBER = 9999  # IDs have four digits


def first_probes(frontier: Frontier, misses: int) -> list[Task]:
    """The first window of every numbering series seen: the IDs just past its highest."""
    tasks = []
    for slug, prefix, _highest in frontier.series():
        tasks += window(frontier, slug, prefix, misses)
    return tasks


def window(frontier: Frontier, slug: str, prefix: str, misses: int) -> list[Task]:
    """Probes for the ``misses`` IDs after the series' highest known one that nothing has
    probed or found yet."""
    highest = frontier.highest(slug, prefix)
    tasks = []
    for number in range(highest + 1, min(highest + misses, _LAST_NUMBER) + 1):
        if frontier.claim_probe(slug, prefix, number):
            tasks.append(task("probe", probe=ProbeTarget(slug, prefix, number)))
    return tasks


async def probe_id(ctx: StepContext, item: Task) -> list[Task]:
    """HEAD one ID of a member's series: no body crosses the wire for a miss, so a refresh
    where nothing changed stays at conditional requests and bodiless probes."""
    target = item.probe
    assert target is not None, "a probe task names its series"
    slug, prefix = target.member_slug, target.prefix
    ref = ctx.frontier.probe_ref(slug, prefix, target.number)
    if ctx.frontier.is_known(ref.commitment_id):  # found some other way meanwhile
        return window(ctx.frontier, slug, prefix, ctx.config.probe_misses)
    url = commitment_url(ref, ctx.config.base_url)
    if not ctx.fetcher.allowed(url):
        return []
    try:
        fetched = await ctx.fetcher.fetch(url, ctx.page_expect, method="HEAD")
    except FetchGaveUp as exc:
        ctx.tally.fail(url, f"ID probe: {exc}")
        return []
    if fetched.status in GONE_STATUSES:
        return []  # a miss: the rest of the window decides whether the series goes on
    found = parse_commitment_url(fetched.url) or ref
    new = ctx.frontier.offer_commitment(found, source="probes")
    follow = [task("commitment", new)] if new else []
    return [*follow, *window(ctx.frontier, slug, prefix, ctx.config.probe_misses)]
