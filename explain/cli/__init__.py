"""The `python -m explain` command line: one module per subcommand, found automatically.

Each `explain/cli/cmd_*.py` module defines `register(subparsers)`, which adds its
subcommand and sets `handler=function(args) -> dict`. Handlers return plain data;
`main` prints it as JSON with `--json`, or as readable lines without. Bad
arguments and bad input exit with status 2 and one line on stderr, never a
traceback. Leaves out the analysis itself (handlers call `explain.*`).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from explain.cli.common import CliError, one_line, render


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other CLI error
        print(one_line(message), file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m explain", description="LLM Explainer from the command line.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    package = importlib.import_module("explain.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"explain.cli.{info.name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        output = render(args.handler(args), getattr(args, "json", False))
    except (CliError, ValueError, RuntimeError, OSError) as exc:  # bad input, an unreadable file, a missing model
        print(one_line(exc), file=sys.stderr)
        return 2
    print(output)
    return 0
