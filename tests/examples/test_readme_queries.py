"""The example queries of the README's "Reading the outputs" run as printed, against a real
publish: every pandas line and every DuckDB statement."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import DemoPublish
from tests.paths import ROOT

pytestmark = pytest.mark.slow
SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Reading the outputs")[1]
SECTION = SECTION.split("\n## ")[0]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", SECTION, flags=re.DOTALL)


@pytest.fixture
def in_a_folder_with_processed(demo_publish: DemoPublish, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "processed").symlink_to(demo_publish.processed)
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.mark.usefixtures("in_a_folder_with_processed")
def test_the_pandas_example_runs() -> None:
    (code,) = blocks("python")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert "Mongolia" in out.getvalue() and "site" in out.getvalue()  # a change row's cause


@pytest.mark.usefixtures("in_a_folder_with_processed")
def test_every_duckdb_query_runs() -> None:
    (sql,) = blocks("sql")
    statements = [s for s in sql.split(";") if s.strip().replace("\n", "").strip("- ")]
    assert len(statements) == 3
    results = [duckdb.sql(statement).fetchall() for statement in statements]
    assert results[0] and results[2]  # members with commitments; institutions named
