"""``--dry-run``: discover as a run would, and say what it would fetch, without fetching.

robots.txt, sitemaps, the listing and member pages are requested (conditionally: a 304 costs
no body), and ID probes are sent (HEAD: no body); commitment pages are not requested at all.
Each is planned instead (``commitment_pages._plan``): downloaded (new, or its stored copy is
damaged), revalidated with a conditional request, skipped (the sitemap says unchanged), or
re-checked as gone. raw/ is opened read-only and nothing is written to it (not even the lock:
a dry run only reads); before the first run, an empty scratch store stands in for it.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pipeline.config import Config
from pipeline.extract.steps import StepContext
from pipeline.raw import RawStore
from pipeline.raw.store import STATE_FILE
from pipeline.urls import CommitmentRef

ACTIONS = ("download", "revalidate", "skip", "recheck_gone", "disallowed")
# Methods that find pages on the site itself; the raw store and the seed file only say what
# was known before, so a known page none of these finds again is "no longer listed".
SITE_METHODS = ("sitemaps", "links", "probes")


@contextmanager
def dry_run_store(config: Config) -> Iterator[RawStore]:
    """The raw store, read-only; an empty scratch store when nothing was extracted yet."""
    if (config.raw_dir / STATE_FILE).exists():
        with RawStore(config.raw_dir) as store:
            yield store
        return
    with (
        tempfile.TemporaryDirectory(prefix="ogp-dry-run-") as scratch,
        RawStore(Path(scratch), writable=True) as store,
    ):
        yield store


def plan_of(
    ctx: StepContext, seeds: Sequence[CommitmentRef], known: Sequence[CommitmentRef]
) -> dict[str, object]:
    """What the run would have done: pages per action, commitment pages each discovery
    method found, IDs new to raw/, and known IDs no method found on the site this time."""
    frontier = ctx.frontier
    in_scope = [ref for ref in known if frontier.in_scope(ref)]
    known_ids = {ref.commitment_id for ref in in_scope}
    ids_of = {url: ref.commitment_id for url, ref in frontier.refs.items()}
    found_on_site = {ids_of[url] for m in SITE_METHODS for url in frontier.found_by.get(m, ())}
    seeded = {ref.commitment_id for ref in seeds if frontier.in_scope(ref)}
    actions = Counter(ctx.planned.values())
    stored = {page.commitment_id for page in ctx.db.pages()}
    return {
        "actions": {action: actions.get(action, 0) for action in ACTIONS},
        "found_by": {
            "raw_store": len(known_ids),
            "seed_file": len(seeded),
            **{m: len(frontier.found_by.get(m, ())) for m in SITE_METHODS},
        },
        "new": sorted(set(frontier.commitments) - stored),
        "no_longer_listed": sorted(known_ids - found_on_site - seeded),
    }
