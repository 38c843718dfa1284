"""`bench [--only NAME] [--quick]`: speed and memory figures on the current device."""

from bench import environment, run_section, section_names
from explain.cli.common import CliError, add_json_flag


def run(args) -> dict:
    names = section_names()
    chosen = args.only or names
    unknown = [n for n in chosen if n not in names]
    if unknown:
        raise CliError(f"unknown bench section {unknown[0]!r}; known: {', '.join(names)}")
    return {"environment": environment(), "sections": {n: run_section(n, args.quick) for n in chosen}}


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="measure speed and memory")
    parser.add_argument("--only", action="append", help="run only this section (repeatable)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a smoke test")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
