"""Checking a FetchConfig before a run, and what its defaults mean on the site."""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline.config import FetchConfig
from pipeline.urls import member_url, site_root

# The site's member listing. No archived copy shows its real path; "/our-members/" is the best
# guess. A wrong guess fails loudly (the start page is reported as failed) and --start-url
# replaces it; the seed file and ID probes do not depend on it. The demo site serves the
# listing here and at /members/.
DEFAULT_START_PATH = "/our-members/"


def start_urls(config: FetchConfig) -> list[str]:
    """The link crawl's start pages: the configured ones, else the member's own page with
    --only, else the member listing in the run's language."""
    if not config.crawl_links:
        return []
    if config.start_urls:
        return [urljoin(config.base_url, url) for url in config.start_urls]
    if config.only_member is not None:
        return [member_url(config.only_member, config.base_url, config.language)]
    prefix = "" if config.language == "en" else f"/{config.language}"
    return [site_root(config.base_url) + prefix + DEFAULT_START_PATH]


def http_client(config: FetchConfig, connections: int = 1) -> httpx.AsyncClient:
    headers = {"User-Agent": config.user_agent}
    if config.from_header:
        headers["From"] = config.from_header
    return httpx.AsyncClient(
        headers=headers,
        timeout=httpx.Timeout(
            connect=config.connect_timeout_s,
            read=config.read_timeout_s,
            write=config.read_timeout_s,  # a GET request is tiny; a stalled send is a dead link
            pool=None,  # never waited on: each worker has its own client and connection
        ),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        follow_redirects=False,  # each hop is checked against the allowed hosts and robots.txt
        # Loopback (tests, the demo site) must never go through a proxy from the environment;
        # the live site honours the usual proxy variables.
        trust_env=not _is_loopback(config.base_url),
    )


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
