"""`next TEXT --top-k K`: the probability of the most likely next tokens."""

from explain.cli.common import CliError, add_json_flag, bounded_int, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.analysis import analyze, top_candidates
from explain.core.limits import MAX_TOP_K


def run(args) -> dict:
    text = text_argument(args.text)
    lm = load_for_cli(args.model, args.device, args.dtype)
    if lm.kind != "causal-lm":
        raise CliError(f"'{args.model}' is an encoder; next-token prediction needs a causal LM such as smollm2-135m.")
    result = analyze(lm, text)
    return {
        "model": lm.name,
        "truncated": result.truncated,
        "candidates": top_candidates(lm, result.next_logits, args.top_k),
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("next", help="next-token probabilities")
    parser.add_argument("text")
    parser.add_argument("--top-k", type=bounded_int(1, MAX_TOP_K), default=10, help=f"1..{MAX_TOP_K}")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
