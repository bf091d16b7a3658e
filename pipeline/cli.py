"""Command-line interface: builds the Config, calls the library, maps errors to exit codes."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("not implemented yet", file=sys.stderr)
    return 1
