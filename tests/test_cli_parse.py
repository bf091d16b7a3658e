"""`python -m pipeline parse`: JSON Lines on stdout, unknowns on stderr, exit codes."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from pipeline.records import Commitment
from tests.paths import FIXTURES

PAGES = FIXTURES / "pages"


def run_parse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "parse", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_one_json_object_per_page_keyed_by_commitments_columns():
    done = run_parse(str(PAGES / "MN0002__t1_full_member_list__dl.html"), "--format", "json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert list(record) == [f.name for f in fields(Commitment)]
    assert record["commitment_id"] == "MN0002"
    assert record["policy_areas"] == ["Capacity Building"]
    assert (
        record["url"] == "https://www.opengovpartnership.org/members/mongolia/commitments/MN0002/"
    )


def test_unknown_labels_and_values_are_reported_on_stderr():
    done = run_parse(str(PAGES / "MN0022__synthetic_unknown_label__table.html"))
    assert done.returncode == 0
    assert "unknown label: 'Commitment Lead'" in done.stderr
    assert "unknown value (early_results): 'Spectacular'" in done.stderr
    assert "unknown policy_area (policy_areas): 'Space Exploration'" in done.stderr
    assert json.loads(done.stdout)["early_results_missing"] == "unrecognized"


def test_a_page_that_is_not_a_commitment_page_exits_6_with_a_clear_message():
    done = run_parse(str(PAGES / "other" / "member_mongolia.html"))
    assert done.returncode == 6
    assert "member_mongolia.html" in done.stderr
    assert "not a commitment page" in done.stderr
    assert done.stdout == ""


def test_a_directory_prints_every_commitment_page_and_exits_non_zero_for_the_rest():
    done = run_parse(str(PAGES), "--format", "json")
    commitment_pages = [p for p in PAGES.glob("*.html")]
    assert len(done.stdout.splitlines()) == len(commitment_pages)
    assert done.returncode == 6
    assert done.stderr.count("not a commitment page") == len(list((PAGES / "other").glob("*.html")))


def test_table_format_shows_each_field_on_its_own_line():
    done = run_parse(
        str(PAGES / "NGKD0009__t4_institutions_involved__soup.html"), "--format", "table"
    )
    assert done.returncode == 0
    rows = dict(line.split(None, 1) for line in done.stdout.splitlines() if line.strip())
    assert rows["commitment_id"] == "NGKD0009"
    assert rows["template"] == "T4"
    assert rows["commitment_start"] == "2024-02-01"


def test_a_missing_path_is_a_usage_error():
    done = run_parse("no/such/file.html")
    assert done.returncode == 2
    assert "no such file" in done.stderr


def _recoded(encoding: str, meta: str, bom: bytes = b"") -> bytes:
    html = (PAGES / "CR0025__t1_spanish_body_midterm_summary__p.html").read_text(encoding="utf-8")
    html = html.replace('<meta charset="UTF-8">', meta)
    return bom + html.encode(encoding, errors="xmlcharrefreplace")


@pytest.mark.parametrize(
    ("encoding", "meta", "bom"),
    [
        ("cp1252", '<meta charset="windows-1252">', b""),
        ("cp1252", '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', b""),
        ("utf-16-le", '<meta charset="utf-16">', codecs.BOM_UTF16_LE),
        ("utf-16-be", "", codecs.BOM_UTF16_BE),
    ],
    ids=["windows-1252", "iso-8859-1", "utf-16le-bom", "utf-16be-bom"],
)
def test_a_saved_page_decodes_as_a_browser_decodes_it(
    tmp_path: Path, encoding: str, meta: str, bom: bytes
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(_recoded(encoding, meta, bom))
    url = "https://www.opengovpartnership.org/members/costa-rica/commitments/CR0025/"
    done = run_parse(str(page), "--url", url)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["lead_institution"] == "Ministerio de Comunicación"
    assert record["description"].startswith("Vacíos normativos en la regulación")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "nested.html",
            b"<html><body><h1>T (MN0002)</h1>" + b"<div>" * 100_000,
            "nested too deeply",
        ),
        ("huge.html", b"<html><body><p>" + b"x" * 50_000_000, "page too large"),
        ("items.html", b"<html><body><ul>" + b"<li>x" * 4_000_000, "page too large"),
    ],
)
def test_a_pathological_page_exits_6_with_a_one_line_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    page = tmp_path / name
    page.write_bytes(content)
    done = run_parse(str(page))
    assert done.returncode == 6
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"error: {page}: {reason}: ")
