"""Demo-site generations: the site as it stands on night N, deterministic from its number, and
switched on a running server the way a real site changes between two nightly runs."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from demosite.generations import Generation, NewBuild, RenameLabel, show, show_generation
from demosite.pages import DemoPage
from demosite.sample import sample_pages
from tests.loopback import demo_site


def labelled(commitment_id: str) -> DemoPage:
    html = (
        "<html><head><title>t</title></head><body>"
        f'<p><span title="Lead Institution">Lead Institution:</span> Ministry ({commitment_id})</p>'
        "</body></html>"
    )
    return DemoPage("mongolia", "Mongolia", commitment_id, "t", html)


def test_a_generation_is_the_same_site_every_time_it_is_built():
    base = [labelled(f"MN{i:04d}") for i in range(1, 41)]
    generation = Generation(3, (RenameLabel("Lead Institution", "Lead Agency", 0.25),))
    first, again = generation.pages(base), generation.pages(base)
    assert first == again
    renamed = [p.commitment_id for p in first if "Lead Agency" in p.html]
    assert len(renamed) == 10  # a quarter of the 40 pages showing the label
    other = Generation(4, generation.changes).pages(base)
    assert renamed != [p.commitment_id for p in other if "Lead Agency" in p.html]


def test_a_renamed_label_changes_the_visible_text_only():
    [page] = RenameLabel("Lead Institution", "Lead Agency", 1.0).apply(
        [labelled("MN0001")], random.Random(0)
    )
    assert '<span title="Lead Institution">Lead Agency:</span> Ministry' in page.html


def test_a_new_build_changes_every_page_and_nothing_a_reader_sees():
    base = sample_pages(6, member_count=2)
    built = Generation(1, (NewBuild("7"),)).pages(base)
    for before, after in zip(base, built, strict=True):
        assert after.html != before.html
        assert after.html.replace("<!-- theme build 7 -->", "") == before.html


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as http:  # loopback answers in ms; 5 s = hung
        yield http


def test_switching_a_running_site_changes_removes_and_adds_pages(client):
    base = sample_pages(6, member_count=2)
    with demo_site(base) as demo:
        urls = {p.commitment_id: demo.site.url_of(p.commitment_id) for p in base}
        etags = {cid: client.get(url).headers["etag"] for cid, url in urls.items()}
        changed, removed, kept = base[0], base[1], base[2]
        added = replace(base[3], commitment_id="MN0099", title="Added tonight")
        tonight = [replace(changed, html=changed.html + "<!-- edited -->"), *base[2:], added]
        show(demo.site, tonight)

        def revalidate(cid: str) -> httpx.Response:
            return client.get(urls[cid], headers={"If-None-Match": etags[cid]})

        assert revalidate(changed.commitment_id).status_code == 200
        assert revalidate(changed.commitment_id).text.endswith("<!-- edited -->")
        assert revalidate(kept.commitment_id).status_code == 304
        assert client.get(urls[removed.commitment_id]).status_code == 404
        assert client.get(demo.site.url_of("MN0099")).status_code == 200
        member = client.get(f"{demo.url}/members/{added.member_slug}/").text
        assert "/commitments/MN0099/" in member
        show_generation(demo.site, base, Generation(0))  # back to the base site
        assert client.get(urls[removed.commitment_id]).status_code == 200
        assert demo.site.pages() == base
