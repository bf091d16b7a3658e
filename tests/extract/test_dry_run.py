"""--dry-run: discover as a run would and report what it would fetch (pages per action, what
each discovery method found, new and no-longer-listed IDs), without requesting a commitment
page, writing raw/ or publishing. Against the demo site on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from pipeline.extract import run_extract
from tests.loopback import Demo, demo_site, fast_config


def tree_digest(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under the folder: content hash and modification time (ns). SQLite's -wal
    and -shm files are left out: any reader of a WAL database opens them (transform too)."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def commitment_requests(demo: Demo, start: int) -> list[tuple[str, str]]:
    """(method, path) of every request for a page the site has, after ``start``."""
    pages = {demo.path(p.commitment_id) for p in demo.site.pages()}
    return [(r.method, r.path) for r in demo.requests(start) if r.path in pages]


def dry_run(demo: Demo, raw: Path, **settings: object):
    return run_extract(fast_config(demo.url, raw, dry_run=True, **settings), "dry-run")


def test_before_any_run_every_page_is_new_and_nothing_is_written(tmp_path):
    with demo_site(sitemaps=True) as demo:
        mark = demo.mark()
        summary = dry_run(demo, tmp_path / "raw")
        ids = sorted(p.commitment_id for p in demo.site.pages())
        assert summary.plan is not None
        assert summary.plan["new"] == ids
        assert summary.plan["actions"] == {
            "download": len(ids), "revalidate": 0, "skip": 0, "recheck_gone": 0, "disallowed": 0,
        }  # fmt: skip
        assert summary.plan["found_by"] == {
            "raw_store": 0, "seed_file": 0, "sitemaps": len(ids), "links": len(ids), "probes": 0,
        }  # fmt: skip
        assert commitment_requests(demo, mark) == []  # no commitment page was asked for
        assert (summary.fetched, summary.bytes_downloaded > 0) == (0, True)  # listings only
        assert not (tmp_path / "raw").exists()


def test_after_a_run_it_plans_changes_without_touching_raw(tmp_path):
    raw = tmp_path / "raw"
    with demo_site(sitemaps=True) as demo:
        run_extract(fast_config(demo.url, raw), "run-1")
        ids = sorted(p.commitment_id for p in demo.site.pages())
        changed, removed = ids[0], ids[1]
        demo.site.change(changed)
        demo.site.remove(removed)
        added = replace(demo.site.pages()[2], commitment_id="MN0099", title="Added tonight")
        demo.site.add(added)
        before = tree_digest(raw)
        mark = demo.mark()
        plan = dry_run(demo, raw, crawl_links=False).plan  # sitemaps alone: the removed is unlisted
        assert commitment_requests(demo, mark) == []  # MN0099 is in the sitemap: no probe
        assert tree_digest(raw) == before  # raw/ untouched, not even the lock file
        assert all(wal.stat().st_size == 0 for wal in raw.glob("*-wal"))  # no write pending
        assert plan is not None
        assert plan["new"] == ["MN0099"]
        assert plan["no_longer_listed"] == [removed]
        assert plan["actions"] == {
            "download": 1, "revalidate": 2, "skip": len(ids) - 2, "recheck_gone": 0,
            "disallowed": 0,
        }  # fmt: skip  # the changed and the removed page are revalidated, the rest skipped


def test_refresh_dry_run_publishes_nothing_and_reports_the_plan_as_json(tmp_path):
    with demo_site(sitemaps=True) as demo:
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "refresh", "--dry-run", "--base-url", demo.url,
             "--raw-dir", str(tmp_path / "raw"), "--processed-dir", str(tmp_path / "processed"),
             "--delay", "0", "--log-format", "json"],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        summary = json.loads(done.stderr.splitlines()[-1])
        assert summary["event"] == "run_summary" and summary["exit_code"] == 0
        assert summary["dry_run"]["new"] == sorted(p.commitment_id for p in demo.site.pages())
        assert "a run would download 12" in summary["message"]
        assert not (tmp_path / "processed").exists() and not (tmp_path / "raw").exists()
