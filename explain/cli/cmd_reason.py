"""`reason --lang en`: word problems answered directly and "step by step"; accuracy and tokens of each."""

import sys
import time

from explain.cli.common import CliError, add_json_flag, bounded_int
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.limits import REASON_DIRECT_TOKENS, REASON_MAX_PROBLEMS, REASON_STEP_TOKENS
from explain.frontier import problems, reasoning


def _progress(step: int, total: int) -> None:
    print(f"\rreply {step}/{total}", end="\n" if step == total else "", file=sys.stderr, flush=True)


def run(args) -> dict:
    lm = load_for_cli(args.model, args.device, args.dtype)
    if lm.kind != "causal-lm":
        raise CliError(f"'{args.model}' is an encoder; the problems need a chat model such as smollm2-135m.")
    count = min(args.problems, len(problems.load()))
    start = time.perf_counter()
    result = reasoning.run(lm, args.lang, count, (args.direct_tokens, args.step_tokens), _progress)
    answers = result.pop("answers")
    extra = {"answers": answers} if args.transcripts else {}
    return {"model": lm.name, "lang": args.lang, **result, "seconds": round(time.perf_counter() - start, 2), **extra}


def register(subparsers) -> None:
    parser = subparsers.add_parser("reason", help="word problems answered directly and step by step")
    parser.add_argument("--lang", choices=list(problems.LANGS), default="en", help="language of the problems")
    parser.add_argument(
        "--problems",
        type=bounded_int(1, REASON_MAX_PROBLEMS),
        default=REASON_MAX_PROBLEMS,
        help="how many (default: all)",
    )
    parser.add_argument(
        "--direct-tokens", type=bounded_int(1, REASON_DIRECT_TOKENS), default=REASON_DIRECT_TOKENS,
        help=f"bound of a direct answer, 1..{REASON_DIRECT_TOKENS}",
    )  # fmt: skip
    parser.add_argument(
        "--step-tokens", type=bounded_int(1, REASON_STEP_TOKENS), default=REASON_STEP_TOKENS,
        help=f"bound of a step-by-step answer, 1..{REASON_STEP_TOKENS}",
    )  # fmt: skip
    parser.add_argument("--transcripts", action="store_true", help="include every reply")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
