"""Open Government Partnership commitments pipeline: extract, transform, load."""

__version__ = "0.1.0"

# Bumped whenever parsing rules change the records a page gives; a published row names the
# parser version that produced it, and an incremental refresh re-parses rows of older versions.
PARSER_VERSION = "1"
