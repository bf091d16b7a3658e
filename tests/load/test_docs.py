"""docs/DATA.md is generated from the schema module; it must not drift from it."""

from __future__ import annotations

from pipeline.load import render_data_dictionary
from pipeline.load.field_metadata import description
from pipeline.schema import ALL_TABLES
from tests.paths import ROOT

DATA_MD = ROOT / "docs" / "DATA.md"


def test_committed_data_dictionary_is_up_to_date() -> None:
    assert DATA_MD.read_text(encoding="utf-8") == render_data_dictionary(), (
        "docs/DATA.md is stale; regenerate it with: "
        "python -m pipeline data-dictionary > docs/DATA.md"
    )


def test_data_dictionary_names_every_table_and_column() -> None:
    text = render_data_dictionary()
    for spec in ALL_TABLES:
        assert f"### `{spec.name}`" in text
        for field in spec.schema:
            assert f"| `{field.name}` |" in text
            assert description(field).replace("|", "\\|") in text


def test_data_dictionary_states_the_csv_conventions_and_vocabularies() -> None:
    text = render_data_dictionary()
    assert "cell is a JSON array of strings" in text
    assert '| `list<string>` | `list[str]` | a JSON array: `["a", "b"]` |' in text
    # The formula rule and the expression that undoes it, as the code applies them.
    assert "starting with `=`, `+`, `@`, a tab or a carriage return" in text
    assert "`^'+([=+@\\t\\r]|-[^ 0-9])`" in text
    assert "| `pending_irm_review` |" in text and "| `unrecognized` |" in text
    assert "scale: `Low` < `High`" in text
    assert "| `completion_rank` | `int8` | no |" in text
    assert "1 = `No Evidence Available`, 2 = `Not Started`" in text
    assert "processed/current" in text
