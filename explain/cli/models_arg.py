"""Loading the model a subcommand names, with progress on stderr (stdout stays pure JSON)."""

from __future__ import annotations

import sys

from explain.core.loading import LoadedModel, ModelUnavailable, load_model


def _progress(fraction: float, message: str) -> None:
    print(f"\r{message} ({fraction:.0%})", end="", file=sys.stderr, flush=True)
    if fraction >= 1.0:
        print(file=sys.stderr)


def load_for_cli(name: str, device: str | None = None, dtype: str | None = None) -> LoadedModel:
    from explain.cli.common import CliError

    try:
        return load_model(name, device=device, dtype=dtype, progress=_progress)
    except ModelUnavailable as exc:
        raise CliError(str(exc)) from None


def add_model_args(parser, default: str) -> None:
    parser.add_argument("--model", default=default, help=f"model name or Hugging Face id (default {default})")
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    parser.add_argument("--dtype", default=None, help="auto (default), float32, bfloat16 or float16")
