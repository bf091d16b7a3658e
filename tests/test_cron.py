"""The README's cron line, run as cron runs it (/bin/sh, a bare environment), against the demo
site on 127.0.0.1: it mails nothing after a good night and mails the pipeline's real exit code
(not make's 2) with the summary after a refused one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from demosite.generations import Generation, NewBuild, RenameLabel, show_generation
from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
PROJECT_DIR = "/srv/ogp-pipeline"  # where the README's line says the project lives


def cron_command() -> str:
    """The command of the README's crontab line (after the five schedule fields)."""
    block = README.split("```cron\n", 1)[1].split("```", 1)[0]
    [line] = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    return line.split(None, 5)[5]


def install(tmp_path: Path, base_url: str) -> tuple[Path, Path]:
    """A project folder as the README describes it, and a fake `mail` that keeps what it
    is given. The folder's .venv is this test's virtual environment."""
    project = tmp_path / "project"
    project.mkdir()
    (project / ".venv").symlink_to(sys.prefix)
    (project / "ogp-pipeline.toml").write_text(
        f'base_url = "{base_url}"\ndelay = 0\nworkers = 1\nfrom = "data-team@example.org"\n',
        encoding="utf-8",
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mail = bin_dir / "mail"
    mail.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path}/mail-args\ncat > {tmp_path}/mail-body\n'
    )
    mail.chmod(0o755)
    return project, bin_dir


def run_cron(command: str, project: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", "-c", command.replace(PROJECT_DIR, str(project))],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(project), "SHELL": "/bin/sh"},
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_the_readme_cron_line_mails_the_real_exit_code(catalog_site, catalog_pages, tmp_path):
    site, server = catalog_site
    command = cron_command()
    assert ".venv/bin/ogp-pipeline refresh" in command and "make" not in command
    project, bin_dir = install(tmp_path, server.base_url)
    good = run_cron(command, project, bin_dir)
    assert good.returncode == 0, good.stderr
    assert not (tmp_path / "mail-args").exists()  # a good night sends no mail
    assert "(exit 0)" in next(project.glob("*.txt")).read_text()

    rename = RenameLabel("Lead Institution", "Responsible Agency", 0.5)
    show_generation(site, catalog_pages, Generation(1, (NewBuild("2"), rename)))
    refused = run_cron(command, project, bin_dir)
    assert refused.returncode == 0  # mail succeeded; what counts is what it was told
    args = (tmp_path / "mail-args").read_text().splitlines()
    assert args[:2] == ["-s", "ogp refresh exited 7"]  # the guard's code, not make's 2
    body = (tmp_path / "mail-body").read_text()
    assert body.count("error: drift canary") == 1  # the error, printed once
    assert re.search(r"refused by the drift guard \(exit 7\)", body)
    assert "run_report.html" in body
    log = (project / "refresh.log").read_text()  # the log records went to the log file
    assert "INFO pipeline.extract: robots.txt 200" in log
    assert log.count("ERROR pipeline: drift canary") == 1
