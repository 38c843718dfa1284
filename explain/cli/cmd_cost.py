"""`cost --model NAME [--flops-per-s X]`: what training a model of the history timeline costs, from C = 6 N D.

Prints its parameters N and training tokens D (with their source), the FLOPs, the seconds this
computer would need at its matmul speed (measured now, like the bench, unless --flops-per-s gives
it), the days on one GPU of a stated peak and utilisation, and the energy. A model whose training
tokens were never published gets its size and "training tokens not published".
"""

from __future__ import annotations

from explain.cli.common import CliError, add_json_flag, bounded_float
from explain.core.limits import COST_MAX_FLOPS_PER_S
from explain.training import cost


def measured_flops_per_s() -> float:
    """This computer's fp32 matmul FLOP/s on the app's device, measured with the bench's own function."""
    from bench.reference_train import matmul_flops
    from explain.core.device import pick_device

    return matmul_flops(pick_device(), repeats=4, rounds=2)


def run(args) -> dict:
    try:
        model = cost.find_model(args.model)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    speed = args.flops_per_s if args.flops_per_s is not None else measured_flops_per_s()
    result = cost.model_cost(model, speed)
    return {**result, "flops_per_s_here": speed, "measured": args.flops_per_s is None,
            "assumptions": cost.Assumptions().as_dict()}  # fmt: skip


def register(subparsers) -> None:
    parser = subparsers.add_parser("cost", help="FLOPs, time and energy to train a model of the history timeline")
    parser.add_argument("--model", required=True, help="a timeline model id or name, e.g. gpt3, chinchilla, llama2")
    parser.add_argument(
        "--flops-per-s", type=bounded_float(1.0, COST_MAX_FLOPS_PER_S), default=None,
        help="this computer's FLOP/s (default: measured now with a matmul)",
    )  # fmt: skip
    add_json_flag(parser)
    parser.set_defaults(handler=run)
