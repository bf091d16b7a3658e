"""Transform of raw/ reads bodies as bytes: decoded as a browser decodes them (the page's
BOM and <meta charset>, and the HTTP Content-Type once the store records it), and a page
beyond the parse limits fails alone, with its reason, while the others are parsed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config import TransformConfig
from pipeline.raw import FetchRecord, PageKey, RawStore
from pipeline.schema import COMMITMENTS
from pipeline.transform import transform_raw
from pipeline.transform.faults import page_parser
from pipeline.transform.worker import parse_pages
from tests.paths import FIXTURES

T0 = datetime(2025, 1, 1, 3, 0, tzinfo=UTC)
SITE = "https://www.opengovpartnership.org"
PAGE = (FIXTURES / "pages" / "CR0025__t1_spanish_body_midterm_summary__p.html").read_text(
    encoding="utf-8"
)


def _key(commitment_id: str, slug: str) -> PageKey:
    return PageKey(f"{SITE}/members/{slug}/commitments/{commitment_id}/", commitment_id, slug, "en")


def _store(raw_dir: Path, pages: list[tuple[PageKey, bytes]]) -> None:
    with RawStore(raw_dir, writable=True) as store:
        for key, body in pages:
            ref = store.write_body(body)
            store.db.record_page_body(
                key, FetchRecord("run-1", T0), fetched_url=key.url, body=ref, discoveries=[]
            )


def _windows_1252(meta: str) -> bytes:
    return PAGE.replace('<meta charset="UTF-8">', meta).encode("cp1252", "xmlcharrefreplace")


def test_raw_pages_are_decoded_by_their_declaration_and_a_bad_page_fails_alone(
    tmp_path: Path,
) -> None:
    nested = b"<html><body><h1>T (MN0002)</h1>" + b"<div>" * 100_000 + b"</div>" * 100_000
    _store(
        tmp_path,
        [
            (_key("CR0025", "costa-rica"), _windows_1252('<meta charset="windows-1252">')),
            (_key("MN0002", "mongolia"), nested),
        ],
    )
    result = transform_raw(tmp_path, TransformConfig(workers=1))
    assert result.parsed == 1
    (failure,) = result.failures
    assert failure.url.endswith("/MN0002/")
    assert failure.reason.startswith("nested too deeply: elements 100,00")
    (row,) = result.tables[COMMITMENTS.name].to_pylist()
    assert row["lead_institution"] == "Ministerio de Comunicación"
    assert row["description"].startswith("Vacíos normativos en la regulación")


def test_the_http_charset_is_used_when_the_store_has_it(tmp_path: Path) -> None:
    """The raw store does not record Content-Type yet: this is what transform does with it
    once it does (a page that declares nothing, served as windows-1252)."""
    _store(tmp_path, [(_key("CR0025", "costa-rica"), _windows_1252(""))])
    with RawStore(tmp_path) as store:
        (stored,) = store.current_pages()
    assert stored.content_type is None
    served = dataclasses.replace(stored, content_type="text/html; charset=windows-1252")
    with RawStore(tmp_path) as store:
        with_header = parse_pages(store, [served], page_parser()).tables[COMMITMENTS.name]
        without = parse_pages(store, [stored], page_parser()).tables[COMMITMENTS.name]
    assert with_header.to_pylist()[0]["lead_institution"] == "Ministerio de Comunicación"
    # Without it, the page declares nothing: UTF-8 with replacement characters.
    assert without.to_pylist()[0]["lead_institution"] == "Ministerio de Comunicaci\ufffdn"
