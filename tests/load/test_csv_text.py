"""The CSV's neutralisation of spreadsheet formulas: reversible, undone exactly by the
expression docs/DATA.md gives, and leaving no cell a spreadsheet would run."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.load.csvfile import escape_text, unescape_text
from tests.paths import ROOT

# Text rich in the characters the rule is about, as well as any other.
TEXT = st.text(
    st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "\n", " ", "1", "a"])
    | st.characters(exclude_categories=["Cs"]),
    max_size=8,
)
FORMULA = re.compile(r"[=+@\t\r]|-[^ 0-9]")  # what a spreadsheet runs, at a cell's start


def documented_expression() -> re.Pattern[str]:
    """The expression docs/DATA.md tells readers to undo the escape with."""
    text = (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8")
    found = re.search(r"matches the regular expression `([^`]+)`", text.replace("\n  ", " "))
    assert found is not None, "docs/DATA.md no longer states the expression"
    return re.compile(found[1])


@given(st.lists(TEXT | st.none(), max_size=20))
def test_escaping_is_undone_exactly_and_leaves_no_formula(values: list[str | None]) -> None:
    escaped = escape_text(pa.array(values, pa.string())).to_pylist()
    assert unescape_text(pa.array(escaped, pa.string())).to_pylist() == values
    documented = documented_expression()
    for value, cell in zip(values, escaped, strict=True):
        if value is None:
            assert cell is None
            continue
        assert cell in (value, "'" + value)
        assert not FORMULA.match(cell), cell
        assert (cell[1:] if documented.match(cell) else cell) == value


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-cmd", "'-cmd"),
        ("-\n", "'-\n"),
        ("'=1", "''=1"),  # already quoted: one more, so that the rule can be undone
        ("''-x", "'''-x"),
        ("-1", "-1"),  # a negative number, not a formula
        ("- item", "- item"),
        ("-", "-"),
        ("'quoted'", "'quoted'"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_examples(text: str, cell: str) -> None:
    assert escape_text(pa.array([text])).to_pylist() == [cell]
