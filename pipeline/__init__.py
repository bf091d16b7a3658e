"""Open Government Partnership commitments pipeline: extract, transform, load."""

__version__ = "0.1.0"

# Bumped whenever parsing rules change the records a page gives; a published row names the
# parser version that produced it, and an incremental refresh re-parses rows of older versions.
# Always MAJOR.MINOR.PATCH, never a bare number: pandas and DuckDB read a CSV column of "2"s
# as integers (tests/load/test_readers.py fails on a version any reader takes for a number).
PARSER_VERSION = "1.0.0"
