"""The transform stage: commitment pages to typed records and table rows. No network.

``parse_commitment`` (``page.py``) parses one page, a pure function; ``transform_raw``
(``run.py``) parses everything in raw/ on all cores into the data tables.
"""

from pipeline.transform.page import parse_commitment, parse_page
from pipeline.transform.run import PageFailure, SeenUnknown, TransformResult, transform_raw

__all__ = [
    "PageFailure",
    "SeenUnknown",
    "TransformResult",
    "parse_commitment",
    "parse_page",
    "transform_raw",
]
