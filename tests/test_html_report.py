"""processed/run_report.html: one self-contained page per run, published or not, read with an
HTML parser and checked against the JSON report it was rendered from."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from demosite.faults import Status
from demosite.generations import Generation, NewBuild, RenameLabel, show_generation
from pipeline.config import Config, TransformConfig
from pipeline.errors import DriftDetected
from pipeline.htmlreport import SECTIONS
from pipeline.refresh import run_pipeline
from tests.loopback import fast_config


class Page(HTMLParser):
    """What the checks need from the page: sections in order, every cell carrying a JSON path,
    every tag and attribute, the spark lines of each coverage row."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.cells: list[tuple[str, str, str]] = []  # (data-json, data-value, text)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.style = ""
        self.spark_points: list[int] = []
        self._cell: list[str] | None = None
        self._cell_attrs: dict[str, str] = {}
        self._in_style = False
        self.html = html
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        self.attributes += list(attributes.items())
        if tag == "section":
            self.sections.append(attributes["id"])
        if "data-json" in attributes:
            self._cell, self._cell_attrs = [], attributes
        if tag == "a":
            self.links.append(attributes["href"])
        if tag == "svg" and attributes.get("class") == "spark":
            self.spark_points.append(0)
        if tag == "circle":
            self.spark_points[-1] += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            attrs = self._cell_attrs
            self.cells.append((attrs["data-json"], attrs["data-value"], "".join(self._cell)))
            self._cell = None
        self._in_style = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_style:
            self.style += data

    def text(self) -> str:
        return " ".join(text for _, _, text in self.cells)


def lookup(report: dict, path: str) -> object:
    value: object = report
    for part in path.split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]  # type: ignore[index]
    return value


def config_for(server, tmp_path: Path, reference: Path) -> Config:
    return replace(
        fast_config(server.base_url, tmp_path / "raw"),
        processed_dir=tmp_path / "processed",
        transform=TransformConfig(workers=1),
        reference=reference,
    )


def read(processed: Path) -> tuple[Page, dict]:
    html = (processed / "run_report.html").read_text(encoding="utf-8")
    report = json.loads((processed / "last_run_report.json").read_text(encoding="utf-8"))
    return Page(html), report


def check_against_json(page: Page, report: dict) -> None:
    assert page.sections == list(SECTIONS)
    for path, value, text in page.cells:
        assert json.loads(value) == lookup(report, path), path
        shown = json.loads(value)
        if isinstance(shown, int) and not isinstance(shown, bool) and path != "failures":
            assert text == str(shown), path
    # Self-contained: nothing to fetch when opened from disk.
    assert not page.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert not [name for name, _ in page.attributes if name in ("src", "srcset", "style")]
    assert "url(" not in page.style and "@import" not in page.style


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [["Commitment Unique Identifier", "Country/Locality"], ["ZZ0001", "Nowhere"]]
        )
    return path


def test_the_page_of_a_published_run_matches_its_json_report(
    catalog_site, catalog_pages, tmp_path, sheet
):
    site, server = catalog_site
    config = config_for(server, tmp_path, sheet)
    run_pipeline(config)
    failing = site.url_of("GH0003")
    server.faults.push(failing.removeprefix(server.base_url), *[Status(403)] * 3)
    rename = RenameLabel("Lead Institution", "Responsible Agency", 0.04)
    show_generation(site, catalog_pages, Generation(1, (NewBuild("2"), rename)))
    outcome = run_pipeline(config)
    assert outcome.exit_code == 3
    page, report = read(config.processed_dir)
    check_against_json(page, report)
    assert len(page.cells) > 50  # the check above looked at the whole page
    paths = {path for path, _, _ in page.cells}
    assert {"stages/extract/fetched", "stages/transform/pages_parsed", "durations_s/load",
            "canary/status", "reconciliation/counts/not_scraped", "changes/counts/added",
            "failures", "exit_code"} <= paths  # fmt: skip
    assert failing in page.links
    coverage = report["stages"]["coverage"]
    assert {p for p in paths if p.startswith("stages/coverage/")} == {
        f"stages/coverage/{name}" for name in coverage
    }
    assert page.spark_points == [2] * len(coverage)  # the first publish and this run
    assert "This run published: the tables in processed/ are from it." in page.html


def test_the_page_of_a_refused_run_says_whose_tables_processed_holds(
    catalog_site, catalog_pages, tmp_path, sheet
):
    site, server = catalog_site
    config = config_for(server, tmp_path, sheet)
    published = run_pipeline(config)
    rename = RenameLabel("Lead Institution", "Responsible Agency", 0.06)
    show_generation(site, catalog_pages, Generation(1, (NewBuild("2"), rename)))
    with pytest.raises(DriftDetected):
        run_pipeline(config)
    page, report = read(config.processed_dir)
    check_against_json(page, report)
    assert (report["refused_by"], report["processed"]) == (
        "drift", {"published": False, "data_from_run": published.run_id},
    )  # fmt: skip
    assert (
        f"This run published nothing: the tables in processed/ are from run {published.run_id}."
        in page.html
    )
    assert "lead_institution" in page.html and "drift canary" in page.html
