"""`vision --steps 400 --seed 0`: a tiny vision transformer trained on 8 x 8 digits; held-out accuracy."""

from explain.cli.common import add_json_flag, bounded_int
from explain.core.limits import VISION_MAX_STEPS
from explain.frontier import vit


def run(args) -> dict:
    _, result = vit.train(vit.VitConfig(steps=args.steps, seed=args.seed))
    return result


def register(subparsers) -> None:
    parser = subparsers.add_parser("vision", help="images as tokens: a tiny vision transformer trained on digits")
    parser.add_argument(
        "--steps", type=bounded_int(1, VISION_MAX_STEPS), default=vit.VitConfig.steps, help=f"1..{VISION_MAX_STEPS}"
    )
    parser.add_argument(
        "--seed", type=bounded_int(0, 2**31 - 1), default=0, help="seed of the model, split and batches"
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run)
