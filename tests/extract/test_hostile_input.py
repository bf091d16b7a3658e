"""One odd link, header, redirect or sitemap entry from the site fails that URL (recorded with
its reason) and never the run; every case against the demo server on loopback."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from demosite.faults import Redirect, Validators, WrongType
from demosite.sample import sample_pages
from demosite.server import serve_in_thread
from demosite.site import SITEMAP_INDEX, Site
from pipeline.cli import main
from pipeline.exit_codes import EXIT_OK, EXIT_PARTIAL
from pipeline.extract import FetchSummary, crawl, run_extract
from pipeline.extract.steps import StepContext
from pipeline.extract.tasks import Task
from pipeline.raw import RawStore
from pipeline.urls import on_allowed_host
from tests.loopback import Demo, demo_site, fast_config, page_rows

SEED_ONLY = {"use_sitemaps": False, "crawl_links": False, "probe_ids": False}
NO_DISCOVERY_BUT_LINKS = {"use_sitemaps": False, "probe_ids": False}


def with_links(demo: Demo, commitment_id: str, *hrefs: str) -> None:
    """Give a page of the demo site extra links (its other content unchanged)."""
    page = next(p for p in demo.site.pages() if p.commitment_id == commitment_id)
    anchors = "".join(f'<a href="{href}">x</a>' for href in hrefs)
    demo.site.change(commitment_id, page.html.replace("</main>", anchors + "</main>"))


def fetch_mn0001(demo: Demo, raw: Path, **settings: object) -> FetchSummary:
    seed = raw.parent / "seed.txt"
    seed.write_text("mongolia,MN0001\n")
    config = fast_config(demo.url, raw, seed_file=seed, **{**SEED_ONLY, **settings})
    return run_extract(config, "run-1")


def test_a_link_with_an_invalid_ipv6_host_fails_alone(demo: Demo, tmp_path: Path) -> None:
    bad = "http://[::1/members/x/"
    with_links(demo, "MN0001", bad, "//[::1/members/y/")
    summary = run_extract(fast_config(demo.url, tmp_path, **NO_DISCOVERY_BUT_LINKS), "run-1")
    page = demo.url + demo.path("MN0001")
    assert {f.url: f.reason for f in summary.failed} == {
        bad: f"invalid URL in a link on {page}",
        "//[::1/members/y/": f"invalid URL in a link on {page}",
    }
    assert summary.fetched == 12  # the page with the links and every other page


def test_a_location_with_an_impossible_port_fails_that_page(demo: Demo, tmp_path: Path) -> None:
    demo.server.faults.push(demo.path("MN0001"), Redirect("http://127.0.0.1:99999999/x/"))
    summary = fetch_mn0001(demo, tmp_path / "raw")
    ((url, reason),) = [(f.url, f.reason) for f in summary.failed]
    assert url == demo.url + demo.path("MN0001")
    assert reason == "redirect to an invalid URL 'http://127.0.0.1:99999999/x/' refused"
    assert [state for _, state, _ in page_rows(tmp_path / "raw")] == ["failed"]


def test_an_id_in_non_ascii_digits_is_not_a_commitment(demo: Demo, tmp_path: Path) -> None:
    lookalike = "/members/mongolia/commitments/MN٠٠٢٦/"  # Arabic-Indic digits
    with_links(demo, "MN0001", lookalike, "/members/mongolía/")
    summary = run_extract(fast_config(demo.url, tmp_path, **NO_DISCOVERY_BUT_LINKS), "run-1")
    assert not summary.failed and summary.fetched == 12
    assert not [r for r in demo.requests() if "٠" in r.path or "í" in r.path]


@pytest.mark.parametrize("whitespace", ["\t", "\n"], ids=["tab", "newline"])
def test_a_sitemap_loc_with_a_tab_or_newline_cannot_break_this_run_or_the_next(
    tmp_path: Path, whitespace: str
) -> None:
    site = Site(sample_pages(3, member_count=1), sitemaps=True)
    with serve_in_thread(site) as server:
        loc = f"{server.base_url}/members/mongolia/commitments/MN{whitespace}0002/"
        site.sitemap_extra = [loc, f"{server.base_url}/members/mongolia/{whitespace}x/"]
        config = fast_config(server.base_url, tmp_path, crawl_links=False, probe_ids=False)
        first = run_extract(config, "run-1")
        second = run_extract(config, "run-2")  # the index and sitemap answer 304: stored entries
    assert not first.failed and not second.failed
    assert first.fetched == 3 and second.not_modified == 3
    with closing(sqlite3.connect(tmp_path / "state.sqlite")) as conn:
        (checked,) = conn.execute(
            "SELECT count(*) FROM documents WHERE kind = 'sitemap' AND http_status = 304"
        ).fetchone()
    assert checked == 3


def test_redirects_to_another_scheme_or_port_are_refused_like_off_site_ones(
    tmp_path: Path,
) -> None:
    other = Site(sample_pages(1, member_count=1))
    with serve_in_thread(other) as elsewhere, demo_site() as demo:
        port = elsewhere.base_url.rsplit(":", 1)[1]
        path = "/members/mongolia/commitments/MN0001/"
        targets = [f"ftp://127.0.0.1{path}", f"http://127.0.0.1:{port}{path}"]
        for number, target in enumerate(targets):
            demo.server.faults.push(demo.path("MN0001"), Redirect(target))
            summary = fetch_mn0001(demo, tmp_path / f"raw{number}")
            assert [f.reason for f in summary.failed] == [f"off-site redirect to {target} refused"]
        assert elsewhere.log == []


def test_https_is_never_downgraded_and_only_the_www_twin_is_the_same_site() -> None:
    live = "https://www.opengovpartnership.org"
    page = "/members/mongolia/commitments/MN0002/"
    assert on_allowed_host(f"https://opengovpartnership.org{page}", live)
    assert not on_allowed_host(f"http://www.opengovpartnership.org{page}", live)
    assert not on_allowed_host(f"https://www.opengovpartnership.org:8443{page}", live)
    assert not on_allowed_host(f"https://evil-opengovpartnership.org{page}", live)
    assert not on_allowed_host("http://127.0.0.2:8000/", "http://127.0.0.1:8000")


@pytest.mark.parametrize(
    "etag",
    ['"caf\xe9"', '"caf\xc3\xa9"'],  # a latin-1 byte; the UTF-8 bytes of "é"
    ids=["latin-1-byte", "utf-8-bytes"],
)
def test_non_ascii_validators_go_back_byte_for_byte(demo: Demo, tmp_path: Path, etag: str) -> None:
    date = "Mon, 01 Jan 2024 00:00:00 GMT \xa7"
    demo.server.faults.push(demo.path("MN0001"), Validators(etag, date), Validators(etag, date))
    first = fetch_mn0001(demo, tmp_path / "raw")
    second = fetch_mn0001(demo, tmp_path / "raw")
    (sent,) = [r for r in demo.requests() if r.path == demo.path("MN0001") and r.conditional]
    assert (sent.if_none_match, sent.if_modified_since, sent.status) == (etag, date, 304)
    assert first.fetched == 1 and second.not_modified == 1 and not second.failed


def test_the_content_type_of_each_body_is_stored_as_sent(demo: Demo, tmp_path: Path) -> None:
    odd = "text/html; charset=ISO-8859-1"
    demo.server.faults.push(demo.path("MN0001"), WrongType(odd))
    code = main(["extract", "--base-url", demo.url, "--raw-dir", str(tmp_path), "--delay", "0",
                 "--no-sitemaps", "--no-probe", "--no-progress"])  # fmt: skip
    assert code == EXIT_OK
    with RawStore(tmp_path) as store:
        types = {p.commitment_id: p.content_type for p in store.current_pages()}
    assert types.pop("MN0001") == odd
    assert set(types.values()) == {"text/html; charset=utf-8"}


def test_a_sitemap_index_entry_elsewhere_is_refused_and_reported(tmp_path: Path) -> None:
    other = Site(sample_pages(1, member_count=1), sitemaps=True)
    with serve_in_thread(other) as elsewhere, demo_site(sitemaps=True) as demo:
        foreign = elsewhere.base_url + SITEMAP_INDEX
        demo.site.sitemap_index_extra = [foreign]
        summary = run_extract(fast_config(demo.url, tmp_path, probe_ids=False), "run-1")
        assert elsewhere.log == []
    assert {f.url: f.reason for f in summary.failed} == {
        foreign: f"sitemap not on {demo.url} (nor its www twin): refused, not requested"
    }
    assert summary.fetched == 12


def test_robots_sitemap_lines_for_other_hosts_and_ports_are_never_requested(
    tmp_path: Path,
) -> None:
    other = Site(sample_pages(1, member_count=1), sitemaps=True)
    with (
        serve_in_thread(other) as other_port,
        serve_in_thread(Site([]), host="127.0.0.2") as other_host,
        demo_site() as demo,
    ):
        foreign = [
            f"{other_port.base_url}/latest/meta-data/",
            f"{other_host.base_url}/latest/meta-data/iam/",
            "ftp://127.0.0.1/sitemap.xml",
        ]
        robots = "User-agent: *\nDisallow: /wp-admin/\n" + "".join(
            f"Sitemap: {url}\n" for url in foreign
        )
        demo.site.set_robots(robots)
        summary = run_extract(fast_config(demo.url, tmp_path, probe_ids=False), "run-1")
        assert other_port.log == [] and other_host.log == []
    assert sorted(f.url for f in summary.failed) == sorted(foreign)
    assert all("refused, not requested" in f.reason for f in summary.failed)
    assert summary.fetched == 12


def test_a_run_with_hostile_links_exits_3_from_the_cli(demo: Demo, tmp_path: Path) -> None:
    with_links(demo, "MN0002", "http://[::1/members/x/")
    code = main(["extract", "--base-url", demo.url, "--raw-dir", str(tmp_path), "--delay", "0",
                 "--no-sitemaps", "--no-probe", "--no-progress"])  # fmt: skip
    assert code == EXIT_PARTIAL


def test_an_unexpected_error_in_one_task_fails_that_url_alone(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No site input left that crashes a step (each case above is handled on purpose), so a
    # step is made to fail for two URLs to show what the crawl does with any future bug.
    member, page = demo.url + "/members/bulgaria/", demo.url + demo.path("MN0002")
    real = dict(crawl.STEPS)

    async def buggy(ctx: StepContext, item: Task) -> list[Task]:
        if item.url in (member, page):
            raise RuntimeError(f"a bug on {item.url}")
        return await real[item.kind](ctx, item)

    monkeypatch.setitem(crawl.STEPS, "page", buggy)
    monkeypatch.setitem(crawl.STEPS, "commitment", buggy)
    summary = run_extract(fast_config(demo.url, tmp_path, **NO_DISCOVERY_BUT_LINKS), "run-1")
    assert {f.url: f.reason for f in summary.failed} == {
        member: f"unexpected error: RuntimeError: a bug on {member}",
        page: f"unexpected error: RuntimeError: a bug on {page}",
    }
    assert summary.fetched == 7  # the other 11 pages but Bulgaria's 4, which only it lists
    rows = {url: state for url, state, _ in page_rows(tmp_path)}
    assert rows[page] == "failed" and list(rows.values()).count("ok") == 7
