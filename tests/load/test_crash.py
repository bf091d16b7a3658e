"""A publish killed or starved of disk in a real subprocess leaves the previous publish intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.config import LoadConfig
from pipeline.load import publish
from tests.load.helpers import reader_view, sample_run, sample_tables
from tests.paths import ROOT

pytestmark = pytest.mark.slow

RUN_1, RUN_2, RUN_3 = "20250301T060000Z-0001", "20250302T060000Z-0002", "20250303T060000Z-0003"

# The child publishes tables saved by the test; limits, if any, are set before it starts work.
CHILD = """
import json, resource, signal, sys
from datetime import datetime
from pathlib import Path
import pyarrow.parquet as pq
from pipeline.config import LoadConfig
from pipeline.errors import DiskFull
from pipeline.load import publish
from pipeline.schema import DATA_TABLES

source, processed = Path(sys.argv[1]), Path(sys.argv[2])
run, file_limit = json.loads(sys.argv[3]), int(sys.argv[4])
for key in ("started_at", "finished_at"):
    run[key] = datetime.fromisoformat(run[key])
tables = {s.name: pq.read_table(source / f"{s.name}.parquet") for s in DATA_TABLES}
if file_limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
try:
    publish(tables, run, {}, LoadConfig(), processed)
except DiskFull as exc:
    print("DiskFull:", exc)
    sys.exit(0)
print("published")
"""


def start_child(
    source: Path, processed: Path, run_id: str, file_limit: int = 0
) -> subprocess.Popen[str]:
    run = json.dumps(sample_run(run_id), default=lambda value: value.isoformat())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", CHILD, str(source), str(processed), run, str(file_limit)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.fixture
def previous_publish(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """processed/ with one publish; returns the folder and what its readers see."""
    processed = tmp_path / "processed"
    publish(sample_tables(), sample_run(RUN_1), {}, LoadConfig(), processed)
    return processed, reader_view(processed)


@pytest.fixture
def big_tables(tmp_path: Path) -> Path:
    """Tables that take the child a good second to publish, saved as plain Parquet files."""
    source = tmp_path / "source"
    source.mkdir()
    for name, table in sample_tables(3000, 4).items():
        pq.write_table(table, source / f"{name}.parquet")
    return source


def wait_for(condition: Callable[[], bool], child: subprocess.Popen[str]) -> None:
    """Poll until condition() holds; fails if the child exits first (it was too quick to be
    interrupted, so the test would prove nothing)."""
    deadline = time.monotonic() + 60  # a safety net against hanging, not a timing assertion
    while not condition():
        if child.poll() is not None:
            pytest.fail(f"the publish ended before it could be interrupted: {child.communicate()}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("the publish never started writing its run folder")
        time.sleep(0.001)


@pytest.mark.parametrize("files_before_kill", [0, 5], ids=["on-folder", "mid-files"])
def test_kill_during_publish_leaves_previous_intact(
    previous_publish: tuple[Path, dict[str, str]], big_tables: Path, files_before_kill: int
) -> None:
    processed, before = previous_publish
    tmp_folder = processed / "runs" / f"{RUN_2}.tmp"
    child = start_child(big_tables, processed, RUN_2)
    wait_for(
        lambda: tmp_folder.is_dir() and len(list(tmp_folder.iterdir())) >= files_before_kill, child
    )
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert tmp_folder.exists()  # killed mid-way: the unfinished folder is still there
    assert reader_view(processed) == before
    assert (processed / "current").readlink() == Path("runs") / RUN_1
    assert not (processed / "runs" / RUN_2).exists()

    result = publish(sample_tables(25), sample_run(RUN_3), {}, LoadConfig(), processed)
    assert not tmp_folder.exists()
    assert result.previous_commitments == 20
    assert pq.read_table(processed / "commitments.parquet").num_rows == 25
    runs = pq.read_table(processed / "runs.parquet").column("run_id").to_pylist()
    assert runs == [RUN_1, RUN_3]  # the killed run never reached the ledger


def test_disk_full_raises_and_leaves_previous_intact(
    previous_publish: tuple[Path, dict[str, str]], big_tables: Path
) -> None:
    processed, before = previous_publish
    # Large enough for the lock file, far too small for the tables (megabytes).
    child = start_child(big_tables, processed, RUN_2, file_limit=64 * 1024)
    out, err = child.communicate()
    assert child.returncode == 0, err
    assert out.startswith("DiskFull:") and "File too large" in out
    assert reader_view(processed) == before
    assert sorted(p.name for p in (processed / "runs").iterdir()) == [RUN_1]
    assert len((processed / "runs.jsonl").read_text().splitlines()) == 1
