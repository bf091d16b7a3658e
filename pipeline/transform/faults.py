"""Test-only fault injection for the transform workers. Never active in a real run.

The crash tests need a real worker process to die or hang on a real page, and the load tests a
page whose rows break a rule (as a parser bug would make them). When the environment variable
``OGP_PIPELINE_TEST_FAULTS`` is ``1`` in a worker, a page whose body contains one of the
markers below makes that worker kill itself with SIGKILL, sleep for an hour (until the pool's
time limit stops it), raise as a parser bug would, or return the page's fields with the first
one twice (a repeated key);
pages without a marker are parsed as usual. Without the variable, workers call
``parse_page`` directly and never look for a marker.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import replace

from pipeline.records import ParsedPage
from pipeline.transform.page import parse_page

ENV = "OGP_PIPELINE_TEST_FAULTS"
KILL_MARKER = "<!-- ogp-pipeline-test-fault: kill-worker -->"
HANG_MARKER = "<!-- ogp-pipeline-test-fault: hang -->"
INVALID_MARKER = "<!-- ogp-pipeline-test-fault: invalid-rows -->"
BUG_MARKER = "<!-- ogp-pipeline-test-fault: parser-bug -->"
_HANG_S = 3600.0  # far beyond any time limit a test sets: only the pool can end it


def page_parser() -> Callable[[bytes, str, str | None], ParsedPage]:
    """The parse function a worker uses: ``parse_page``, or with the test variable set, one
    that obeys the fault markers."""
    return _parse_with_faults if os.environ.get(ENV) == "1" else _parse


def _parse(body: bytes, url: str, content_type: str | None) -> ParsedPage:
    return parse_page(body, url, content_type=content_type)


def _parse_with_faults(body: bytes, url: str, content_type: str | None) -> ParsedPage:
    if KILL_MARKER.encode() in body:
        os.kill(os.getpid(), signal.SIGKILL)
    if HANG_MARKER.encode() in body:
        time.sleep(_HANG_S)
    if BUG_MARKER.encode() in body:
        raise RuntimeError("a parser bug (test fault)")
    page = parse_page(body, url, content_type=content_type)
    if INVALID_MARKER.encode() in body:
        return replace(page, fields=(page.fields[0], *page.fields))
    return page
