"""The packaged word lists of ``pipeline/entities.toml``, loaded once; a missing key fails
loudly and names what it missed."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pipeline.errors import VocabularyError
from pipeline.vocab import fold


@dataclass(frozen=True)
class EntityWords:
    institution_words: frozenset[str]  # folded
    national_phrases: tuple[str, ...]  # folded
    local_phrases: tuple[str, ...]  # folded
    local_templates: frozenset[str]


@cache
def entity_words() -> EntityWords:
    text = resources.files("pipeline").joinpath("entities.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
        kinds = data["member_kind"]
        return EntityWords(
            frozenset(fold(word) for word in data["institutions"]["words"]),
            tuple(fold(phrase) for phrase in kinds["national"]),
            tuple(fold(phrase) for phrase in kinds["local"]),
            frozenset(kinds["local_templates"]),
        )
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise VocabularyError(f"packaged entities.toml: {exc!r}") from exc
