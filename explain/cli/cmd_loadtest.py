"""`loadtest --sessions N [--url URL]`: N concurrent sessions against the app on this machine.

Prints {"sessions", "requests", "errors", "p50_ms", "p95_ms", "peak_rss_mb", ...}
(see `bench/loadtest.py`). Without --url it starts its own server on a free
localhost port and stops it afterwards.
"""

from bench.loadtest import LoadConfig, check_loopback, run_loadtest
from explain.cli.common import CliError, add_json_flag, bounded_int
from explain.core.limits import MAX_SESSIONS


def run(args) -> dict:
    if args.url:
        try:
            check_loopback(args.url)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    cfg = LoadConfig(sessions=args.sessions, url=args.url, rounds=args.rounds, total_timeout_s=args.timeout)
    return run_loadtest(cfg)


def register(subparsers) -> None:
    parser = subparsers.add_parser("loadtest", help="concurrent sessions against the app on localhost")
    parser.add_argument("--sessions", type=bounded_int(1, MAX_SESSIONS), default=5, help=f"1..{MAX_SESSIONS}")
    parser.add_argument("--url", default=None, help="a running app on this machine (default: start one)")
    parser.add_argument("--rounds", type=bounded_int(1, 10), default=2, help="interactions per session, 1..10")
    parser.add_argument("--timeout", type=bounded_int(10, 1800), default=600, help="seconds for the whole test")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
