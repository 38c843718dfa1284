"""`needle --lengths 256 512 --depths 3`: a fact hidden in a long text, asked back; time and KV cache per length."""

import sys
import time

from explain.cli.common import CliError, add_json_flag, bounded_int
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.limits import NEEDLE_MAX_DEPTHS, NEEDLE_MAX_LENGTHS, NEEDLE_MAX_TOKENS
from explain.frontier import needle


def _progress(step: int, total: int) -> None:
    print(f"\rcell {step}/{total}", end="\n" if step == total else "", file=sys.stderr, flush=True)


def run(args) -> dict:
    if len(args.lengths) > NEEDLE_MAX_LENGTHS:
        raise CliError(f"--lengths takes at most {NEEDLE_MAX_LENGTHS} lengths, got {len(args.lengths)}.")
    lm = load_for_cli(args.model, args.device, args.dtype)
    if lm.kind != "causal-lm":
        raise CliError(f"'{args.model}' is an encoder; the needle test needs a chat model such as smollm2-135m.")
    start = time.perf_counter()
    result = needle.run(lm, sorted(set(args.lengths)), args.depths, _progress)
    result.pop("cells")  # answers and prefill times stay with the page; the CLI's contract is the grid
    return {"model": lm.name, "dtype": lm.dtype_name, **result, "seconds": round(time.perf_counter() - start, 2)}


def register(subparsers) -> None:
    parser = subparsers.add_parser("needle", help="needle in a haystack: long context, its time and KV-cache cost")
    parser.add_argument(
        "--lengths",
        nargs="+",
        type=bounded_int(64, NEEDLE_MAX_TOKENS),
        default=list(needle.DEFAULT_LENGTHS),
        help=f"haystack lengths in tokens, 64..{NEEDLE_MAX_TOKENS}, at most {NEEDLE_MAX_LENGTHS}",
    )
    parser.add_argument(
        "--depths", type=bounded_int(1, NEEDLE_MAX_DEPTHS), default=3, help=f"depths per length, 1..{NEEDLE_MAX_DEPTHS}"
    )
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
