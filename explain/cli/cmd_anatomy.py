"""`anatomy TEXT [--position P] [--target TOKEN]`: one forward pass, layer by layer, as on the anatomy page."""

from explain.anatomy.report import anatomy_report
from explain.anatomy.upcast import float32_view
from explain.cli.common import add_json_flag, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.limits import MAX_ANATOMY_TOKENS


def run(args) -> dict:
    text = text_argument(args.text)
    lm = float32_view(load_for_cli(args.model, args.device, args.dtype))  # the page's numbers: see anatomy/upcast.py
    return anatomy_report(lm, text, args.position, args.target)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "anatomy", help="residual stream, per-layer norms, direct logit attribution and logit lens for one position"
    )
    parser.add_argument("text", help=f"the text (its first {MAX_ANATOMY_TOKENS} tokens are taken apart)")
    parser.add_argument("--position", type=int, default=None, help="token position (default: the last)")
    parser.add_argument("--target", default=None, help="one token, e.g. ' Paris' (default: the model's top token)")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
