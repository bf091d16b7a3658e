"""One frozen configuration object, built by the CLI and passed down to every stage.

Every number has a comment saying why it has that value. Library code never reads the
environment or the command line itself: it gets a ``Config``. Each part checks itself when it is
built (``__post_init__``) and raises ConfigError for settings no run can work with: this is the
one place where settings are validated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from pipeline import __version__
from pipeline.errors import ConfigError
from pipeline.ids import is_member_slug
from pipeline.urls import LANGUAGES, on_allowed_host, site_root, split_url

LIVE_SITE = "https://www.opengovpartnership.org"
PROJECT_URL = "https://github.com/ogp-data/ogp-pipeline"


def default_user_agent() -> str:
    # Names the tool, its version and where an operator can read what it does and reach us.
    return f"ogp-pipeline/{__version__} (+{PROJECT_URL})"


@dataclass(frozen=True)
class FetchConfig:
    """Settings of the extract stage: where to look, and how politely to fetch."""

    base_url: str = LIVE_SITE
    # Start pages of the link crawl. Empty means the site's member listing (see discovery).
    start_urls: tuple[str, ...] = ()
    seed_file: Path | None = None
    only_member: str | None = None  # member slug: restrict discovery and fetching to one member
    max_pages: int | None = None  # stop after this many commitment pages (smoke runs)
    full: bool = False  # revalidate every known page even where sitemap lastmod says unchanged
    language: str = "en"  # "en" fetches /members/...; "es" or "fr" fetch /es/... or /fr/...
    use_sitemaps: bool = True
    # Sitemaps to read besides the robots.txt Sitemap: lines (none is known for the live site).
    sitemap_urls: tuple[str, ...] = ()
    crawl_links: bool = True
    probe_ids: bool = True

    # Two connections per host: a browser opens six; a polite crawler keeps to one or two so the
    # site's PHP workers stay free for people. The delay below is what really bounds the rate.
    concurrency: int = 2
    # At most one request per second to the host (the common polite default, and what Scrapy's
    # AutoThrottle converges to on a slow WordPress site). A robots.txt Crawl-delay that asks
    # for more wins; 6,500 conditional requests then take under two hours of a nightly window.
    delay_s: float = 1.0

    # A healthy server accepts a connection well within a second; 10 s tolerates a congested
    # path without letting a dead host stall a worker for long.
    connect_timeout_s: float = 10.0
    # WordPress renders pages server-side; uncached commitment pages have been seen to take
    # several seconds. 30 s is generous for that and still bounds a stalled transfer.
    read_timeout_s: float = 30.0
    # The read timeout bounds the silence between two packets, not a server that trickles a
    # byte every few seconds: this bounds the whole request (connect, headers, body). A 200 KB
    # page takes well under a second; 120 s also lets the largest body allowed (10 MiB)
    # through a 1 Mbit/s path.
    request_deadline_s: float = 120.0
    # Six attempts with exponential backoff span about half a minute: enough to ride out a
    # restart or a deploy, short enough that a broken page does not hold up a nightly run.
    max_attempts: int = 6
    # First retry after 1-2 s, then 2-3, 4-5, 8-9, 16-17 (with jitter): a lone 5xx is usually
    # over within a second, and a longer first wait held up whole phases of the crawl (the
    # next phase starts when the last page of this one is done; see BENCHMARKS.md, throttle).
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0  # no single backoff wait longer than a minute
    # A Retry-After beyond five minutes is treated as "not tonight": we wait at most this long,
    # then count the attempt; the page is retried by the next run.
    retry_after_cap_s: float = 300.0
    # 429/503s cut the request rate (ratelimit.py); a gap of 30 s is where cutting stops:
    # slower than that, 6,500 pages no longer fit a night, and the run should rather fail loudly.
    max_delay_s: float = 30.0
    # A robots.txt Crawl-delay above this stops the run with a clear message instead of being
    # obeyed for days: at 60 s, 6,500 conditional requests take 4.5 days. Values seen on real
    # sites are 1-30 s; a person who wants more raises it (--max-crawl-delay).
    max_crawl_delay_s: float = 60.0
    # The window a run may fetch in (--max-runtime), None: no limit. Pages not reached keep
    # their stored body, recorded as failed for this run.
    max_runtime_s: float | None = None
    # The largest commitment pages seen are a few hundred KB; 10 MiB is ~20x headroom and stops
    # a misconfigured endpoint from streaming an unbounded body into memory.
    max_body_bytes: int = 10 * 1024 * 1024
    # Redirect chains on the site are one or two hops (no-www to www, add slash); five allows
    # for that and stops a loop early.
    max_redirects: int = 5
    # Member and commitment links kept per page: a member page lists a few hundred commitments,
    # the listing ~230 members; 10,000 is ~30x that and stops one hostile page from queueing a
    # million requests.
    max_links_per_page: int = 10_000
    # IDs are sequential per member but withdrawn commitments leave gaps; five consecutive
    # misses past the highest known ID ends the probe without hammering the site with 404s.
    probe_misses: int = 5
    # sitemaps.org caps a sitemap at 50 MB uncompressed and 50,000 URLs; anything larger is not
    # a sitemap. Depth 3 allows an index of indexes and stops a self-referencing loop.
    sitemap_max_bytes: int = 50 * 1024 * 1024
    sitemap_max_depth: int = 3
    user_agent: str = field(default_factory=default_user_agent)
    from_header: str | None = None  # an e-mail address for the site's operators, if provided
    progress: bool | None = None  # None: a progress bar on a terminal, log lines otherwise
    # Without a terminal, one summary log line this often keeps cron logs short but alive.
    log_every_s: float = 30.0
    # --dry-run: discover (robots.txt, sitemaps, listing and member pages, HEAD probes) and
    # report what a run would fetch; no commitment page is requested, raw/ is not written.
    dry_run: bool = False

    def __post_init__(self) -> None:
        parts = split_url(self.base_url)
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"base URL {self.base_url!r} is not an http(s) URL with a host")
        if self.language not in LANGUAGES:
            raise ConfigError(f"language {self.language!r}: expected one of {LANGUAGES}")
        if self.only_member is not None and not is_member_slug(self.only_member.lower()):
            raise ConfigError(f"--only {self.only_member!r} is not a member slug (e.g. mongolia)")
        positive = {
            "concurrency": self.concurrency,
            "max_attempts": self.max_attempts,
            "probe_misses": self.probe_misses,
            "max_redirects": self.max_redirects,
            "max_body_bytes": self.max_body_bytes,
            "sitemap_max_bytes": self.sitemap_max_bytes,
            "max_links_per_page": self.max_links_per_page,
        }
        for name, value in positive.items():
            if value < 1:
                raise ConfigError(f"{name} must be at least 1 (got {value})")
        if self.max_pages is not None and self.max_pages < 1:
            raise ConfigError(f"max_pages must be at least 1 (got {self.max_pages})")
        timings = (self.delay_s, self.backoff_base_s, self.backoff_max_s, self.max_delay_s,
                   self.max_crawl_delay_s)  # fmt: skip
        timeouts = (self.connect_timeout_s, self.read_timeout_s, self.request_deadline_s)
        if min(timings) < 0 or min(timeouts) <= 0:
            raise ConfigError("delays cannot be negative and timeouts must be positive")
        if self.max_runtime_s is not None and self.max_runtime_s <= 0:
            raise ConfigError(f"max_runtime_s must be positive (got {self.max_runtime_s})")
        if self.seed_file is not None and not self.seed_file.is_file():
            raise ConfigError(f"seed file {self.seed_file} does not exist")
        for url in (*self.start_urls, *self.sitemap_urls):
            try:
                absolute = urljoin(self.base_url, url)
            except ValueError:
                absolute = ""
            if not on_allowed_host(absolute, self.base_url):
                raise ConfigError(
                    f"start or sitemap URL {url} is not on {site_root(self.base_url)}"
                )


@dataclass(frozen=True)
class ParseLimits:
    """Bounds on one page's parse, checked before the tree is built (size, tags, nesting) and
    while the parser's own loops run (time). A page beyond them fails alone, with its reason."""

    # The fetch cap (FetchConfig.max_body_bytes): anything extract stores can be parsed. The
    # largest commitment pages seen are a few hundred KB.
    max_bytes: int = 10 * 1024 * 1024
    # Shorter pages are not counted or measured (counting costs ~10% of a parse): they hold
    # at most ~27,000 tags (3 characters each) and nest at most ~20,000 deep (4 characters a
    # <ul>), which lexbor parses in ~1 s (nesting costs it quadratic time).
    scan_from_chars: int = 80_000
    # '<' characters, an upper bound on elements. A heavy WordPress commitment page has ~1,500
    # elements; 200,000 is 100x that and keeps lexbor's tree under ~100 MB.
    max_tags: int = 200_000
    # Above this many tags the nesting depth is measured before parsing (~10 ms per 20,000
    # tags, so ordinary pages never pay it). Below it, the deepest possible nesting (10,000)
    # still parses in ~0.2 s.
    depth_scan_from_tags: int = 20_000
    # Browsers stop nesting at 512 (deeper elements become siblings); real pages nest ~40 deep.
    # lexbor has no such cap and takes ~20 s for 100,000 nested divs.
    max_depth: int = 512
    # Cooperative deadline inside the parser's Python loops. A page parses in ~1.5 ms; 5 s is
    # thousands of times that and still frees the worker long before a run's hard limit.
    time_s: float = 5.0


def default_workers() -> int:
    # Parsing is CPU-bound and pages are independent: one process per core.
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class TransformConfig:
    workers: int = field(default_factory=default_workers)
    # A page parses in ~1.3 ms on average and the heaviest real pages (a few hundred KB) in
    # well under a second (BENCHMARKS.md). 60 s is thousands of times that, so no real page
    # comes near it on a slow or busy machine, yet a page that hangs the parser (pathological
    # markup, a loop in a C extension) costs a night one minute instead of the whole run: the
    # pool kills its worker and records the page as failed.
    page_time_limit_s: float = 60.0

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1 (got {self.workers})")
        if not self.page_time_limit_s > 0:
            raise ConfigError(f"page_time_limit_s must be positive (got {self.page_time_limit_s})")


@dataclass(frozen=True)
class LoadConfig:
    # A nightly refresh normally gains commitments; losing more than 10% at once means the site
    # or the crawl broke, so publishing is refused unless the user allows it.
    max_shrink_ratio: float = 0.10
    allow_shrink: bool = False
    allow_empty: bool = False
    # Previous run folders kept beside the current one: enough to roll back a bad night or to
    # diff a week of refreshes, small enough to keep disk use bounded (~5 x the data size).
    keep_runs: int = 5

    def __post_init__(self) -> None:
        if not 0 <= self.max_shrink_ratio <= 1:
            raise ConfigError(
                f"max_shrink_ratio is a share between 0 and 1 (got {self.max_shrink_ratio})"
            )


@dataclass(frozen=True)
class CanaryConfig:
    """The drift canary: the guard that refuses to publish when this run's re-parsed pages show
    the signature of a markup change (see pipeline/canary.py)."""

    # A field recognised on 5 points fewer of the same pages than in the current publish: a
    # content edit moves one page, a template change moves a block of pages at once.
    margin: float = 0.05
    # An unknown heading or label on more than 5% of the re-parsed pages, never seen before,
    # is a new template part (one-off unknowns are listed in the report, not refused).
    unknown_share: float = 0.05
    # Below 40 comparable pages one page moves a share by 2.5 points or more, so two or three
    # ordinary content edits would trip a 5-point margin; the canary then only reports.
    min_pages: int = 40
    accept: bool = False  # --accept-drift: publish anyway, verdict recorded as "accepted"

    def __post_init__(self) -> None:
        for name, share in (("drift margin", self.margin), ("unknown share", self.unknown_share)):
            if not 0 <= share <= 1:
                raise ConfigError(f"{name} is a share between 0 and 1 (got {share})")
        if self.min_pages < 1:
            raise ConfigError(f"canary min_pages must be at least 1 (got {self.min_pages})")


@dataclass(frozen=True)
class Config:
    raw_dir: Path = Path("raw")
    processed_dir: Path = Path("processed")
    fetch: FetchConfig = field(default_factory=FetchConfig)
    transform: TransformConfig = field(default_factory=TransformConfig)
    load: LoadConfig = field(default_factory=LoadConfig)
    canary: CanaryConfig = field(default_factory=CanaryConfig)
    # OGP's commitments spreadsheet (CSV) to reconcile the result with, in the run report.
    reference: Path | None = None

    def __post_init__(self) -> None:
        if self.reference is not None and not self.reference.is_file():
            raise ConfigError(f"reference file {self.reference} does not exist")
