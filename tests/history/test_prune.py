"""``prune`` removes exactly the bodies nothing needs: on a site redeployed twice (every page a
new body, no value changed) with no old run folder kept, the middle bodies go, the first ones
(the history's versions were parsed from them) and the current ones stay, ``--dry-run``
removes nothing, and ``rebuild-history`` still reproduces both tables."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from demosite.generations import Generation, NewBuild, show_generation
from demosite.sample import sample_pages
from pipeline.cli import main
from pipeline.config import LoadConfig, TransformConfig
from pipeline.raw import RawStore
from pipeline.refresh import run_pipeline
from tests.loopback import demo_site, fast_config

pytestmark = pytest.mark.slow


def bodies(raw: Path) -> set[str]:
    return {p.name.removesuffix(".zst") for p in (raw / "bodies").glob("??/*.zst")}


def test_prune_removes_the_bodies_no_publish_or_version_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = sample_pages(4, member_count=2)
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    nights = [Generation(0), Generation(1, (NewBuild("1"),)), Generation(2, (NewBuild("2"),))]
    runs = []
    with demo_site(base) as demo:
        config = replace(
            fast_config(demo.url, raw),
            processed_dir=processed,
            transform=TransformConfig(workers=1),
            load=LoadConfig(keep_runs=0),  # only the current run folder stays
        )
        for generation in nights:
            show_generation(demo.site, base, generation)
            outcome = run_pipeline(config)
            assert outcome.exit_code == 0
            runs.append(outcome.run_id)
    with RawStore(raw) as store:  # each night's page bodies, as the site served them
        log = store.db.fetch_log()
    first, middle, last = ({e.sha256 for e in log if e.run_id == run} for run in runs)
    assert len(first | middle | last) == 12 and (first | middle | last) <= bodies(raw)
    args = ["--raw-dir", str(raw), "--processed-dir", str(processed)]

    before = bodies(raw)
    assert main(["prune", "--dry-run", *args]) == 0
    said = capsys.readouterr()
    assert "would remove 4 (" in said.out + said.err  # the four pages' middle bodies
    assert bodies(raw) == before

    assert main(["prune", *args]) == 0
    after = bodies(raw)
    assert middle.isdisjoint(after)  # made no version; no kept run folder has them
    assert first <= after  # each history version was first parsed from these
    assert last <= after  # the pages' latest bodies
    assert main(["prune", *args]) == 0 and bodies(raw) == after  # nothing more to remove

    out = tmp_path / "rebuilt"
    assert main(["rebuild-history", *args, "--output", str(out), "--workers", "1"]) == 0
    for name in ("commitment_changes.parquet", "commitment_history.parquet"):
        assert (out / name).read_bytes() == (processed / name).read_bytes(), name

    # Without --output: a new publish of the same tables, recorded like any run.
    before = {p.name: p.read_bytes() for p in (processed / "current").glob("*.parquet")}
    assert main(["rebuild-history", *args, "--workers", "1"]) == 0
    after = {p.name: p.read_bytes() for p in (processed / "current").glob("*.parquet")}
    assert after == before and (processed / "current").resolve().name not in runs
    assert main(["diff", "--processed-dir", str(processed)]) == 0
    assert ": nothing" in capsys.readouterr().out


def test_prune_needs_a_publish_to_know_what_is_needed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "bodies").mkdir(parents=True)
    code = main(["prune", "--raw-dir", str(raw), "--processed-dir", str(tmp_path / "none")])
    assert code == 2
