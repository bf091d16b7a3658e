"""The README's promises about commands: the make targets it names exist, and it starts with
the two commands that matter on a fresh machine."""

from __future__ import annotations

import re

from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_make_target_named_in_the_readme_exists():
    named = set(re.findall(r"\bmake ([a-z][a-z-]*)", README))
    defined = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.MULTILINE))
    assert {"demo", "test", "refresh", "check", "bench"} <= named
    assert named <= defined, f"README names missing targets: {sorted(named - defined)}"


def test_the_readme_starts_with_make_demo_and_make_test():
    first_block = README.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


def _recipe(target: str) -> str:
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)*)", MAKEFILE, flags=re.MULTILINE)
    assert match is not None, f"no make target {target}"
    return match.group(0)


def test_ci_runs_what_make_check_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line and not line.startswith("#")]
    assert commands[-1] == "make check" and "set -euo pipefail" in commands
    assert _recipe("check").split("\n")[0] == "check: lint typecheck test"
    lint, typecheck = _recipe("lint"), _recipe("typecheck")
    assert "ruff format --check" in lint and "ruff check" in lint
    assert "mypy pipeline" in typecheck
    assert re.search(r"^\[tool\.mypy\]\n(?:.*\n)*?strict = true", PYPROJECT, flags=re.MULTILINE)


def test_every_cli_exit_code_is_documented():
    from pipeline import exit_codes

    codes = {value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")}
    table = set(int(c) for c in re.findall(r"^\| (\d+) \|", README, flags=re.MULTILINE))
    assert codes <= table, f"undocumented exit codes: {sorted(codes - table)}"


def test_every_path_the_readme_names_exists():
    named = set(re.findall(r"`((?:pipeline|demosite|tests|bench|docs)/[\w./-]*)`", README))
    assert len(named) > 15
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"the README names paths that do not exist: {missing}"


def test_where_things_are_names_the_modules_of_each_package():
    tree = README.split("## Where things are", 1)[1].split("```")[1]
    for package in ("extract", "extract/discovery", "raw", "transform", "load", "cli"):
        for module in sorted((ROOT / "pipeline" / package).glob("*.py")):
            if module.name != "__init__.py":
                assert module.name in tree, f"pipeline/{package}/{module.name} is not listed"
