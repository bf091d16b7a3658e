"""The HTTP client the fetcher uses: headers, timeouts, one kept-alive connection, no redirects
followed on its own (the fetcher checks each hop)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import httpx

from pipeline.config import FetchConfig


def http_client(config: FetchConfig, connections: int = 1) -> httpx.AsyncClient:
    # gzip or deflate only: the fetcher decodes them itself, under the size cap (decoding.py).
    headers = {"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"}
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
