"""What the crawl queues: one task per URL to fetch (or ID to probe), with its kind.

A new kind of task (a new discovery method) gets a priority here, a step function in its own
module, and a line in ``crawl.STEPS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Lower runs first. Sitemaps before everything (their lastmod decides what to skip);
# commitment pages before member pages, so a crawl goes member by member (a --max-pages smoke
# run gets pages early, and the queue stays short); ID probes last, once all IDs are known.
PRIORITY = {"sitemap": 0, "commitment": 1, "page": 2, "probe": 3}


@dataclass(frozen=True, slots=True)
class ProbeTarget:
    """An ID to try in one member's numbering series."""

    member_slug: str
    prefix: str  # the series' ID letters ("NGKD")
    number: int  # the ID number to try


@dataclass(frozen=True, slots=True, order=True)
class Task:
    priority: int
    seq: int
    kind: str = field(compare=False)  # sitemap, commitment, page, probe
    url: str = field(default="", compare=False)  # what to fetch; empty for a probe
    depth: int = field(default=0, compare=False)  # sitemap nesting depth
    probe: ProbeTarget | None = field(default=None, compare=False)  # only for a probe


def task(kind: str, url: str = "", *, depth: int = 0, probe: ProbeTarget | None = None) -> Task:
    """A task; ``seq`` is filled in by the crawl when it is queued."""
    return Task(PRIORITY[kind], 0, kind, url, depth, probe)
