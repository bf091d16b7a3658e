"""The markup fuzzer: the content of every fixture spec rendered into random page structures,
each page with its expected record taken from the hand-written expected JSON, never from the
parser. ``python -m fuzz.run`` (``make fuzz``) measures fidelity over thousands of seeds and
writes FIDELITY.md; ``tests/test_fuzz_layouts.py`` runs a fixed seed range in ``make test``."""
