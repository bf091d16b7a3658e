"""SIGINT and SIGTERM mean "stop now". Outside the extract's crawl loop (which stops itself:
requests in flight cancelled, what was stored kept), a signal raises RunInterrupted where the
program is, so the run ends recorded as interrupted and publishes nothing; a second signal
raises KeyboardInterrupt (exit 130) for a run that does not stop by itself."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from pipeline.errors import RunInterrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def interrupts_raise() -> Iterator[None]:
    """Within the block, SIGINT/SIGTERM raise RunInterrupted (then KeyboardInterrupt). Only in
    the main thread, where Python runs signal handlers; elsewhere it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        if len(received) > 1:
            raise KeyboardInterrupt
        name = signal.Signals(signum).name
        raise RunInterrupted(f"{name} received: stopped; nothing was published")

    previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum in SIGNALS:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
