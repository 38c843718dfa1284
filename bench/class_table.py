"""The classroom load test for N = 1, 10, 30 sessions, as a table (wraps `python -m explain loadtest`).

    python bench/class_table.py                                   # burst, tour next-token step, 1 10 30
    python bench/class_table.py --sessions 30 --mode class --minutes 5 --pages all
    python bench/class_table.py --sessions 5 --url http://127.0.0.1:8501

Each N gets a fresh server, so one run's cached results do not flatter the next. With
--pages, one more row per page follows each N.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_plan import MODES, parse_pages  # noqa: E402
from bench.loadtest import LoadConfig, run_loadtest  # noqa: E402

COLUMNS = ("sessions", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "cpu_s_per_request", "peak_rss_mb", "wall_s")


def rows_of(report: dict) -> list[list]:
    """The table rows of one report: the whole test, then one per page when there are several."""
    rows = [["all", *(report.get(c) for c in COLUMNS)]]
    if len(report["pages"]) > 1:
        rows += [[page, "", stats["requests"], "", stats["p50_ms"], stats["p95_ms"], stats["p99_ms"], "", "", ""]
                 for page, stats in report["pages"].items()]  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--mode", choices=MODES, default="burst")
    parser.add_argument("--pages", default="tour_next")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--url", default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    common = {"url": args.url, "rounds": args.rounds, "mode": args.mode, "minutes": args.minutes}
    timeout = {"total_timeout_s": args.minutes * 60 + 600} if args.mode == "class" else {}
    reports = [
        run_loadtest(LoadConfig(sessions=n, pages=parse_pages(args.pages), **common, **timeout)) for n in args.sessions
    ]
    if args.json:
        print(json.dumps(reports, indent=1))
        return
    print("| page | " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * (len(COLUMNS) + 1))
    for report in reports:
        for row in rows_of(report):
            print("| " + " | ".join(str(v) for v in row) + " |")


if __name__ == "__main__":
    main()
