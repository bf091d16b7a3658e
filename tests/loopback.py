"""Helpers for extract tests: a real demo site on 127.0.0.1 and fast, small-number configs.

The fixtures built on these (a fresh default site, the demo catalog) are in ``conftest.py``.
Nothing here patches functions: every test talks HTTP to a real server on the loopback
interface.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from demosite.pages import DemoPage
from demosite.sample import sample_pages
from demosite.server import DemoServer, LoggedRequest, serve_in_thread
from demosite.site import Site
from pipeline.config import Config, FetchConfig


@dataclass
class Demo:
    site: Site
    server: DemoServer

    @property
    def url(self) -> str:
        return self.server.base_url

    def path(self, commitment_id: str, language: str = "en") -> str:
        return self.site.url_of(commitment_id, language).removeprefix(self.url)

    def requests(self, start: int = 0) -> list[LoggedRequest]:
        return list(self.server.log[start:])

    def mark(self) -> int:
        """Position in the request log, to look only at what comes after."""
        return len(self.server.log)


@contextmanager
def demo_site(
    pages: list[DemoPage] | None = None, *, latency_s: float = 0.0, **site_options: object
) -> Iterator[Demo]:
    """A demo site with ``pages`` (default: 12 small pages over 3 members) served in a
    background thread on 127.0.0.1 for the duration of the block."""
    site = Site(pages if pages is not None else sample_pages(12, member_count=3), **site_options)  # type: ignore[arg-type]
    with serve_in_thread(site, latency_s=latency_s) as server:
        yield Demo(site, server)


def fast_config(base_url: str, raw_dir: Path, **fetch: object) -> Config:
    """Production logic with test-sized numbers: no politeness delay, millisecond backoffs, a
    tiny Retry-After cap, few attempts. Tests never sleep for real seconds."""
    settings: dict[str, object] = {
        "base_url": base_url,
        "delay_s": 0.0,  # loopback: politeness delays would only slow the suite
        "concurrency": 4,
        "progress": False,
        "backoff_base_s": 0.001,  # retries in milliseconds, never real seconds
        "backoff_max_s": 0.005,
        "retry_after_cap_s": 0.05,  # any Retry-After shrinks to this: visible in pause_seconds
        "max_delay_s": 0.01,
        "max_attempts": 3,  # enough to show retry-then-success and retries-exhausted
        "connect_timeout_s": 2.0,  # loopback connects in microseconds; 2 s means it is down
        "read_timeout_s": 5.0,  # far above any answer here; the timeout test lowers it
        "log_every_s": 3600.0,  # no progress lines in test output
    }
    settings.update(fetch)
    return Config(raw_dir=raw_dir, fetch=FetchConfig(**settings))  # type: ignore[arg-type]


def page_rows(raw_dir: Path) -> list[tuple[str, str, str | None]]:
    """(url, state, sha256) of every row in the state database, read with plain SQL."""
    with closing(sqlite3.connect(raw_dir / "state.sqlite")) as conn:
        return list(conn.execute("SELECT url, state, sha256 FROM pages ORDER BY url"))


def body_files(raw_dir: Path) -> set[Path]:
    return {p for p in (raw_dir / "bodies").rglob("*.zst")}
