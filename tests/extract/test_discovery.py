"""Discovery against the demo site: sitemaps, link crawl, seed file, ID probes, canonical URLs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from demosite.faults import Status
from demosite.pages import DemoPage
from demosite.sample import commitment_html, sample_pages
from demosite.server import serve_in_thread
from demosite.site import Site
from pipeline.errors import ConfigError
from pipeline.extract import run_extract
from pipeline.raw import RawStore
from tests.loopback import demo_site, fast_config

ALL_SOURCES_OFF = {"use_sitemaps": False, "crawl_links": False, "probe_ids": False}


def stored_ids(raw_dir: Path) -> list[str]:
    with RawStore(raw_dir) as store:
        return sorted(page.commitment_id for page in store.current_pages())


def test_sitemaps_alone_find_every_commitment(tmp_path: Path) -> None:
    pages = sample_pages(15, member_count=3)
    with demo_site(pages, sitemaps=True) as demo:
        config = fast_config(demo.url, tmp_path, crawl_links=False, probe_ids=False)
        summary = run_extract(config, "run-1")
        fetched_paths = {r.path for r in demo.requests() if r.method == "GET"}
    assert stored_ids(tmp_path) == sorted(p.commitment_id for p in pages)
    assert summary.discovered == 15 and summary.fetched == 15 and not summary.failed
    # The plain index, the plain member sitemap and the gzipped commitment sitemap were read;
    # no member page or listing was, since the link crawl was off.
    assert {"/sitemap_index.xml", "/sitemap-members.xml", "/sitemap-commitments.xml.gz"} <= (
        fetched_paths
    )
    assert not any(path.endswith("/our-members/") for path in fetched_paths)
    assert "1 Sitemap line" in summary.robots


def test_link_crawl_alone_finds_every_linked_commitment(tmp_path: Path) -> None:
    pages = sample_pages(14, member_count=4)
    with demo_site(pages) as demo:
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        summary = run_extract(config, "run-1")
        gets = [r.path for r in demo.requests() if r.method == "GET"]
    assert stored_ids(tmp_path) == sorted(p.commitment_id for p in pages)
    assert summary.fetched == 14 and summary.referenced_not_fetched == ()
    assert "/our-members/" in gets  # the default start page
    assert len(gets) == len(set(gets)), "a page was fetched twice in one run"


def test_empty_member_lists_seed_file_plus_probing_find_the_rest(tmp_path: Path) -> None:
    # As on the 2023-24 site: member pages list nothing and commitment pages carry no list.
    pages = sample_pages(12, member_count=3, member_lists=False)
    seed = tmp_path / "seed.csv"
    seed.write_text(
        "member,id\nmongolia,MN0001\n# Bulgaria by URL, lower case, no slash:\n"
        "https://opengovpartnership.org/members/bulgaria/commitments/bg0001\n"
    )
    with demo_site(pages, empty_member_lists=True) as demo:
        config = fast_config(demo.url, tmp_path / "raw", seed_file=seed, use_sitemaps=False)
        summary = run_extract(config, "run-1")
        heads = [r.path for r in demo.requests() if r.method == "HEAD"]
    # Romania is in no seed and no list: nothing can find it, and nothing claims to.
    expected = sorted(p.commitment_id for p in pages if not p.commitment_id.startswith("RO"))
    assert stored_ids(tmp_path / "raw") == expected
    assert summary.discovered == 8 and not summary.failed
    # Probing stops after probe_misses (5) misses past the highest ID of each series.
    assert sorted(heads) == sorted(
        [f"/members/mongolia/commitments/MN{n:04d}/" for n in range(2, 10)]
        + [f"/members/bulgaria/commitments/BG{n:04d}/" for n in range(2, 10)]
    )


def test_a_commitment_added_after_the_seed_list_is_found_by_probing(tmp_path: Path) -> None:
    pages = sample_pages(6, member_count=1)  # MN0001..MN0006
    seed = tmp_path / "seed.txt"
    seed.write_text("mongolia,MN0006\n")
    with demo_site(pages, empty_member_lists=True) as demo:
        config = fast_config(demo.url, tmp_path / "raw", seed_file=seed, use_sitemaps=False)
        run_extract(config, "run-1")
        new = DemoPage("mongolia", "Mongolia", "MN0007", "Added later", "")
        demo.site.add(replace(new, html=commitment_html(new, "")))
        summary = run_extract(config, "run-2")
    assert "MN0007" in stored_ids(tmp_path / "raw")
    assert summary.fetched == 1  # the new page; MN0006 answered 304


def test_probes_start_while_a_page_waits_out_a_retry_and_follow_what_it_finds(
    tmp_path: Path,
) -> None:
    # MN0010 is 9 IDs past MN0001: probing cannot reach it; only the member page names it,
    # and that page's first answer is a 503 asking for a 1 s wait.
    pages = [
        DemoPage("mongolia", "Mongolia", cid, f"Commitment {cid}", "")
        for cid in ("MN0001", "MN0010")
    ]
    pages = [replace(page, html=commitment_html(page, "")) for page in pages]
    seed = tmp_path / "seed.txt"
    seed.write_text("mongolia,MN0001\n")
    with demo_site(pages) as demo:
        demo.server.faults.push("/members/mongolia/", Status(503, "1"))
        config = fast_config(
            demo.url, tmp_path / "raw", seed_file=seed, use_sitemaps=False,
            start_urls=("/members/mongolia/",), retry_after_cap_s=1.0,
        )  # fmt: skip
        summary = run_extract(config, "run-1")
        heads = sorted(int(r.path[-5:-1]) for r in demo.requests() if r.method == "HEAD")
    assert stored_ids(tmp_path / "raw") == ["MN0001", "MN0010"] and not summary.failed
    # The first window was probed while the page waited; the page it then found moved the
    # series on past MN0010.
    assert heads == [2, 3, 4, 5, 6, 11, 12, 13, 14, 15]


def test_canonical_forms_are_deduplicated_and_unfetched_references_reported(
    tmp_path: Path,
) -> None:
    pages = sample_pages(3, member_count=1)  # MN0001..MN0003
    start = DemoPage("mongolia", "Mongolia", "MN0099", "Start page", "")
    # "Another site" is another loopback server: a link to it must never be followed.
    with serve_in_thread(Site(pages)) as elsewhere:
        hub_links = [
            "https://www.opengovpartnership.org/members/mongolia/commitments/MN0001/",
            "https://opengovpartnership.org/members/mongolia/commitments/mn0001",
            "/members/mongolia/commitments/MN0001/?utm_source=newsletter#milestones",
            "/es/members/mongolia/commitments/MN0002/",
            "/fr/members/Mongolia/commitments/mn0003",
            "/members/mongolia/commitments/MN0040/",  # linked but does not exist
            elsewhere.base_url + "/members/mongolia/commitments/MN0050/",  # another site
            "/members/other-member/commitments/XY0001/",  # out of scope (--only)
        ]
        hub = "".join(f'<a href="{link}">x</a>' for link in hub_links)
        start_page = replace(start, html=f"<html><body>{hub}</body></html>")
        with demo_site([*pages, start_page], empty_member_lists=True) as demo:
            config = fast_config(
                demo.url, tmp_path, use_sitemaps=False, probe_ids=False,
                start_urls=(demo.url + demo.path("MN0099"),), only_member="mongolia",
            )  # fmt: skip
            summary = run_extract(config, "run-1")
            gets = [r.path for r in demo.requests() if r.method == "GET"]
        assert elsewhere.log == []
    # Every spelling of a page is fetched once, in its canonical form; nothing else is.
    assert sorted(path for path in gets if "/commitments/" in path) == [
        f"/members/mongolia/commitments/{cid}/"
        for cid in ("MN0001", "MN0002", "MN0003", "MN0040", "MN0099")
    ]
    assert stored_ids(tmp_path) == ["MN0001", "MN0002", "MN0003"]
    assert summary.gone == (demo.url + "/members/mongolia/commitments/MN0040/",)


def test_referenced_but_unfetched_pages_are_reported(tmp_path: Path) -> None:
    pages = sample_pages(6, member_count=2)
    with demo_site(pages) as demo:
        demo.site.set_robots("User-agent: *\nDisallow: /members/bulgaria/commitments/BG0002/\n")
        config = fast_config(demo.url, tmp_path, use_sitemaps=False, probe_ids=False)
        summary = run_extract(config, "run-1")
    blocked = demo.url + "/members/bulgaria/commitments/BG0002/"
    assert summary.referenced_not_fetched == (blocked,)
    assert [(f.url, f.reason) for f in summary.failed] == [(blocked, "disallowed by robots.txt")]


def test_only_member_restricts_everything(tmp_path: Path) -> None:
    with demo_site(sample_pages(12, member_count=3), sitemaps=True) as demo:
        config = fast_config(demo.url, tmp_path, only_member="bulgaria")
        summary = run_extract(config, "run-1")
        paths = [r.path for r in demo.requests() if "/members/" in r.path]
    assert stored_ids(tmp_path) == ["BG0001", "BG0002", "BG0003", "BG0004"]
    assert summary.discovered == 4
    assert all(path.startswith("/members/bulgaria/") for path in paths)


def test_max_pages_stops_cleanly(tmp_path: Path) -> None:
    with demo_site(sample_pages(20, member_count=2)) as demo:
        config = fast_config(demo.url, tmp_path, max_pages=5, concurrency=2)
        summary = run_extract(config, "run-1")
    assert summary.finish_reason == "max_pages"
    assert len(stored_ids(tmp_path)) == 5
    assert summary.fetched == 5 and not summary.failed
    assert len(summary.referenced_not_fetched) == summary.discovered - 5


def test_spanish_run_fetches_es_pages(tmp_path: Path) -> None:
    english = sample_pages(2, member_count=1)
    spanish = [replace(p, language="es") for p in english]
    with demo_site([*english, *spanish]) as demo:
        config = fast_config(demo.url, tmp_path, language="es", use_sitemaps=False)
        run_extract(config, "run-1")
        paths = {r.path for r in demo.requests() if "/commitments/" in r.path}
    with RawStore(tmp_path) as store:
        pages = store.current_pages()
    assert {(p.language, p.url.removeprefix(demo.url)) for p in pages} == {
        ("es", "/es/members/mongolia/commitments/MN0001/"),
        ("es", "/es/members/mongolia/commitments/MN0002/"),
    }
    assert all(path.startswith("/es/") for path in paths)


@pytest.mark.parametrize(
    "bad",
    ["mongolia;MN0001", "not a line", "mongolia,MN01", "http://[::1/members/x/commitments/AB0001/"],
)
def test_bad_seed_lines_are_config_errors(tmp_path: Path, bad: str) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text(f"mongolia,MN0001\n{bad}\n")
    config = fast_config("http://127.0.0.1:9", tmp_path / "raw", seed_file=seed)
    with pytest.raises(ConfigError, match="line"):
        run_extract(config, "run-1")
