"""Fixtures shared by every test package: demo sites served on 127.0.0.1 by the project's own
server (tests never reach beyond loopback). Plain helpers are in ``tests.loopback``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from demosite.demo import demo_site_pages
from demosite.pages import DemoPage
from demosite.server import DemoServer, serve_in_thread
from demosite.site import Site
from tests.loopback import Demo, demo_site


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
