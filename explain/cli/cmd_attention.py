"""`attention TEXT --layer L --head H`: one head's attention weights (rows are query positions).

`--summary [--statistic S]` returns instead the layers x heads grid of one
per-head statistic (see `explain.attention.heads.head_statistics`) with the top heads.
"""

from explain.attention.heads import STATISTICS, head_statistics, summary_grid, top_heads
from explain.cli.common import CliError, add_json_flag, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.analysis import analyze


def _summary(lm, result, statistic: str) -> dict:
    grid = head_statistics(result.attentions, result.ids)[statistic]
    lowest = statistic == "entropy"  # the interesting heads are the focused ones
    return {
        "model": lm.name,
        "statistic": statistic,
        "tokens": result.tokens,
        "truncated": result.truncated,
        "layers": int(grid.shape[0]),
        "heads": int(grid.shape[1]),
        "grid": summary_grid(result.attentions, result.ids, statistic),
        "top": [{"layer": la, "head": h, "value": round(v, 4)} for la, h, v in top_heads(grid, 5, lowest)],
    }


def run(args) -> dict:
    text = text_argument(args.text)
    lm = load_for_cli(args.model, args.device, args.dtype)
    result = analyze(lm, text)
    if args.summary:
        return _summary(lm, result, args.statistic)
    layers, heads = result.attentions.shape[:2]
    if not 0 <= args.layer < layers:
        raise CliError(f"--layer must be between 0 and {layers - 1} for {lm.name}, got {args.layer}")
    if not 0 <= args.head < heads:
        raise CliError(f"--head must be between 0 and {heads - 1} for {lm.name}, got {args.head}")
    weights = result.attentions[args.layer, args.head]
    return {
        "model": lm.name,
        "layer": args.layer,
        "head": args.head,
        "tokens": result.tokens,
        "truncated": result.truncated,
        "weights": [[round(float(w), 6) for w in row] for row in weights],
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("attention", help="attention weights of one layer and head")
    parser.add_argument("text")
    parser.add_argument("--layer", type=int, default=0, help="layer index, from 0")
    parser.add_argument("--head", type=int, default=0, help="head index, from 0")
    parser.add_argument("--summary", action="store_true", help="the layers x heads grid of a per-head statistic")
    parser.add_argument(
        "--statistic", choices=STATISTICS, default="previous", help="statistic for --summary (default previous)"
    )
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
