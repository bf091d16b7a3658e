"""Options like other tools': every option from the command line, the environment
(OGP_PIPELINE_<NAME>) or a TOML --config file, in that order of precedence, then the default;
--help shows each option's help, default and variable; logging options before or after the
subcommand; options that do nothing for a subcommand are not offered there."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_config, build_parser, main
from pipeline.cli.settings import resolve
from pipeline.cli.spec import COMMANDS, OPTIONS, options_for
from pipeline.config import FetchConfig
from pipeline.errors import ConfigError
from pipeline.exit_codes import EXIT_USAGE


def settings_of(argv: list[str], environ: dict[str, str] | None = None):
    args = vars(build_parser().parse_args(argv))
    command = args.pop("command")
    args.pop("paths", None)
    return resolve(command, args, environ or {})


def write_config(folder: Path, text: str) -> Path:
    path = folder / "ogp.toml"
    path.write_text(text, encoding="utf-8")
    return path


# (option key, command-line words, environment value, config-file TOML value, resolved values
# for: command line, environment, file, default)
LAYERS = [
    ("delay", ["--delay", "3"], "2", "1.5", (3.0, 2.0, 1.5, FetchConfig.delay_s)),
    ("sitemaps", ["--no-sitemaps"], "yes", "false", (False, True, False, True)),
    ("start_url", ["--start-url", "/a/", "--start-url", "/b/"], "/c/ /d/", '["/e/"]',
     (("/a/", "/b/"), ("/c/", "/d/"), ("/e/",), ())),
    ("log_level", ["-v"], "error", '"warning"', ("DEBUG", "ERROR", "WARNING", "INFO")),
    ("concurrency", ["--concurrency", "7"], "5", "3", (7, 5, 3, FetchConfig.concurrency)),
]  # fmt: skip


@pytest.mark.parametrize(("key", "cli", "env", "toml", "expected"), LAYERS)
def test_command_line_beats_environment_beats_config_file_beats_default(
    key, cli, env, toml, expected, tmp_path
):
    config = write_config(tmp_path, f"{key} = {toml}\n")
    variable = {"OGP_PIPELINE_" + key.upper(): env}
    everything = settings_of(["refresh", "--config", str(config), *cli], variable)
    no_cli = settings_of(["refresh", "--config", str(config)], variable)
    file_only = settings_of(["refresh", "--config", str(config)])
    nothing = settings_of(["refresh"])
    assert [s[key] for s in (everything, no_cli, file_only, nothing)] == list(expected)
    assert [s.sources[key].split()[0] for s in (everything, no_cli, file_only, nothing)] == [
        "command", "environment", "file", "default"
    ]  # fmt: skip


def test_the_config_file_itself_can_come_from_the_environment(tmp_path):
    config = write_config(tmp_path, 'only = "mongolia"\n')
    settings = settings_of(["refresh"], {"OGP_PIPELINE_CONFIG": str(config)})
    assert settings["only"] == "mongolia"


def test_relative_paths_in_the_config_file_are_relative_to_the_file(tmp_path):
    config = write_config(tmp_path, 'raw_dir = "data/raw"\nprocessed_dir = "/abs/processed"\n')
    settings = settings_of(["transform", "--config", str(config)])
    assert settings["raw_dir"] == tmp_path / "data" / "raw"
    assert settings["processed_dir"] == Path("/abs/processed")


def test_resolved_settings_become_the_config_every_stage_gets(tmp_path):
    config = write_config(tmp_path, "workers = 3\naccept_drift = true\ndrift_margin = 0.2\n")
    built = build_config(settings_of(["refresh", "--config", str(config), "--no-probe"]).values)
    assert (built.transform.workers, built.canary.accept, built.canary.margin) == (3, True, 0.2)
    assert (built.fetch.probe_ids, built.fetch.use_sitemaps) == (False, True)


@pytest.mark.parametrize(
    ("environ", "toml", "complaint"),
    [
        ({"OGP_PIPELINE_CONCURRENCY": "many"}, "", "CONCURRENCY='many': expected a whole number"),
        ({"OGP_PIPELINE_FULL": "maybe"}, "", "OGP_PIPELINE_FULL='maybe': expected one of 1, true"),
        ({"OGP_PIPELINE_LANGUAGE": "de"}, "", "expected one of en, es, fr"),
        ({}, "concurrency = \"2\"\n", "config key concurrency = '2': expected a number"),
        ({}, "max_pages = 2.5\n", "expected a whole number"),
        ({}, "full = 1\n", "config key full = 1: expected true or false"),
        ({}, "base-url = \"http://x\"\n", "unknown keys ['base-url']"),
        ({}, "delay = \n", "is not valid TOML"),
    ],
)  # fmt: skip
def test_a_wrong_value_from_the_environment_or_the_file_is_a_usage_error_naming_it(
    environ, toml, complaint, tmp_path
):
    argv = ["refresh"]
    if toml:
        argv += ["--config", str(write_config(tmp_path, toml))]
    with pytest.raises(ConfigError, match=re.escape(complaint)):
        settings_of(argv, environ)


def test_keys_for_other_subcommands_are_ignored_and_unknown_variables_warned_about(tmp_path):
    config = write_config(tmp_path, 'base_url = "http://127.0.0.1:9"\nworkers = 2\n')
    settings = settings_of(
        ["transform", "--config", str(config)],
        {"OGP_PIPELINE_DELAY": "4", "OGP_PIPELINE_WORKRES": "2"},
    )
    assert "base_url" not in settings.values and "delay" not in settings.values
    assert settings["workers"] == 2
    assert settings.warnings == ["ignoring OGP_PIPELINE_WORKRES: no option is called --workres"]


def test_the_cli_reports_a_bad_variable_once_with_the_usage_code(tmp_path, capsys):
    code = main(["refresh", "--raw-dir", str(tmp_path)], {"OGP_PIPELINE_DELAY": "soon"})
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert err.count("OGP_PIPELINE_DELAY='soon': expected a number") == 1
    assert not any(tmp_path.iterdir())  # refused before anything was touched


@pytest.mark.parametrize(
    "argv",
    [
        ["-v", "--log-format", "json", "data-dictionary"],
        ["data-dictionary", "-v", "--log-format", "json"],
        ["--log-format", "text", "data-dictionary", "--log-format", "json", "--verbose"],
    ],
)
def test_logging_options_work_before_or_after_the_subcommand(argv):
    settings = settings_of(argv)
    assert (settings["log_level"], settings["log_format"]) == ("DEBUG", "json")


def test_every_option_is_offered_exactly_where_it_does_something():
    offered = {}
    for command in COMMANDS:
        parser = build_parser()
        help_text = _subcommand_help(parser, command)
        offered[command] = {flag[2:] for flag in option_entries(help_text)}
    assert "workers" not in offered["extract"]  # extract does not parse
    assert "processed-dir" not in offered["extract"]
    assert {"base-url", "delay", "only"}.isdisjoint(offered["transform"])  # no network
    assert {"raw-dir", "workers", "base-url"}.isdisjoint(offered["parse"])
    for command in COMMANDS:
        for word in ("log-level", "log-format", "log-file", "config", "verbose", "quiet"):
            assert word in offered[command], (command, word)
    for option in OPTIONS:
        for command in COMMANDS:
            assert (option.name in offered[command]) == (command in option.commands), (
                option.name, command,
            )  # fmt: skip


def _subcommand_help(parser, command: str) -> str:
    for action in parser._subparsers._group_actions:  # the subcommand table
        if command in action.choices:
            return action.choices[command].format_help()
    raise AssertionError(command)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_each_options_help_default_and_variable(command):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", command, "--help"],
        capture_output=True, text=True, check=False, env={"COLUMNS": "400"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    entries = option_entries(done.stdout)
    for option in options_for(command):
        entry = entries[f"--{option.name}"]
        assert " ".join(option.help.split()) in entry
        assert f"(default: {option.default_text()}; env {option.env})" in entry


def option_entries(help_text: str) -> dict[str, str]:
    """Each option's entry in --help output, by its first long flag, whitespace collapsed
    (argparse wraps long entries over several lines)."""
    entries: dict[str, list[str]] = {}
    current: list[str] = []
    for line in help_text.splitlines():
        if re.match(r"^  -", line):
            current = [line]
            flag = re.search(r"--[a-z][a-z-]*", line)
            if flag:
                entries.setdefault(flag.group(0), current)
        elif line.startswith("    ") and current:
            current.append(line)
        else:
            current = []
    return {flag: " ".join(" ".join(lines).split()) for flag, lines in entries.items()}


CONSOLE_SCRIPT = Path(sys.executable).parent / "ogp-pipeline"


def test_precedence_holds_in_a_real_process_of_the_installed_command(tmp_path):
    (tmp_path / "raw").mkdir()  # an empty raw store: transform refuses the empty result, fast
    config = write_config(tmp_path, 'raw_dir = "raw"\nprocessed_dir = "from-file"\nworkers = 1\n')
    base_env = {"PATH": "/usr/bin:/bin", "OGP_PIPELINE_CONFIG": str(config)}

    def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CONSOLE_SCRIPT), "transform", *args], cwd=tmp_path, env={**base_env, **env},
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip

    def written() -> set[str]:
        return {p.name for p in tmp_path.iterdir() if (p / "last_run_report.json").exists()}

    assert run({}).returncode == 7
    assert written() == {"from-file"}
    env_dir = {"OGP_PIPELINE_PROCESSED_DIR": str(tmp_path / "from-env")}
    assert run(env_dir).returncode == 7
    assert written() == {"from-file", "from-env"}
    assert run(env_dir, "--processed-dir", str(tmp_path / "from-cli")).returncode == 7
    assert written() == {"from-file", "from-env", "from-cli"}
