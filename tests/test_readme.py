"""The README's promises about commands: the make targets it names exist, and it starts with
the two commands that matter on a fresh machine."""

from __future__ import annotations

import re

from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_make_target_named_in_the_readme_exists():
    named = set(re.findall(r"\bmake ([a-z][a-z-]*)", README))
    defined = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.MULTILINE))
    assert {"demo", "test", "refresh", "check", "bench"} <= named
    assert named <= defined, f"README names missing targets: {sorted(named - defined)}"


def test_the_readme_starts_with_make_demo_and_make_test():
    first_block = README.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_cli_exit_code_is_documented():
    from pipeline import exit_codes

    codes = {value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")}
    table = set(int(c) for c in re.findall(r"^\| (\d+) \|", README, flags=re.MULTILINE))
    assert codes <= table, f"undocumented exit codes: {sorted(codes - table)}"
