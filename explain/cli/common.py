"""Pieces every subcommand shares: the --json flag, reading text arguments, printing."""

from __future__ import annotations

import argparse
import json

from explain.core.text_input import require_text, valid_unicode


class CliError(Exception):
    """A user mistake; its message is printed as one line and the command exits 2."""


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")


def text_argument(raw: str) -> str:
    """The cleaned text of a TEXT argument; empty text is a CliError."""
    try:
        return require_text(raw).text
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _bounded(convert, kind: str, low, high):
    """argparse type factory: a `kind` in [low, high], naming the bound when it is not (NaN included)."""

    def parse(value: str):
        try:
            number = convert(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{value}' is not {kind}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return number

    return parse


def bounded_int(low: int, high: int):
    """argparse type: a whole number in [low, high]."""
    return _bounded(int, "a whole number", low, high)


def bounded_float(low: float, high: float):
    """argparse type: a number in [low, high]."""
    return _bounded(float, "a number", low, high)


def human_text(result: dict) -> str:
    """Readable output without --json: one "key: value" line per top-level field."""
    lines = []
    for key, value in result.items():
        if isinstance(value, (list, dict)):
            value = json.dumps(value, ensure_ascii=False)
            value = value if len(value) < 400 else value[:400] + " ..."
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


def render(result: dict, as_json: bool) -> str:
    """The text a command prints: strict JSON (never NaN) or readable lines, always encodable as UTF-8."""
    try:
        line = json.dumps(result, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise CliError(
            "The result holds NaN or infinity: the model's files may be corrupt. "
            "Delete the cache folder (see `models`) and run again."
        ) from None
    return valid_unicode(line if as_json else human_text(result))


def one_line(exc: BaseException | str) -> str:
    """An error message as one printable line: 'error: ...'."""
    return "error: " + valid_unicode(" ".join(str(exc).split()))[:1000]
