"""`ablate TEXT (--head L.H | --mlp L) [--target TOKEN]`: switch one part off, compare the next token."""

from explain.anatomy.ablation import ablate
from explain.anatomy.diagram import model_shape
from explain.anatomy.dla import target_id
from explain.anatomy.report import check_index
from explain.anatomy.upcast import float32_view
from explain.cli.common import CliError, add_json_flag, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.analysis import analyze
from explain.core.limits import MAX_ANATOMY_TOKENS


def _head(value: str) -> tuple[int, int]:
    layer, sep, head = value.partition(".")
    if not sep or not layer.isdigit() or not head.isdigit():
        raise CliError(f"--head takes LAYER.HEAD, e.g. 3.2; got '{value[:20]}'")
    return int(layer), int(head)


def run(args) -> dict:
    text = text_argument(args.text)
    lm = float32_view(load_for_cli(args.model, args.device, args.dtype))  # the page's numbers: see anatomy/upcast.py
    shape = model_shape(lm)
    head = _head(args.head) if args.head else None
    if head:
        check_index("layer", head[0], shape.layers)
        check_index("head", head[1], shape.heads)
    if args.mlp is not None:
        check_index("layer", args.mlp, shape.layers)
    analysis = analyze(lm, text, limit=MAX_ANATOMY_TOKENS)
    target = target_id(lm, args.target) if args.target else int(analysis.next_logits.argmax())
    return {"model": lm.name, "tokens": analysis.tokens, **ablate(lm, analysis.ids, target, head=head, mlp=args.mlp)}


def register(subparsers) -> None:
    parser = subparsers.add_parser("ablate", help="switch off one attention head or MLP and compare the next token")
    parser.add_argument("text")
    part = parser.add_mutually_exclusive_group(required=True)
    part.add_argument("--head", help="LAYER.HEAD, e.g. 3.2 (its output is zeroed)")
    part.add_argument("--mlp", type=int, help="layer whose MLP output is zeroed")
    parser.add_argument("--target", default=None, help="one token to follow (default: the top next token)")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
