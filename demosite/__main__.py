"""``python -m demosite SUBCOMMAND``: serve the demo site (more subcommands plug in below).

``serve`` prints the base URL on stdout (one line, flushed) once it listens, so a benchmark or
a script can start it with ``--port 0`` and read where it went. Run it from the repository root:
the demo site is not part of the installed package.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from demosite.demo import add_demo
from demosite.pages import DemoPage
from demosite.sample import sample_pages
from demosite.server import serve_until_stopped
from demosite.site import Site
from demosite.traffic import RandomFaults, RateLimit


def _pages(args: argparse.Namespace) -> list[DemoPage]:
    if args.sample:
        return sample_pages(
            args.sample,
            member_count=args.members,
            padding_bytes=args.padding,
            member_lists=not args.empty_member_lists,
        )
    try:
        from demosite.catalog import demo_pages
    except ImportError as exc:
        raise SystemExit(
            f"the demo catalog (demosite.catalog) is not available ({exc}); use --sample N"
        ) from exc
    return list(demo_pages())


def run_serve(args: argparse.Namespace) -> int:
    site = Site(_pages(args), sitemaps=args.sitemaps, empty_member_lists=args.empty_member_lists)
    chaos = None
    if args.fault_429 or args.fault_503:
        chaos = RandomFaults(args.fault_429, args.fault_503, args.retry_after, args.seed)
    limit = RateLimit(args.rate_limit, args.limit_retry_after) if args.rate_limit else None
    serve_until_stopped(
        site, host=args.host, port=args.port, latency_s=args.latency, gzip_bodies=args.gzip,
        random_faults=chaos, rate_limit=limit,
    )  # fmt: skip
    return 0


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="serve the demo site on 127.0.0.1 until interrupted")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    serve.add_argument("--gzip", action="store_true", help="gzip bodies for clients asking")
    serve.add_argument("--sitemaps", action="store_true", help="robots.txt Sitemap: + sitemaps")
    serve.add_argument(
        "--empty-member-lists",
        action="store_true",
        help="member pages list no commitments (as the 2023-24 site)",
    )
    serve.add_argument("--sample", type=int, metavar="N", help="N minimal commitment pages")
    serve.add_argument("--members", type=int, default=9, help="members for --sample")
    serve.add_argument("--padding", type=int, default=0, help="chrome bytes per --sample page")
    serve.add_argument("--fault-429", type=float, default=0.0, help="share answered 429")
    serve.add_argument("--fault-503", type=float, default=0.0, help="share answered 503")
    serve.add_argument("--retry-after", default="1", help="Retry-After of the random 429s")
    serve.add_argument("--seed", type=int, default=0, help="seed of the random faults")
    serve.add_argument(
        "--rate-limit", type=float, help="accept at most R requests per second, 429 the rest"
    )
    serve.add_argument("--limit-retry-after", help="Retry-After of the rate limit's 429s")
    serve.set_defaults(handler=run_serve)


# Each entry adds one subcommand; a new one (e.g. ``demo``) is one function and one line here.
SUBCOMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    _add_serve,
    add_demo,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demosite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
