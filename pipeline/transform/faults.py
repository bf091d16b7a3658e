"""Test-only fault injection for the transform workers. Never active in a real run.

The crash tests need a real worker process to die or hang on a real page, and the load tests a
page whose rows break a rule (as a parser bug would make them). When the environment variable
``OGP_PIPELINE_TEST_FAULTS`` is ``1`` in a worker, a page whose body contains one of the
markers below makes that worker kill itself with SIGKILL, sleep for an hour (until the pool's
time limit stops it), or return the page's fields with the first one twice (a repeated key);
pages without a marker are parsed as usual. Without the variable, workers call
``parse_commitment`` directly and never look for a marker.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import replace

from pipeline.records import ParsedPage
from pipeline.transform.page import parse_commitment

ENV = "OGP_PIPELINE_TEST_FAULTS"
KILL_MARKER = "<!-- ogp-pipeline-test-fault: kill-worker -->"
HANG_MARKER = "<!-- ogp-pipeline-test-fault: hang -->"
INVALID_MARKER = "<!-- ogp-pipeline-test-fault: invalid-rows -->"
_HANG_S = 3600.0  # far beyond any time limit a test sets: only the pool can end it


def page_parser() -> Callable[[str, str], ParsedPage]:
    """The parse function a worker uses: ``parse_commitment``, or with the test variable set,
    one that obeys the fault markers."""
    return _parse_with_faults if os.environ.get(ENV) == "1" else parse_commitment


def _parse_with_faults(html: str, url: str) -> ParsedPage:
    if KILL_MARKER in html:
        os.kill(os.getpid(), signal.SIGKILL)
    if HANG_MARKER in html:
        time.sleep(_HANG_S)
    page = parse_commitment(html, url)
    if INVALID_MARKER in html:
        return replace(page, fields=(page.fields[0], *page.fields))
    return page
