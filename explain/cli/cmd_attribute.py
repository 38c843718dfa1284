"""`attribute TEXT --target TOKEN [--method M] [--steps N]`: which input tokens mattered for one next token."""

from explain.anatomy.attribution import BASELINES, DEFAULT_BASELINE, DEFAULT_STEPS, METHODS, attribute
from explain.anatomy.dla import target_id
from explain.anatomy.upcast import float32_view
from explain.cli.common import add_json_flag, bounded_int, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.analysis import encode
from explain.core.limits import MAX_ATTRIBUTION_TOKENS, MAX_IG_STEPS


def run(args) -> dict:
    text = text_argument(args.text)
    lm = float32_view(load_for_cli(args.model, args.device, args.dtype))  # the page's numbers: see anatomy/upcast.py
    target = target_id(lm, args.target)
    ids = encode(lm, text)
    result = attribute(lm, ids, target, args.method, steps=args.steps, base=args.baseline)
    return {"model": lm.name, "truncated": len(ids) > MAX_ATTRIBUTION_TOKENS, **result.as_json()}


def register(subparsers) -> None:
    parser = subparsers.add_parser("attribute", help="which input tokens mattered for one next token")
    parser.add_argument("text", help=f"the text (its first {MAX_ATTRIBUTION_TOKENS} tokens are attributed)")
    parser.add_argument("--target", required=True, help="one token, e.g. ' Paris' (mind the leading space)")
    parser.add_argument("--method", choices=METHODS, default="integrated-gradients")
    parser.add_argument(
        "--steps",
        type=bounded_int(2, MAX_IG_STEPS),
        default=DEFAULT_STEPS,
        help=f"integrated-gradients steps, 2..{MAX_IG_STEPS}",
    )
    parser.add_argument("--baseline", choices=BASELINES, default=DEFAULT_BASELINE, help="integrated gradients' start")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
