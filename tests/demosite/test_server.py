"""The demo site's HTTP server and routes, exercised with a plain HTTP client over loopback."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from demosite.faults import Oversize, Redirect, Reset, Stall, Status, Truncate, WrongType
from demosite.sample import sample_pages
from tests.loopback import Demo, demo_site
from tests.paths import ROOT


@pytest.fixture
def demo() -> Iterator[Demo]:
    """Overrides the shared ``demo``: six pages, one of them in Spanish too, with sitemaps."""
    pages = sample_pages(6, member_count=2)
    spanish = replace(pages[0], language="es")
    with demo_site([*pages, spanish], sitemaps=True) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as http:  # loopback answers in ms; 5 s = hung
        yield http


def test_routes_of_the_site(demo: Demo, client: httpx.Client) -> None:
    for path in ("/our-members/", "/members/"):
        listing = client.get(demo.url + path)
        assert (
            listing.status_code == 200
            and 'href="' + demo.url + "/members/mongolia/" in listing.text
        )
    member = client.get(demo.url + "/members/mongolia/")
    assert member.text.count("/commitments/MN000") == 3
    page = client.get(demo.url + "/members/mongolia/commitments/MN0001/")
    assert "<h1>Commitment 1 of Mongolia (MN0001)</h1>" in page.text
    assert "opengovpartnership.org" not in page.text  # live links point at this server
    assert client.get(demo.url + "/es/members/mongolia/commitments/MN0001/").status_code == 200
    assert client.get(demo.url + "/es/members/mongolia/commitments/MN0002/").status_code == 404
    missing = client.get(demo.url + "/no/such/page/")
    assert missing.status_code == 404 and "Page not found" in missing.text


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/members/mongolia/commitments/mn0001/", "/members/mongolia/commitments/MN0001/"),
        ("/members/mongolia/commitments/MN0001", "/members/mongolia/commitments/MN0001/"),
        ("/members/Mongolia/", "/members/mongolia/"),
        ("/members/mongolia", "/members/mongolia/"),
    ],
)
def test_non_canonical_addresses_redirect(
    demo: Demo, client: httpx.Client, path: str, canonical: str
) -> None:
    response = client.get(demo.url + path)
    assert response.status_code == 301
    assert response.headers["location"] == demo.url + canonical


def test_conditional_get_by_etag_and_by_date(demo: Demo, client: httpx.Client) -> None:
    url = demo.url + "/members/mongolia/commitments/MN0002/"
    first = client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    demo.site.change("MN0002")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200


def test_remove_and_add_pages(demo: Demo, client: httpx.Client) -> None:
    demo.site.remove("MN0003", status=410)
    assert client.get(demo.url + "/members/mongolia/commitments/MN0003/").status_code == 410
    assert "MN0003" not in client.get(demo.url + "/members/mongolia/").text
    new = replace(sample_pages(1, member_count=1)[0], commitment_id="MN0004")
    demo.site.add(new)
    assert client.get(demo.url + "/members/mongolia/commitments/MN0004/").status_code == 200


def test_sitemaps_plain_and_gzip_with_lastmod(demo: Demo, client: httpx.Client) -> None:
    robots = client.get(demo.url + "/robots.txt").text
    assert f"Sitemap: {demo.url}/sitemap_index.xml" in robots
    index = client.get(demo.url + "/sitemap_index.xml").text
    assert "sitemap-members.xml</loc>" in index and "sitemap-commitments.xml.gz</loc>" in index
    packed = client.get(demo.url + "/sitemap-commitments.xml.gz")
    xml = gzip.decompress(packed.content).decode()
    assert xml.count("<url>") == 7 and "<lastmod>2024-01-01T00:00:00+00:00</lastmod>" in xml
    demo.site.empty_member_lists = True
    demo.site.change("MN0001")
    assert "/commitments/" not in client.get(demo.url + "/members/mongolia/").text


def test_keep_alive_head_and_gzip(client: httpx.Client) -> None:
    from demosite.server import serve_in_thread
    from demosite.site import Site

    site = Site(sample_pages(2, member_count=1, padding_bytes=5000))
    with serve_in_thread(site, gzip_bodies=True) as server:
        url = server.base_url + "/members/mongolia/commitments/MN0001/"
        with socket.create_connection(
            ("127.0.0.1", int(server.base_url.rsplit(":", 1)[1]))
        ) as sock:
            request = f"GET {url[len(server.base_url) :]} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
            sock.sendall(request + request.replace(b"GET", b"HEAD"))
            received = b""
            while received.count(b"HTTP/1.1 200") < 2:
                received += sock.recv(65536)
        assert received.count(b"HTTP/1.1 200 OK") == 2  # two answers on one connection
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert int(zipped.headers["content-length"]) < len(zipped.content)


def test_each_fault_is_consumed_once(demo: Demo, client: httpx.Client) -> None:
    path = "/members/mongolia/commitments/MN0001/"
    url = demo.url + path
    demo.server.faults.push(
        path, Status(503, "7"), Redirect("/elsewhere/"), WrongType("image/png"), Reset()
    )
    first = client.get(url)
    assert (first.status_code, first.headers["retry-after"]) == (503, "7")
    assert client.get(url).headers["location"] == demo.url + "/elsewhere/"
    assert client.get(url).headers["content-type"] == "image/png"
    with pytest.raises(httpx.TransportError):
        client.get(url)
    assert client.get(url).status_code == 200
    assert [r.fault for r in demo.server.requests_to(path)] == [
        "Status",
        "Redirect",
        "WrongType",
        "Reset",
        None,
    ]


def test_truncate_stall_and_oversize(demo: Demo) -> None:
    path = "/members/mongolia/commitments/MN0002/"
    demo.server.faults.push(path, Truncate(0.5), Stall(5), Oversize(1_000_000, False))
    # 0.3 s read timeout: ends the 5 s stall quickly, and is still ample for the other answers.
    with httpx.Client(trust_env=False, timeout=0.3) as client:
        with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|peer closed"):
            client.get(demo.url + path)
        with pytest.raises(httpx.ReadTimeout):
            client.get(demo.url + path)
        assert len(client.get(demo.url + path).content) == 1_000_000


def test_request_log_records_what_tests_assert_on(demo: Demo, client: httpx.Client) -> None:
    client.get(demo.url + "/robots.txt", headers={"User-Agent": "probe/1", "From": "me@x.org",
                                                   "If-None-Match": '"x"'})  # fmt: skip
    (entry,) = demo.server.requests_to("/robots.txt")
    assert (entry.method, entry.status, entry.user_agent, entry.from_header) == (
        "GET",
        200,
        "probe/1",
        "me@x.org",
    )
    assert entry.conditional and entry.body_bytes > 0


def test_serve_subcommand_prints_its_url_and_serves() -> None:
    command = [sys.executable, "-m", "demosite", "serve", "--port", "0", "--sample", "5"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        with httpx.Client(trust_env=False, timeout=5) as client:  # 5 s: it is hung, not slow
            assert client.get(base_url + "/our-members/").status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=10)  # it stops in milliseconds; 10 s means it did not
    assert process.returncode == 0
