"""examples/research_questions.py runs as a script on a real publish and answers its three
questions with the numbers the tables hold (checked here with pyarrow, independently)."""

from __future__ import annotations

import subprocess
import sys

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.conftest import DemoPublish
from tests.paths import ROOT

pytestmark = pytest.mark.slow


def test_the_notebook_runs_and_its_answers_match_the_tables(demo_publish: DemoPublish) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "research_questions.py"),
            str(demo_publish.processed),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    commitments = pq.read_table(demo_publish.processed / "commitments.parquet")
    mongolia = commitments.filter(
        pc.and_(
            pc.equal(commitments["member_slug"], "mongolia"), pc.is_valid(commitments["starred"])
        )
    )
    starred = pc.sum(mongolia["starred"].cast("int8")).as_py()
    line = next(row for row in out.splitlines() if row.startswith("mongolia"))
    assert line.split()[:3] == ["mongolia", str(mongolia.num_rows), str(starred)] and starred > 0
    changes = pq.read_table(demo_publish.processed / "commitment_changes.parquet")
    assert f"{changes.num_rows} change rows" in out  # the first publish: within the month
    assert "2. Completion by policy area" in out and "Anti-Corruption Institutions" in out
