"""transform_raw's worker processes against pages that kill or hang them: real spawned workers,
a real SIGKILL, a real hang stopped by the pool's time limit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.config import TransformConfig
from pipeline.errors import TransformFailed
from pipeline.extract import run_extract
from pipeline.raw import RawStore
from pipeline.records import ParsedPage
from pipeline.schema import TRANSFORM_TABLES
from pipeline.transform import parse_page, pool, transform_raw
from pipeline.transform.faults import ENV, HANG_MARKER, KILL_MARKER
from pipeline.transform.worker import parse_pages
from tests.loopback import Demo, fast_config

pytestmark = pytest.mark.slow

KILLER, SLEEPER = "MN0002", "RO0003"
DIED_TWICE = (
    "the process parsing this page died (killed by signal SIGKILL), again when the page was "
    "parsed alone in a fresh process"
)


def extracted(demo: Demo, raw: Path, faulty: bool = True) -> list[str]:
    """Fetch the demo site (12 pages) into raw/, two of them carrying fault markers."""
    ids = sorted(page.commitment_id for page in demo.site.pages())
    assert KILLER in ids and SLEEPER in ids
    if faulty:
        for cid, marker in ((KILLER, KILL_MARKER), (SLEEPER, HANG_MARKER)):
            html = next(p.html for p in demo.site.pages() if p.commitment_id == cid)
            demo.site.change(cid, html.replace("</body>", f"{marker}</body>"))
    summary = run_extract(fast_config(demo.url, raw), "20250301T000000Z-0001")
    assert not summary.failed
    return ids


def ids_of(tables: dict[str, pa.Table]) -> list[str]:
    return sorted(tables["commitments"].column("commitment_id").to_pylist())


def test_a_page_that_kills_its_worker_and_one_that_hangs_are_failed_pages_only(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = extracted(demo, tmp_path / "raw")
    monkeypatch.setenv(ENV, "1")
    config = TransformConfig(workers=2, page_time_limit_s=1.0)
    result = transform_raw(tmp_path / "raw", config)
    reasons = {f.commitment_id: f.reason for f in result.failures}
    assert reasons == {
        KILLER: DIED_TWICE,
        SLEEPER: "took longer than 1 s to parse; its process was stopped",
    }
    assert [f.url for f in result.failures] == sorted(
        demo.site.url_of(cid) for cid in (KILLER, SLEEPER)
    )
    # Every other page was parsed, those that shared a task with the killer included.
    assert ids_of(result.tables) == [cid for cid in ids if cid not in (KILLER, SLEEPER)]
    assert result.parsed == 10


def test_workers_that_keep_dying_stop_the_run_instead_of_retrying_every_page(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for page in demo.site.pages():
        demo.site.change(page.commitment_id, page.html.replace("</body>", f"{KILL_MARKER}</body>"))
    extracted(demo, tmp_path / "raw", faulty=False)
    monkeypatch.setenv(ENV, "1")
    monkeypatch.setattr(pool, "MAX_DEATHS_IN_A_ROW", 3)  # 10 in a run; 3 keeps the test quick
    with pytest.raises(TransformFailed, match="3 transform worker processes died in a row"):
        transform_raw(tmp_path / "raw", TransformConfig(workers=1))


def test_without_the_test_variable_the_markers_are_ignored(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = extracted(demo, tmp_path / "raw")
    monkeypatch.delenv(ENV, raising=False)
    result = transform_raw(tmp_path / "raw", TransformConfig(workers=2, page_time_limit_s=1.0))
    assert result.failures == () and ids_of(result.tables) == ids


def test_the_tables_do_not_depend_on_the_number_of_workers(demo: Demo, tmp_path: Path) -> None:
    extracted(demo, tmp_path / "raw", faulty=False)
    one, three = (
        transform_raw(tmp_path / "raw", TransformConfig(workers=n)).tables for n in (1, 3)
    )
    for spec in TRANSFORM_TABLES:
        order = [(name, "ascending") for name in spec.primary_key]
        assert one[spec.name].sort_by(order).equals(three[spec.name].sort_by(order)), spec.name


def test_rows_that_do_not_fit_the_schema_fail_their_page_not_the_task(
    demo: Demo, tmp_path: Path
) -> None:
    ids = extracted(demo, tmp_path / "raw", faulty=False)
    odd = demo.site.url_of(ids[3])

    def parse(body: bytes, url: str, content_type: str | None) -> ParsedPage:
        page = parse_page(body, url, content_type=content_type)
        if url != odd:
            return page
        # A 10 MB page could list 40,000 commitments: positions are int16 in the schema.
        items = tuple(replace(item, position=40_000 + i) for i, item in enumerate(page.member_list))
        assert items
        return replace(page, member_list=items)

    with RawStore(tmp_path / "raw") as store:
        pages = store.current_pages()
        assert odd in {p.fetched_url for p in pages}
        result = parse_pages(store, pages, parse)
    assert [(f.commitment_id, f.reason.split(":")[0]) for f in result.failures] == [
        (ids[3], "rows do not fit the schema")
    ]
    assert "40000 is outside int16" in result.failures[0].reason
    assert ids_of(result.tables) == [cid for cid in ids if cid != ids[3]]
    assert result.parsed == len(ids) - 1
