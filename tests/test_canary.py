"""The drift canary against the demo site: a refresh, then a demo-site generation whose theme
deploy renames the "Lead Institution" label on a share of the pages, then a refresh. Just
under the margin it publishes; just over it refuses with the guard code and names the field
and the pages; --accept-drift publishes anyway. The demo catalog has about 50 English pages
nearly all showing the label: 2 renamed is under 5 points, 3 renamed over (the margin is 5)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from demosite.generations import Generation, NewBuild, RenameLabel, show_generation
from demosite.pages import DemoPage
from pipeline.config import CanaryConfig, Config, TransformConfig
from pipeline.errors import DriftDetected
from pipeline.exit_codes import EXIT_GUARD
from pipeline.refresh import run_pipeline
from tests.loopback import fast_config

NEW_LABEL = "Responsible Agency"


def deploy(share: float, *, everywhere: bool = True) -> Generation:
    """Generation 1: a theme deploy (every page changes) that renames the label on ``share``
    of the pages showing it; without ``everywhere`` only the renamed pages change."""
    rename = RenameLabel("Lead Institution", NEW_LABEL, share)
    return Generation(1, (NewBuild("2"), rename) if everywhere else (rename,))


def config_for(server, tmp_path: Path, **canary: object) -> Config:
    base = fast_config(server.base_url, tmp_path / "raw")
    return replace(
        base,
        processed_dir=tmp_path / "processed",
        transform=TransformConfig(workers=1),
        canary=CanaryConfig(**canary),  # type: ignore[arg-type]
    )


def english(pages: list[DemoPage]) -> int:
    return sum(p.language == "en" for p in pages)


def showing_label(pages: list[DemoPage]) -> int:
    return sum(p.language == "en" and "Lead Institution" in p.html for p in pages)


def renamed_urls(site, pages: list[DemoPage]) -> list[str]:
    return sorted(site.url_of(p.commitment_id) for p in pages if NEW_LABEL in p.html)


def data_hashes(processed: Path) -> dict[str, str]:
    current = processed / "current"
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(current.iterdir())
        if not p.name.startswith(("runs.", "run_report"))
    }


def lead_institution(verdict: dict, measure: str) -> dict:
    return next(
        f for f in verdict["fields"] if (f["field"], f["measure"]) == ("lead_institution", measure)
    )


def test_the_first_publish_has_nothing_to_compare_with(catalog_site, tmp_path):
    _, server = catalog_site
    outcome = run_pipeline(config_for(server, tmp_path))
    assert outcome.report.canary["status"] == "not_judged"
    assert outcome.report.canary["reason"] == "nothing was published before"


def test_a_label_renamed_just_under_the_margin_is_published(catalog_site, catalog_pages, tmp_path):
    site, server = catalog_site
    config = config_for(server, tmp_path)
    run_pipeline(config)
    pages = show_generation(site, catalog_pages, deploy(0.04))
    assert len(renamed_urls(site, pages)) == 2
    outcome = run_pipeline(config)
    canary = outcome.report.canary
    assert (outcome.exit_code, canary["status"]) == (0, "ok")
    pages_n, had = english(catalog_pages), showing_label(catalog_pages)
    assert (canary["pages_parsed"], canary["pages_compared"]) == (pages_n, pages_n)
    label = lead_institution(canary, "label")
    assert 0.03 < 2 / pages_n < 0.05 < 3 / pages_n  # 2 pages just under the margin, 3 over
    assert (label["before"], label["after"], label["drifted"]) == (
        round(had / pages_n, 4), round((had - 2) / pages_n, 4), False,
    )  # fmt: skip
    assert sorted(label["examples"]) == renamed_urls(site, pages)
    [unknown] = [u for u in canary["unknowns"] if u["text"] == NEW_LABEL]
    assert (unknown["pages"], unknown["drifted"]) == (2, False)


def test_a_label_renamed_just_over_the_margin_is_refused_and_named(
    catalog_site, catalog_pages, tmp_path
):
    site, server = catalog_site
    config = config_for(server, tmp_path)
    run_pipeline(config)
    before = data_hashes(config.processed_dir)
    pages = show_generation(site, catalog_pages, deploy(0.06))
    renamed = renamed_urls(site, pages)
    assert len(renamed) == 3
    with pytest.raises(DriftDetected) as refused:
        run_pipeline(config)
    message = str(refused.value)
    pages_n, had = english(catalog_pages), showing_label(catalog_pages)
    assert (
        f"lead_institution label recognised on {round((had - 3) / pages_n, 4):.1%} of {pages_n} "
        f"re-parsed pages, {round(had / pages_n, 4):.1%} in the current publish" in message
    )
    assert all(url in message for url in renamed)
    assert f"new unknown label {NEW_LABEL!r} on {3 / pages_n:.1%} of {pages_n} parsed" in message
    assert "--accept-drift" in message
    assert data_hashes(config.processed_dir) == before  # the previous publish is untouched
    report = json.loads((config.processed_dir / "last_run_report.json").read_text())
    assert (report["finish_reason"], report["refused_by"], report["exit_code"]) == (
        "refused", "drift", EXIT_GUARD,
    )  # fmt: skip
    assert report["canary"]["status"] == "drift"
    runs = pq.read_table(config.processed_dir / "runs.parquet").to_pylist()
    assert [
        (r["exit_code"], r["finish_reason"], r["refused_by"])
        for r in runs
        if r["run_id"] == report["run_id"]
    ] == [(EXIT_GUARD, "refused", "drift")]
    accepted = run_pipeline(replace(config, canary=CanaryConfig(accept=True)))
    assert (accepted.exit_code, accepted.report.canary["status"]) == (0, "accepted")
    assert data_hashes(config.processed_dir) != before


@pytest.mark.parametrize(("share", "status"), [(0.04, "ok"), (0.06, "drift")])
def test_a_new_unknown_label_on_more_than_the_share_of_pages_refuses_by_itself(
    catalog_site, catalog_pages, tmp_path, share, status
):
    site, server = catalog_site
    config = config_for(server, tmp_path, margin=0.5)  # coverage alone would never refuse
    run_pipeline(config)
    show_generation(site, catalog_pages, deploy(share))
    try:
        verdict = run_pipeline(config).report.canary
    except DriftDetected:
        verdict = json.loads((config.processed_dir / "last_run_report.json").read_text())["canary"]
    assert verdict["status"] == status
    assert not any(f["drifted"] for f in verdict["fields"])
    [unknown] = [u for u in verdict["unknowns"] if u["text"] == NEW_LABEL]
    assert unknown["drifted"] == (status == "drift")


def test_only_pages_parsed_in_this_run_are_compared(catalog_site, catalog_pages, tmp_path):
    # No deploy: only the 3 renamed pages change. Among them the label dropped 100 points, a
    # signal the 50 carried-over pages would have diluted to 5.7 points.
    site, server = catalog_site
    config = config_for(server, tmp_path, min_pages=3)
    run_pipeline(config)
    show_generation(site, catalog_pages, deploy(0.06, everywhere=False))
    with pytest.raises(DriftDetected):
        run_pipeline(config)
    verdict = json.loads((config.processed_dir / "last_run_report.json").read_text())["canary"]
    assert (verdict["pages_parsed"], verdict["pages_compared"]) == (3, 3)
    assert (
        lead_institution(verdict, "label")["before"],
        lead_institution(verdict, "label")["after"],
    ) == (1.0, 0.0)


def test_too_few_parsed_pages_are_reported_not_judged(catalog_site, catalog_pages, tmp_path):
    site, server = catalog_site
    config = config_for(server, tmp_path)  # the default judges from 40 pages
    run_pipeline(config)
    show_generation(site, catalog_pages, deploy(0.06, everywhere=False))
    outcome = run_pipeline(config)
    assert outcome.exit_code == 0
    assert outcome.report.canary["status"] == "not_judged"
    assert (
        outcome.report.canary["reason"] == "3 pages parsed in this run; the canary judges from 40"
    )
