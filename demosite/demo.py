"""``python -m demosite demo`` (``make demo``): serve the bundled demo site on 127.0.0.1 and
run the real ``refresh`` against it, then say what was published and where.

The demo site is the fixture pages (real pages of several members and template eras, in the
four markups) plus, for every commitment their member lists name but no fixture reproduces, a
generated page with the list's title, year and policy area, so that the crawl finds a complete
site as it would on opengovpartnership.org.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Sequence
from pathlib import Path

from demosite.catalog import demo_pages
from demosite.content import ListedCommitment, content_specs
from demosite.edge_cases import edge_case_pages
from demosite.members import Member
from demosite.pages import DemoPage
from demosite.render import MARKUPS, render
from demosite.server import serve_in_thread
from demosite.site import Site
from demosite.synthetic_content import Planned, build_content

DEFAULT_DIR = Path("demo-data")


def _template(year: int) -> str:
    # The site shows old plans in the old template in archived crawls, newer ones in T3.
    return "T1" if year < 2020 else "T3"


def listed_only_pages(shown: Sequence[DemoPage]) -> list[DemoPage]:
    """Pages for the commitments named in fixture member lists but not reproduced by one."""
    have = {(page.language, page.commitment_id) for page in shown}
    names = {page.member_slug: page.member_name for page in shown}
    pages: list[DemoPage] = []
    for content in content_specs():
        if content.member_list is None or "synthetic" in content.variant:
            continue
        slug = content.member_slug
        prefix = content.commitment_id.rstrip("0123456789")
        member = Member(
            names.get(slug, slug.title()),
            slug,
            prefix,
            local=len(prefix) > 2,
            country=names.get(slug, slug.title()),
        )
        for item in content.member_list.items:
            if (content.language, item.commitment_id) in have:
                continue
            have.add((content.language, item.commitment_id))
            pages.append(_listed_page(member, item, content.member_list, len(pages)))
    return pages


def _listed_page(member: Member, item: ListedCommitment, listing: object, index: int) -> DemoPage:
    planned = Planned(
        commitment_id=item.commitment_id,
        title=item.title,
        year=item.year,
        plan_years=(item.year, item.year + 2),
        areas=(item.policy_area,),
        starred=item.starred,
        template=_template(item.year),
        language="en",
        markup=MARKUPS[index % len(MARKUPS)],
    )
    content = build_content(member, planned, listing, random.Random(item.commitment_id))  # type: ignore[arg-type]
    return DemoPage(
        member_slug=member.slug,
        member_name=member.name,
        commitment_id=item.commitment_id,
        title=item.title,
        html=render(content, planned.markup, chrome="light"),
        cycle_year=item.year,
        policy_area=item.policy_area,
        starred=item.starred,
    )


def demo_site_pages() -> list[DemoPage]:
    """The reproduced pages, the pages their member lists name, and the edge-case page."""
    shown = demo_pages()
    return shown + listed_only_pages(shown) + edge_case_pages()


def _summary(processed: Path) -> str:
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    lines = ["", "Published tables (Parquet and CSV):"]
    rows = {r["path"].removesuffix(".csv"): r.get("rows") for r in package["resources"]}
    for resource in package["resources"]:
        if resource["path"].endswith(".parquet"):
            count = rows.get(resource["path"].removesuffix(".parquet"))
            lines.append(f"  {processed / resource['path']}  {count} rows")
    lines += [
        f"  {processed / 'datapackage.json'}  (schemas, keys, sizes, sha256, licences)",
        f"  {processed / 'runs.parquet'}  (every run, published or not)",
        f"  {processed / 'run_report.json'}  (what the run did; unknown labels and values)",
        "",
        "Try:",
        f'  .venv/bin/python -c "import pandas as pd; print(pd.read_parquet('
        f"'{processed / 'commitments.parquet'}')[['commitment_id','member_name','template',"
        f"'completion']].head(12))\"",
        "Run `make demo` again: the second refresh sends conditional requests, downloads no "
        "page body and re-parses nothing.",
    ]
    return "\n".join(lines)


def run_demo(args: argparse.Namespace) -> int:
    from pipeline.cli import main as pipeline_main

    work: Path = args.dir
    if args.fresh and work.exists():
        shutil.rmtree(work)
    site = Site(demo_site_pages())
    with serve_in_thread(site) as server:
        members = len({page.member_slug for page in site.pages()})
        print(
            f"demo site: {server.base_url}/ serving {len(site.pages())} commitment pages of "
            f"{members} members (robots.txt, member listing, member pages)",
            flush=True,
        )
        code = pipeline_main(
            [
                "refresh",
                "--base-url",
                server.base_url,
                "--raw-dir",
                str(work / "raw"),
                "--processed-dir",
                str(work / "processed"),
                # Our own server on loopback: no politeness delay is needed.
                "--delay",
                "0",
                "--concurrency",
                "4",
                *args.refresh_args,
            ]
        )
    if (work / "processed" / "datapackage.json").exists():
        print(_summary(work / "processed"))
    if (work / "processed" / "run_report.html").exists():
        print(f"\nRun report, to open in a browser: {work / 'processed' / 'run_report.html'}")
    print(f"\nrefresh exit code: {code}")
    return code


def add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="serve the demo site and run the whole pipeline on it")
    demo.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="raw/ and processed/ go here")
    demo.add_argument("--fresh", action="store_true", help="start from an empty folder")
    demo.add_argument("refresh_args", nargs="*", help="extra options for refresh (after --)")
    demo.set_defaults(handler=run_demo)
