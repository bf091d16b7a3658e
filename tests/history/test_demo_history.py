"""The history on a demo site that changes between nights (``demosite.history_scenario``):
night 1 publishes six commitments; generation 1 edits MN0002's description, gives GH0025 its
first IRM report, sets PAR0007's status to Inactive, removes MN0056 (404) and adds GH0026 and
GH0027; night 3 sees no change; generation 2 brings MN0056 back as it was.

The expected rows are written from the scenario and the fixture specs, not from the output.
Then: a refresh that changed nothing leaves every data file byte-identical, ``commitments``
holds the live commitments only, ``diff`` shows the changes between two publishes, and
``rebuild-history`` reproduces both tables byte for byte from raw/.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from demosite.generations import show_generation
from demosite.history_scenario import ADDED, NEW_DESCRIPTION, NEW_REPORT, base_pages, generation
from demosite.server import serve_in_thread
from demosite.site import Site
from pipeline.cli import main
from pipeline.config import TransformConfig
from pipeline.refresh import RunOutcome, run_pipeline
from pipeline.schema import DATA_TABLES
from tests.loopback import fast_config

pytestmark = pytest.mark.slow

OLD_DESCRIPTION = (
    "Modernize performance indicators of information transparency of public organizations "
    "into ―”citizen targeted” ones."
)
FIRST = ["GH0025", "GH0038", "MN0002", "MN0056", "PAR0007", "UK0093"]
MEMBER = {"GH": "ghana", "MN": "mongolia", "PA": "paris-france", "UK": "united-kingdom"}


@dataclass
class Nights:
    runs: list[RunOutcome]
    starts: list[datetime]
    processed: Path
    raw: Path
    hashes: list[dict[str, str]]  # data files after each night


def data_hashes(processed: Path) -> dict[str, str]:
    names = [f"{s.name}.{ext}" for s in DATA_TABLES for ext in ("parquet", "csv")]
    names.append("datapackage.json")
    return {n: hashlib.sha256((processed / n).read_bytes()).hexdigest() for n in names}


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    work = tmp_path_factory.mktemp("history")
    base = base_pages()
    # Found through the sitemaps only: the fixture pages link to members this small site
    # does not have, which a link crawl would report as failures.
    site = Site(base, sitemaps=True)
    runs, hashes = [], []
    with serve_in_thread(site) as server:
        config = replace(
            fast_config(server.base_url, work / "raw", crawl_links=False, probe_ids=False),
            processed_dir=work / "processed",
            transform=TransformConfig(workers=1),
        )
        for night in (0, 1, 1, 2):  # the generation each night sees
            show_generation(site, base, generation(night))
            outcome = run_pipeline(config)
            assert outcome.exit_code == 0, outcome.report.render()
            runs.append(outcome)
            hashes.append(data_hashes(work / "processed"))
    lines = (work / "processed" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    ledger = [json.loads(line) for line in lines]
    starts = [datetime.fromisoformat(row["started_at"]) for row in ledger]
    return Nights(runs, starts, work / "processed", work / "raw", hashes)


def rows(processed: Path, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    found = pq.read_table(processed / f"{table}.parquet").select(columns).to_pylist()
    return [tuple(row.values()) for row in found]


def test_commitment_changes_holds_exactly_the_changes_of_each_night(nights: Nights) -> None:
    r1, r2, _r3, r4 = (outcome.run_id for outcome in nights.runs)
    t1, t2, _t3, t4 = nights.starts

    def added(run: str, at: datetime, cid: str) -> tuple[object, ...]:
        return (run, at, cid, MEMBER[cid[:2]], "added", None, None, None, "site")

    expected = [
        *(added(r1, t1, cid) for cid in FIRST),
        (r2, t2, "GH0025", "ghana", "changed", "irm_reports", "[]", f'["{NEW_REPORT}"]', "site"),
        (r2, t2, "GH0025", "ghana", "changed", "irm_reports_missing", "pending_irm_review",
         None, "site"),
        added(r2, t2, "GH0026"),
        added(r2, t2, "GH0027"),
        (r2, t2, "MN0002", "mongolia", "changed", "description", OLD_DESCRIPTION,
         NEW_DESCRIPTION, "site"),
        (r2, t2, "MN0002", "mongolia", "changed", "description_html", f"<p>{OLD_DESCRIPTION}</p>",
         f"<p>{NEW_DESCRIPTION}</p>", "site"),
        (r2, t2, "MN0056", "mongolia", "removed", None, None, None, "site"),
        (r2, t2, "PAR0007", "paris-france", "changed", "status", "Active", "Inactive", "site"),
        (r4, t4, "MN0056", "mongolia", "restored", None, None, None, "site"),
    ]  # fmt: skip
    columns = ["run_id", "detected_at", "commitment_id", "member_slug", "change", "field",
               "old_value", "new_value", "cause"]  # fmt: skip
    found = rows(nights.processed, "commitment_changes", columns)
    # Rows are in primary-key order; run ids started within one second do not sort by time.
    assert sorted(found, key=lambda r: r[1]) == expected  # type: ignore[arg-type, return-value]


def test_commitment_history_holds_every_version(nights: Nights) -> None:
    t1, t2, _t3, t4 = nights.starts
    columns = ["commitment_id", "version", "valid_from", "valid_to", "removed", "removed_at",
               "description", "status", "irm_reports", "member_name"]  # fmt: skip
    found = rows(nights.processed, "commitment_history", columns)
    history = {(r[0], r[1]): dict(zip(columns[2:], r[2:], strict=True)) for r in found}

    def period(cid: str, version: int) -> tuple[object, ...]:
        v = history[(cid, version)]
        return (v["valid_from"], v["valid_to"], v["removed"], v["removed_at"])

    mongolia_report = ["Mongolia End-of-Term Report 2014-2016"]
    assert period("MN0002", 1) == (t1, t2, False, None)
    assert history[("MN0002", 1)]["description"] == OLD_DESCRIPTION
    assert history[("MN0002", 1)]["irm_reports"] == mongolia_report
    assert period("MN0002", 2) == (t2, None, False, None)
    assert history[("MN0002", 2)]["description"] == NEW_DESCRIPTION
    assert history[("MN0002", 2)]["irm_reports"] == mongolia_report
    assert (period("GH0025", 1), history[("GH0025", 1)]["irm_reports"]) == (
        (t1, t2, False, None),
        [],
    )
    assert (period("GH0025", 2), history[("GH0025", 2)]["irm_reports"]) == (
        (t2, None, False, None),
        [NEW_REPORT],
    )
    assert (period("PAR0007", 1), history[("PAR0007", 1)]["status"]) == (
        (t1, t2, False, None),
        "Active",
    )
    assert (period("PAR0007", 2), history[("PAR0007", 2)]["status"]) == (
        (t2, None, False, None),
        "Inactive",
    )
    # MN0056 shows no member name: it takes Mongolia's; removed, then back as it was.
    mn0056 = [period("MN0056", v) for v in (1, 2, 3)]
    assert mn0056 == [(t1, t2, False, None), (t2, t4, True, t2), (t4, None, False, None)]
    assert {history[("MN0056", v)]["member_name"] for v in (1, 2, 3)} == {"Mongolia"}
    for cid in ("GH0026", "GH0027"):
        assert period(cid, 1) == (t2, None, False, None)
    for cid in ("GH0038", "UK0093"):
        assert period(cid, 1) == (t1, None, False, None)
    assert sorted(history) == sorted(
        [(c, 1) for c in [*FIRST, *ADDED]]
        + [("GH0025", 2), ("MN0002", 2), ("MN0056", 2), ("MN0056", 3), ("PAR0007", 2)]
    )  # fmt: skip


def test_each_version_is_the_row_commitments_held_while_it_was_current(nights: Nights) -> None:
    """Every column, not only those changed: closed versions against night 1's publish (its
    run folder is kept), current ones against the last publish."""
    history = pq.read_table(nights.processed / "commitment_history.parquet")
    shared = [n for n in history.schema.names if n in pq.read_schema(
        nights.processed / "commitments.parquet").names]  # fmt: skip
    night_1 = nights.processed / "runs" / nights.runs[0].run_id / "commitments.parquet"
    first = pa.scalar(nights.starts[0], history["valid_from"].type)
    current = pc.and_(pc.is_null(history["valid_to"]), pc.invert(history["removed"]))
    for source, versions in (
        (night_1, history.filter(pc.equal(history["valid_from"], first))),
        (nights.processed / "commitments.parquet", history.filter(current)),
    ):
        published = pq.read_table(source).select(shared).sort_by("commitment_id")
        kept = versions.select(shared).sort_by("commitment_id")
        if source != night_1:
            assert kept.equals(published)
        else:
            assert kept.to_pylist() == published.to_pylist()


def test_commitments_holds_live_commitments_only(nights: Nights) -> None:
    ids = rows(nights.processed, "commitments", ["commitment_id"])
    assert [cid for (cid,) in ids] == sorted([*FIRST, *ADDED])
    night_2 = nights.processed / "runs" / nights.runs[1].run_id / "commitments.parquet"
    assert "MN0056" not in pq.read_table(night_2)["commitment_id"].to_pylist()
    members = {
        r[0]: r[1:] for r in rows(nights.processed, "members", ["member_slug", "live_commitments"])
    }
    assert members == {
        "ghana": (4,),
        "mongolia": (2,),
        "paris-france": (1,),
        "united-kingdom": (1,),
    }


def test_a_night_without_change_adds_nothing_and_changes_no_data_file(nights: Nights) -> None:
    assert nights.runs[2].report.changes is not None
    assert nights.runs[2].report.changes["counts"] == {
        "added": 0, "changed": 0, "removed": 0, "restored": 0,
    }  # fmt: skip
    assert nights.hashes[2] == nights.hashes[1]
    assert nights.runs[2].report.stages["transform"]["pages_parsed"] == 0
    summary = nights.runs[1].report.changes
    assert summary is not None and summary["counts"] == {
        "added": 2, "changed": 3, "removed": 1, "restored": 0,
    }  # fmt: skip
    assert summary["fields"]["description"] == {"count": 1, "first_ids": ["MN0002"]}
    printed = nights.runs[1].report.render()
    assert "changes since the last publish: 2 added, 3 changed, 1 removed" in printed
    assert "    changed status: 1 (PAR0007)" in printed
    # The last night's HTML report says what it changed: MN0056 restored.
    page = (nights.processed / "run_report.html").read_text(encoding="utf-8")
    assert "restored" in page and "MN0056" in page


def test_diff_shows_the_changes_between_two_publishes(
    nights: Nights, capsys: pytest.CaptureFixture[str]
) -> None:
    r1, _r2, r3, r4 = (outcome.run_id for outcome in nights.runs)
    processed = ["--processed-dir", str(nights.processed)]
    assert main(["diff", *processed]) == 0  # the last two: night 3 to night 4
    text = capsys.readouterr().out
    assert text.splitlines() == [
        f"changes from run {r3} to run {r4}: 1 restored",
        "  restored MN0056    mongolia",
    ]
    assert main(["diff", r1, r3, "--format", "json", *processed]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["from"], found["to"]) == (r1, r3)
    assert found["counts"] == {"added": 2, "changed": 3, "removed": 1, "restored": 0}
    assert [(c["commitment_id"], c["change"], c["field"]) for c in found["changes"]] == [
        ("GH0025", "changed", "irm_reports"),
        ("GH0025", "changed", "irm_reports_missing"),
        ("GH0026", "added", None),
        ("GH0027", "added", None),
        ("MN0002", "changed", "description"),
        ("MN0002", "changed", "description_html"),
        ("MN0056", "removed", None),
        ("PAR0007", "changed", "status"),
    ]
    assert main(["diff", r1, r4, *processed]) == 0  # removed and back: no change at all
    assert "MN0056" not in capsys.readouterr().out
    assert main(["diff", "nonsense", *processed]) == 2
    assert "run nonsense is not a publish" in capsys.readouterr().err


def test_rebuild_history_reproduces_both_tables_from_raw(nights: Nights, tmp_path: Path) -> None:
    out = tmp_path / "rebuilt"
    assert main(["rebuild-history", "--raw-dir", str(nights.raw), "--processed-dir",
                 str(nights.processed), "--output", str(out), "--workers", "1"]) == 0  # fmt: skip
    for name in ("commitment_changes", "commitment_history"):
        for ext in ("parquet", "csv"):
            rebuilt = (out / f"{name}.{ext}").read_bytes()
            assert rebuilt == (nights.processed / f"{name}.{ext}").read_bytes(), f"{name}.{ext}"
