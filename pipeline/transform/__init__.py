"""The transform stage: commitment pages to typed records and table rows. No network."""

from pipeline.transform.page import parse_commitment

__all__ = ["parse_commitment"]
