"""The parser on generated layouts: a fixed, contiguous range of seeds, every one of which
must parse to its spec's hand-written expected record, field by field. A failure shows the
seed, the dimensions drawn and the smallest HTML that still fails (``make fuzz`` measures the
next 5,000 seeds and writes FIDELITY.md)."""

from __future__ import annotations

import pytest

from fuzz.check import explain, run_seed
from fuzz.run import TEST_SEEDS


@pytest.mark.parametrize("seed", TEST_SEEDS)
def test_generated_layout_parses_to_its_expected_record(seed: int) -> None:
    result = run_seed(seed)
    if result.failures:
        pytest.fail(explain(result), pytrace=False)
