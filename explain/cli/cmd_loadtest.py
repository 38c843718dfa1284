"""`loadtest --sessions N [--mode burst|class|quiz] [--pages all] [--url URL]`: a class of N sessions on this machine.

Prints {"sessions", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "pages": {page: {...}},
"cpu_s_per_request", "peak_rss_mb", "rss_trace_mb", ...} (see `bench/loadtest.py`). `--mode burst`
has every session act at the same moment; `--mode class` has each think 5-20 s between actions
for `--minutes`; `--mode quiz` has N students join one live class and answer the tour's quiz while the
teacher's view refreshes (see `bench/load_quiz.py`). Without --url it starts its own server on a
free localhost port and stops it afterwards.
"""

from bench.load_plan import MODES, PAGES, parse_pages
from bench.loadtest import LoadConfig, check_loopback, run_loadtest
from explain.cli.common import CliError, add_json_flag, bounded_float, bounded_int
from explain.core.limits import MAX_SESSIONS


def run(args) -> dict:
    try:
        if args.url:
            check_loopback(args.url)
        pages = parse_pages(args.pages)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    cfg = LoadConfig(
        sessions=args.sessions,
        url=args.url,
        mode=args.mode,
        pages=pages,
        rounds=args.rounds,
        stay=args.stay,
        minutes=args.minutes,
        seed=args.seed,
        training=args.training,
        total_timeout_s=max(args.timeout, args.minutes * 60 + 300) if args.mode == "class" else args.timeout,
    )
    return run_loadtest(cfg)


def register(subparsers) -> None:
    parser = subparsers.add_parser("loadtest", help="concurrent sessions against the app on localhost")
    parser.add_argument("--sessions", type=bounded_int(1, MAX_SESSIONS), default=5, help=f"1..{MAX_SESSIONS}")
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="burst",
        help="burst: all at once; class: 5-20 s thinking; quiz: one live class answers the tour's quiz",
    )
    parser.add_argument("--pages", default="tour_next", help=f"'all' or a comma list of: {', '.join(PAGES)}")
    parser.add_argument("--minutes", type=bounded_float(0.2, 60), default=5.0, help="class mode: its length, 0.2..60")
    parser.add_argument("--url", default=None, help="a running app on this machine (default: start one)")
    parser.add_argument("--rounds", type=bounded_int(1, 100), default=2, help="burst: texts per session, 1..100")
    parser.add_argument("--stay", type=bounded_int(1, 10), default=2, help="class: texts per page visit, 1..10")
    parser.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=0, help="think times and start offsets")
    parser.add_argument(
        "--training", action="store_true", help="a teacher's training run in progress during the test (training page)"
    )
    parser.add_argument("--timeout", type=bounded_int(10, 3600), default=600, help="seconds for the whole test")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
