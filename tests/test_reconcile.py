"""--reference FILE: OGP's commitments spreadsheet (CSV) compared with what was scraped, in
the run report; columns found by header name, case-insensitively; not a failure by itself."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.config import Config, TransformConfig
from pipeline.errors import ConfigError
from pipeline.exit_codes import EXIT_USAGE
from pipeline.reconcile import read_reference
from pipeline.refresh import run_pipeline
from tests.loopback import fast_config

# As exported, but in other capitalisation and order, with columns we do not use.
HEADER = ["Region", "COMMITMENT UNIQUE IDENTIFIER", "country/locality", "national or local",
          "Commitment Title", "Code", "url"]  # fmt: skip


def write_sheet(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def config_for(server, tmp_path: Path, reference: Path) -> Config:
    base = fast_config(server.base_url, tmp_path / "raw")
    return replace(
        base,
        processed_dir=tmp_path / "processed",
        transform=TransformConfig(workers=1),
        reference=reference,
    )


def test_differences_with_the_sheet_are_reported_and_publishing_goes_on(
    shared_catalog_server, tmp_path
):
    # First learn what the site shows, then write a sheet that differs from it on purpose.
    first = tmp_path / "first"
    run_pipeline(replace(config_for(shared_catalog_server, first, None), reference=None))
    rows = pq.read_table(first / "processed" / "commitments.parquet").to_pylist()
    by_id = {r["commitment_id"]: r for r in rows}
    ids = sorted(by_id)
    left_out = ids[:3]  # scraped, not in the sheet
    sheet = []
    for cid in ids[3:]:
        row = by_id[cid]
        title, member, url = row["title"], row["member_name"] or "", row["url"]
        if cid == ids[3]:
            title = "A title the sheet spells differently"
        if cid == ids[4]:
            member = "Atlantis"
        if cid == ids[5]:
            url = url.replace(cid, "XX9999")
        if cid == ids[6]:  # same text in other case, spacing and quotes: not a difference
            title = "  " + title.upper().replace("'", "’") + " "
        sheet.append(["Europe", cid.lower(), member, "National", title, "XYZ", url])
    sheet += [
        ["Asia", "ZZ0001", "Nowhere", "Local", "Never on the site", "", ""],
        ["Asia", "ZZ0002", "Nowhere", "Local", "Nor this one", "", ""],
        ["Asia", "not an id", "Nowhere", "Local", "", "", ""],
        ["", "", "", "", "", "", ""],
    ]
    reference = write_sheet(tmp_path / "sheet.csv", sheet)
    outcome = run_pipeline(config_for(shared_catalog_server, tmp_path, reference))
    assert outcome.exit_code == 0  # differences inform, they do not fail the run
    found = outcome.report.reconciliation
    assert found["columns_found"] == {
        "id": "COMMITMENT UNIQUE IDENTIFIER", "member": "country/locality",
        "kind": "national or local", "url": "url", "title": "Commitment Title",
    }  # fmt: skip
    assert (found["sheet_rows"], found["scraped"]) == (len(ids) - 3 + 2, len(ids))
    assert found["not_scraped"] == ["ZZ0001", "ZZ0002"]
    assert found["not_in_sheet"] == left_out
    assert [d["commitment_id"] for d in found["title_differs"]] == [ids[3]]
    assert found["member_differs"] == [
        {"commitment_id": ids[4], "sheet": "Atlantis", "site": by_id[ids[4]]["member_name"]}
    ]
    assert [d["commitment_id"] for d in found["url_differs"]] == [ids[5]]
    assert found["unusable_ids"] == [f"line {len(ids) - 3 + 4}: 'not an id'"]
    assert found["counts"] == {
        "not_scraped": 2, "not_in_sheet": 3, "title_differs": 1, "member_differs": 1,
        "url_differs": 1, "unusable_ids": 1,
    }  # fmt: skip
    assert "reconciliation with" in outcome.report.render()


def test_a_sheet_with_only_an_id_column_in_a_windows_encoding_is_read(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes("Commitment Unique Identifier;x\r\nCI0001\r\n".encode("cp1252"))
    with pytest.raises(ConfigError, match="no 'Commitment Unique Identifier' column"):
        read_reference(path)  # ";" is not the delimiter of a CSV export
    path.write_bytes(
        "Commitment  unique identifier,Country/Locality\r\nci0001,Côte d'Ivoire\r\n".encode(
            "cp1252"
        )
    )
    reference = read_reference(path)
    assert reference.rows == {"CI0001": {"id": "ci0001", "member": "Côte d'Ivoire"}}
    assert reference.columns["title"] is None


def test_a_sheet_without_an_id_column_is_a_usage_error_before_any_work(tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Country,Title\nAlbania,Something\n", encoding="utf-8")
    code = main(["transform", "--raw-dir", str(tmp_path), "--processed-dir",
                 str(tmp_path / "processed"), "--reference", str(sheet)])  # fmt: skip
    assert code == EXIT_USAGE
    err = capsys.readouterr().err
    assert (
        err.count("has no 'Commitment Unique Identifier' column (its headers: Country, Title)") == 1
    )
    assert not (tmp_path / "processed").exists()
    assert main(["transform", "--reference", str(tmp_path / "missing.csv")]) == EXIT_USAGE
