"""Where each option's value comes from: the command line, else the environment
(``OGP_PIPELINE_<NAME>``), else the TOML file named by ``--config`` (or
``OGP_PIPELINE_CONFIG``), else the default. The first that sets a value wins.

Values from the environment and the file are checked as strictly as the command line's: a
wrong type or an unknown file key is a usage error naming where it came from. The environment
and one config file serve every subcommand, so a key meant for another subcommand is ignored;
an ``OGP_PIPELINE_`` variable no subcommand knows is reported as a warning (likely a typo).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.cli.spec import BY_KEY, ENV_PREFIX, LIST, NOT_OPTIONS, SWITCH, Option, options_for
from pipeline.errors import ConfigError

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
COMMAND_LINE, ENVIRONMENT, CONFIG_FILE, DEFAULT = "command line", "environment", "file", "default"


@dataclass
class Settings:
    """The resolved value of every option of one subcommand, and where each came from."""

    command: str
    values: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # key -> COMMAND_LINE, ...
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> object:
        return self.values[key]

    def get(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)


def resolve(command: str, given: Mapping[str, object], environ: Mapping[str, str]) -> Settings:
    """Resolve every option of ``command``. ``given`` holds only what the command line set
    (the parser's defaults are suppressed), by option key."""
    settings = Settings(command)
    settings.warnings += _unknown_variables(environ)
    config_path = _pick(BY_KEY["config"], given, environ, _File({}, Path()), settings)
    from_file = (
        _File(_read_config_file(config_path), config_path.parent)
        if isinstance(config_path, Path)
        else _File({}, Path())
    )
    for option in options_for(command):
        if option.key != "config":
            _pick(option, given, environ, from_file, settings)
    return settings


@dataclass(frozen=True)
class _File:
    data: Mapping[str, object]
    folder: Path  # relative paths in the file are relative to the file, not to the cwd


def _pick(
    option: Option,
    given: Mapping[str, object],
    environ: Mapping[str, str],
    from_file: _File,
    settings: Settings,
) -> object:
    if option.key in given:
        value, source = given[option.key], COMMAND_LINE
        if option.kind == LIST and isinstance(value, list):
            value = tuple(value)
    elif environ.get(option.env, "") != "":
        value, source = _from_text(option, environ[option.env]), f"{ENVIRONMENT} {option.env}"
    elif option.key in from_file.data:
        value = _from_toml(option, from_file.data[option.key])
        if isinstance(value, Path):
            value = from_file.folder / value  # an absolute path stays as it is
        source = f"{CONFIG_FILE} {option.key}"
    else:
        value, source = option.default, DEFAULT
    settings.values[option.key], settings.sources[option.key] = value, source
    return value


def _unknown_variables(environ: Mapping[str, str]) -> list[str]:
    known = {option.env for option in BY_KEY.values()} | NOT_OPTIONS
    unknown = [
        name for name in sorted(environ) if name.startswith(ENV_PREFIX) and name not in known
    ]
    return [
        f"ignoring {name}: no option is called "
        f"--{name.removeprefix(ENV_PREFIX).lower().replace('_', '-')}"
        for name in unknown
    ]


def _read_config_file(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    unknown = sorted(key for key in data if key not in BY_KEY or key == "config")
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown keys {unknown}; keys are long option names with _ "
            "for - (base_url, raw_dir, ...), see --help"
        )
    return data


def _from_text(option: Option, text: str) -> object:
    """An environment variable's text as the option's value."""
    where = f"{option.env}={text!r}"
    if option.kind == SWITCH:
        lowered = text.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        if option.default is None and lowered == "auto":
            return None
        raise ConfigError(f"{where}: expected one of {', '.join(_TRUE + _FALSE)}")
    if option.kind == LIST:
        return tuple(_converted(option, part, where) for part in text.split())
    return _converted(option, text.strip(), where)


def _from_toml(option: Option, value: object) -> object:
    """A config file value as the option's value: TOML types must match the option's."""
    where = f"config key {option.key} = {value!r}"
    if option.kind == SWITCH:
        if isinstance(value, bool) or (option.default is None and value == "auto"):
            return None if value == "auto" else value
        raise ConfigError(f"{where}: expected true or false")
    if option.kind == LIST:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ConfigError(f"{where}: expected a string or a list of strings")
        return tuple(_converted(option, item, where) for item in items)
    if option.convert in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number")
        if option.convert is int and not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number")
        return option.convert(str(value))
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string")
    return _converted(option, value, where)


def _converted(option: Option, text: str, where: str) -> object:
    try:
        value = option.convert(text)
    except ValueError:
        kind = "a whole number" if option.convert is int else "a number"
        raise ConfigError(f"{where}: expected {kind}") from None
    if option.choices is not None and value not in option.choices:
        raise ConfigError(f"{where}: expected one of {', '.join(option.choices)}")
    return value
