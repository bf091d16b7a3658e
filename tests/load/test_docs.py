"""docs/DATA.md is generated from the schema module; it must not drift from it."""

from __future__ import annotations

import re

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
    # The separator is shown as code wherever it is named: in prose, and in a table cell with
    # its bar escaped (an unescaped one would split the cell).
    assert re.findall(r"joined with (`[^`]*`)", text) == ["` | `", "` \\| `"]
    assert "` | ` (space, bar, space)" in text
    assert "| `pending_irm_review` |" in text and "| `unrecognized` |" in text
    assert "scale: `Low` < `High`" in text
    assert "processed/current" in text
