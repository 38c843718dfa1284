"""`generate TEXT --max-new N --temperature T --top-k K --top-p P --seed S`: continue a text token by token."""

from explain.cli.common import CliError, add_json_flag, bounded_float, bounded_int, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.analysis import encode
from explain.core.generation import generate
from explain.core.limits import MAX_ANALYSIS_TOKENS, MAX_NEW_TOKENS, MAX_TEMPERATURE
from explain.core.sampling import SamplingConfig


def run(args) -> dict:
    text = text_argument(args.text)
    lm = load_for_cli(args.model, args.device, args.dtype)
    if lm.kind != "causal-lm":
        raise CliError(f"'{args.model}' is an encoder; generation needs a causal LM such as smollm2-135m.")
    config = SamplingConfig(args.temperature, args.top_k, args.top_p, args.seed)
    ids = encode(lm, text)
    return {
        "model": lm.name,
        "prompt": text,
        "prompt_tokens": min(len(ids), MAX_ANALYSIS_TOKENS),
        "truncated": len(ids) > MAX_ANALYSIS_TOKENS,
        "sampling": {
            "temperature": config.temperature,
            "top_k": config.top_k,
            "top_p": config.top_p,
            "seed": config.seed,
        },
        **generate(lm, ids, config, args.max_new),
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("generate", help="continue a text, one token at a time (KV cache)")
    parser.add_argument("text")
    parser.add_argument("--max-new", type=bounded_int(1, MAX_NEW_TOKENS), default=20, help=f"1..{MAX_NEW_TOKENS}")
    parser.add_argument(
        "--temperature", type=bounded_float(0.0, MAX_TEMPERATURE), default=0.0, help="0 = greedy (default)"
    )
    parser.add_argument("--top-k", type=bounded_int(0, 1000), default=0, help="0 = no limit (default)")
    parser.add_argument("--top-p", type=bounded_float(0.01, 1.0), default=1.0, help="nucleus mass, 1 = no limit")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same sampled text")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
