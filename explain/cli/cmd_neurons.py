"""`neurons TEXT --layer L [--position P] [--top K]`: the most active MLP neurons and the tokens they push."""

from explain.anatomy.neurons import top_neurons
from explain.anatomy.report import resolve_position
from explain.anatomy.stream import record_stream
from explain.anatomy.upcast import float32_view
from explain.cli.common import add_json_flag, bounded_int, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.limits import MAX_NEURONS_TOP


def run(args) -> dict:
    text = text_argument(args.text)
    lm = float32_view(load_for_cli(args.model, args.device, args.dtype))  # the page's numbers: see anatomy/upcast.py
    stream = record_stream(lm, text)
    position = resolve_position(stream, args.position)
    neurons = top_neurons(lm, stream.ids, args.layer, position, args.top)
    token = stream.tokens[position]
    return {"model": lm.name, "layer": args.layer, "position": position, "token": token, "neurons": neurons}


def register(subparsers) -> None:
    parser = subparsers.add_parser("neurons", help="most active MLP neurons at one layer and position")
    parser.add_argument("text")
    parser.add_argument("--layer", type=int, required=True, help="layer, from 0")
    parser.add_argument("--position", type=int, default=None, help="token position (default: the last)")
    parser.add_argument("--top", type=bounded_int(1, MAX_NEURONS_TOP), default=10, help=f"1..{MAX_NEURONS_TOP}")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
