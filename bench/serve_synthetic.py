"""``python -m bench.serve_synthetic N``: serve N synthetic heavy commitment pages on 127.0.0.1
(a free port, printed on stdout once listening) until interrupted. For ``bench_refresh``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bench.synthetic_pages import synthetic_pages
from demosite.server import serve_until_stopped
from demosite.site import Site


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_synthetic", description=__doc__)
    parser.add_argument("pages", type=int, help="synthetic commitment pages to serve")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    serve_until_stopped(Site(list(synthetic_pages(args.pages))), port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
