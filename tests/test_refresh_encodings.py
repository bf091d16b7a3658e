"""A page whose encoding only the HTTP header names, through the whole refresh: the body is
stored as sent, its Content-Type with it, and transform decodes it as a browser would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from demosite.faults import Recoded
from demosite.pages import DemoPage
from demosite.server import DemoServer
from demosite.site import Site
from pipeline.config import TransformConfig
from pipeline.raw import RawStore
from pipeline.refresh import run_pipeline
from tests.conftest import DemoPublish
from tests.loopback import fast_config

pytestmark = pytest.mark.slow

# Spanish page: accents in its title, labels and description, so a wrong decoding shows.
SPANISH = "CR0025"
TEXT_COLUMNS = ("title", "member_name", "description", "action_plan", "lead_institution")


def _row(processed: Path, commitment_id: str) -> dict[str, object]:
    rows = pq.read_table(processed / "commitments.parquet").to_pylist()
    return next(row for row in rows if row["commitment_id"] == commitment_id)


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-1", "utf-16le"])
def test_a_page_encoded_as_only_its_http_header_says_parses_as_the_utf8_page_does(
    charset: str,
    catalog_site: tuple[Site, DemoServer],
    catalog_pages: list[DemoPage],
    demo_publish: DemoPublish,
    tmp_path: Path,
) -> None:
    _site, server = catalog_site
    page = next(p for p in catalog_pages if p.commitment_id == SPANISH)
    path = f"/members/{page.member_slug}/commitments/{SPANISH}/"
    server.faults.push(path, Recoded(charset))
    config = replace(
        fast_config(server.base_url, tmp_path / "raw"),
        processed_dir=tmp_path / "processed",
        transform=TransformConfig(workers=1),
    )

    outcome = run_pipeline(config)

    assert outcome.exit_code == 0, outcome.report.render()
    assert server.faults.pending(path) == 0  # the recoded body is the one that was stored
    with RawStore(tmp_path / "raw") as store:
        stored = {p.commitment_id: p for p in store.current_pages()}
        body = store.read_body(stored[SPANISH].sha256)
    assert stored[SPANISH].content_type == f"text/html; charset={charset}"
    assert b"charset=" not in body[:2048].lower()  # only the header names the encoding
    decoded = _row(tmp_path / "processed", SPANISH)
    as_utf8 = _row(demo_publish.processed, SPANISH)
    for column in TEXT_COLUMNS:
        assert decoded[column] == as_utf8[column], column
    assert any(ch in str(decoded["title"]) + str(decoded["description"]) for ch in "áéíóúñ")
