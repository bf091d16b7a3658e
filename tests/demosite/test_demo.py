"""`make demo`: the bundled site, served on 127.0.0.1, refreshed twice by the real pipeline."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import ROOT


def run_demo(folder):
    return subprocess.run(
        [sys.executable, "-m", "demosite", "demo", "--dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=ROOT,  # the demo site is run from the repository root, not installed
    )


def test_the_demo_site_has_several_members_templates_and_markups(catalog_pages):
    pages = catalog_pages
    assert len({p.member_slug for p in pages}) >= 6
    assert "edge-cases-demo" in {p.member_slug for p in pages}  # the page with odd values
    assert {p.language for p in pages} == {"en", "es"}
    html = " ".join(p.html for p in pages)
    for era_label in ("Potential Impact", "Ambition", "Inception Report", "Starred"):
        assert era_label in html


def test_make_demo_publishes_then_refreshes_incrementally(tmp_path):
    first = run_demo(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "commitments.parquet" in first.stdout
    assert f"Run report, to open in a browser: {tmp_path}/processed/run_report.html" in first.stdout
    assert (tmp_path / "processed" / "run_report.html").is_file()
    assert "transform: 54 pages parsed" in first.stderr
    second = run_demo(tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "0 new or changed, 54 not modified" in second.stderr
    assert "transform: 0 pages parsed, 54 unchanged and carried over" in second.stderr
