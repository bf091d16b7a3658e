"""The transform stage: commitment pages to typed records and table rows. No network.

``parse_commitment`` (``page.py``) parses one page, a pure function; ``transform_raw``
(``run.py``) parses everything in raw/ on all cores into the data tables.
"""

from pipeline.records import ParsedPage
from pipeline.transform.page import parse_commitment
from pipeline.transform.run import PageFailure, SeenUnknown, TransformResult, transform_raw


def parse_page(body: bytes, url: str, *, content_type: str | None = None) -> ParsedPage:
    """Parse a page as served: its bytes and, when known, the HTTP Content-Type."""
    return parse_commitment(body.decode("utf-8", errors="replace"), url)


__all__ = [
    "PageFailure",
    "SeenUnknown",
    "TransformResult",
    "parse_commitment",
    "parse_page",
    "transform_raw",
]
