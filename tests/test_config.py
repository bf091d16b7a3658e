"""The frozen Config checks itself when built: the one place settings are validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import FetchConfig, LoadConfig, TransformConfig
from pipeline.errors import ConfigError
from pipeline.exit_codes import EXIT_USAGE


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"base_url": "ftp://127.0.0.1"}, "not an http"),
        ({"language": "de"}, "language 'de'"),
        ({"only_member": "not a slug"}, "not a member slug"),
        ({"concurrency": 0}, "concurrency must be at least 1"),
        ({"max_pages": 0}, "max_pages must be at least 1"),
        ({"delay_s": -1.0}, "delays cannot be negative"),
        ({"read_timeout_s": 0.0}, "timeouts must be positive"),
        ({"seed_file": Path("no/such/seed.txt")}, "seed file no/such/seed.txt does not exist"),
        ({"start_urls": ("http://127.0.0.2:8000/",)}, "is not on http://127.0.0.1:8000"),
    ],
)
def test_fetch_settings_no_run_can_use_are_refused_when_built(
    settings: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ConfigError, match=complaint):
        FetchConfig(**{"base_url": "http://127.0.0.1:8000", **settings})  # type: ignore[arg-type]


def test_transform_and_load_settings_check_themselves() -> None:
    with pytest.raises(ConfigError, match="workers must be at least 1"):
        TransformConfig(workers=0)
    with pytest.raises(ConfigError, match="between 0 and 1"):
        LoadConfig(max_shrink_ratio=1.5)


@pytest.mark.parametrize(
    ("option", "complaint"),
    [
        (["--concurrency", "0"], "concurrency must be at least 1"),
        (["--workers", "0"], "workers must be at least 1"),
        (["--max-shrink", "2"], "between 0 and 1"),
        (["--seed-file", "no/such/seed.txt"], "does not exist"),
    ],
)
def test_the_cli_turns_a_config_error_into_the_usage_exit_code(
    option: list[str], complaint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["refresh", "--raw-dir", str(tmp_path / "raw"), "--processed-dir", str(tmp_path / "p")]
    assert main([*args, *option]) == EXIT_USAGE
    assert complaint in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()  # refused before anything was touched
