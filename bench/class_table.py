"""The classroom load test for N = 1, 10, 30 sessions, as a table (wraps `python -m explain loadtest`).

    python bench/class_table.py                 # starts its own server, runs 1, 10, 30
    python bench/class_table.py --sessions 5 --url http://127.0.0.1:8501

Each N gets a fresh server, so one run's cached results do not flatter the next.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadtest import LoadConfig, run_loadtest  # noqa: E402

COLUMNS = ("sessions", "requests", "errors", "p50_ms", "p95_ms", "peak_rss_mb", "warmup_ms", "wall_s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--url", default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [run_loadtest(LoadConfig(sessions=n, url=args.url, rounds=args.rounds)) for n in args.sessions]
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(str(row.get(c)) for c in COLUMNS) + " |")


if __name__ == "__main__":
    main()
