"""Fixtures shared by every test package: demo sites served on 127.0.0.1 by the project's own
server (tests never reach beyond loopback). Plain helpers are in ``tests.loopback``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from demosite.demo import demo_site_pages
from demosite.pages import DemoPage
from demosite.server import DemoServer, serve_in_thread
from demosite.site import Site
from pipeline.config import TransformConfig
from pipeline.refresh import RunOutcome, run_pipeline
from tests.loopback import Demo, demo_site, fast_config


@pytest.fixture
def demo() -> Iterator[Demo]:
    """The default small demo site (12 sample pages over 3 members), fresh for each test:
    a test may change its pages and queue faults on it."""
    with demo_site() as running:
        yield running


@pytest.fixture(scope="session")
def catalog_pages() -> list[DemoPage]:
    """What ``make demo`` serves: the fixture pages plus a generated page for every commitment
    their member lists name. Built once; the list and its pages are never changed."""
    return demo_site_pages()


@pytest.fixture
def catalog_site(catalog_pages: list[DemoPage]) -> Iterator[tuple[Site, DemoServer]]:
    """The demo catalog served for one test, which may change its pages and queue faults."""
    site = Site(catalog_pages)
    with serve_in_thread(site) as server:
        yield site, server


@pytest.fixture(scope="session")
def shared_catalog_server(catalog_pages: list[DemoPage]) -> Iterator[DemoServer]:
    """One server of the demo catalog for the whole session, for tests that only read it:
    never change its pages or queue faults on it (take ``catalog_site`` for that)."""
    with serve_in_thread(Site(catalog_pages)) as server:
        yield server


@dataclass(frozen=True)
class DemoPublish:
    """raw/ and processed/ of one refresh of the demo catalog, and its outcome."""

    raw: Path
    processed: Path
    outcome: RunOutcome


@pytest.fixture(scope="session")
def demo_publish(
    shared_catalog_server: DemoServer, tmp_path_factory: pytest.TempPathFactory
) -> DemoPublish:
    """One refresh of the demo catalog (edge-case page included), for tests that only read
    what it published or parse its raw/ again: never change these folders."""
    work = tmp_path_factory.mktemp("demo-publish")
    config = replace(
        fast_config(shared_catalog_server.base_url, work / "raw"),
        processed_dir=work / "processed",
        transform=TransformConfig(workers=1),
    )
    outcome = run_pipeline(config)
    assert outcome.exit_code == 0, outcome.report.render()
    return DemoPublish(work / "raw", work / "processed", outcome)
