"""Work and memory stay bounded whatever the site sends: link finding is linear on any body,
caps hold on decoded bytes (stacked gzip, gzip bombs), robots.txt is read up to 500 KiB.
(Peak memory of a whole fetch is measured on a real process in test_memory.py; time per MiB is
in BENCHMARKS.md, not asserted here.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from demosite.faults import Bomb, Encoded
from demosite.sample import sample_pages
from pipeline.extract import FetchSummary, run_extract
from pipeline.extract.discovery.links import extract_links
from pipeline.raw import RawStore
from tests.loopback import Demo, demo_site, fast_config

MiB = 1 << 20
SEED_ONLY = {"use_sitemaps": False, "crawl_links": False, "probe_ids": False}


def filled(unit: bytes, size: int = 10 * MiB) -> bytes:
    return (unit * (size // len(unit) + 1))[:size]


# Bodies that made the old search scan to the end of the page from every href (hours for
# 10 MiB), and variants for each part of the pattern.
ADVERSARIAL = {
    "bare-href": filled(b"href="),
    "open-double-quote": filled(b'href="'),
    "open-single-quote": filled(b"href='a"),
    "upper-case": filled(b"HREF="),
    "unclosed-members-value": b'<a href="/members/' + filled(b"x"),
    "spaces-around-equals": filled(b"href" + b" " * 60 + b"=" + b" " * 60),
    "bare-members-values": filled(b"href=members/"),
    "members-without-closing-quote": filled(b'href="' + b"members/" * 520),
    "long-quoted-values": filled(b'href="' + b"a" * 5000 + b'" '),
}


# 30 s: the linear search takes well under a second per body here; the old one took hours.
@pytest.mark.timeout(30)
@pytest.mark.parametrize("body", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_link_finding_on_10_mib_of_adversarial_markup_ends(body: bytes) -> None:
    links = extract_links(body, "http://127.0.0.1:8000/our-members/")
    assert all("members/" in link for link in links)


def test_link_finding_keeps_at_most_the_cap_of_distinct_links() -> None:
    body = b"".join(b'<a href="/members/m%d/">x</a>' % i for i in range(50_000))
    links = extract_links(body, "http://127.0.0.1:8000/our-members/", max_links=10_000)
    assert len(links) == 10_000 and links[-1] == "http://127.0.0.1:8000/members/m9999/"


# 60 s: a 10 MiB page is fetched, stored and searched in about a second here.
@pytest.mark.timeout(60)
def test_a_10_mib_adversarial_page_is_stored_and_the_crawl_goes_on(tmp_path: Path) -> None:
    with demo_site(sample_pages(6, member_count=2)) as demo:
        page = next(p for p in demo.site.pages() if p.commitment_id == "MN0001")
        filler = filled(b"href=", 10 * MiB - len(page.html) - 64).decode()
        demo.site.change("MN0001", page.html.replace("</main>", filler + "</main>"))
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        summary = run_extract(config, "run-1")
    assert not summary.failed and summary.fetched == 6
    with RawStore(tmp_path) as store:
        sizes = {p.commitment_id: store.db.body_size(p.sha256) for p in store.current_pages()}
    assert sizes["MN0001"] > 10 * MiB - 1024


def _fetch_page(demo: Demo, raw: Path, **settings: object) -> FetchSummary:
    seed = raw.parent / "seed.txt"
    seed.write_text("mongolia,MN0001\n")
    return run_extract(fast_config(demo.url, raw, seed_file=seed, **SEED_ONLY, **settings), "r")


def test_stacked_gzip_is_refused_without_inflating_it(demo: Demo, tmp_path: Path) -> None:
    # 256 MiB of zeros gzipped twice: under 1 KB on the wire, ~256 MiB after one layer.
    demo.server.faults.push(demo.path("MN0001"), Bomb(256 * MiB, layers=2), Encoded(2))
    first = _fetch_page(demo, tmp_path / "a")
    second = _fetch_page(demo, tmp_path / "b")
    for summary in (first, second):
        assert [f.reason for f in summary.failed] == [
            "stacked Content-Encoding 'gzip, gzip' refused (we ask for one of gzip or deflate)"
        ]
        assert not summary.retries_by_reason


def test_a_gzip_bomb_stops_at_the_cap_on_decoded_bytes(demo: Demo, tmp_path: Path) -> None:
    demo.server.faults.push(demo.path("MN0001"), Bomb(256 * MiB))  # ~250 KB on the wire
    summary = _fetch_page(demo, tmp_path / "raw", max_body_bytes=MiB)
    assert [f.reason for f in summary.failed] == [f"body grew past the {MiB}-byte cap"]
    assert summary.bytes_downloaded < 64 * 1024  # stopped within the first chunks


def test_a_single_gzip_layer_within_the_cap_is_decoded(demo: Demo, tmp_path: Path) -> None:
    demo.server.faults.push(demo.path("MN0001"), Encoded(1))
    summary = _fetch_page(demo, tmp_path / "raw")
    assert summary.fetched == 1 and not summary.failed


@pytest.mark.parametrize("size", [600 * 1024, 20 * MiB], ids=["600-KiB", "20-MiB"])
def test_robots_txt_beyond_500_kib_is_read_up_to_500_kib(tmp_path: Path, size: int) -> None:
    head = "User-agent: *\nDisallow: /members/bulgaria/\n"
    tail = "Disallow: /\n"  # past 500 KiB: not part of the rules
    padding = "# " + "x" * 97 + "\n"
    robots = head + padding * ((size - len(head) - len(tail)) // len(padding)) + tail
    with demo_site(sample_pages(9, member_count=3)) as demo:
        demo.site.set_robots(robots)
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        summary = run_extract(config, "run-1")
        fetched = {r.path.split("/")[2] for r in demo.requests() if "/commitments/" in r.path}
    assert summary.robots.startswith("robots.txt 200: rules apply")
    assert fetched == {"mongolia", "romania"} and summary.fetched == 6
    assert summary.bytes_downloaded < 2 * MiB  # the rest of a 20 MiB file is never read
