"""`scaling --corpus NAME-or-PATH --sizes N --tokens T --seed S`: tiny GPTs of N sizes, one token budget, a power law.

Trains N sizes of the tiny GPT (about 50 k to 4 M parameters) on the same text for the same T
tokens each, then prints each size's parameters, training FLOPs (6 N D) and held-out loss, and
the exponents of power laws fitted to the final loss against parameters and to the best loss
reached for each compute (any size, during training) against compute.
"""

from __future__ import annotations

from explain.cli.common import add_json_flag, bounded_int
from explain.core.job_board import Board
from explain.core.limits import SCALING_SIZES_RANGE, SCALING_TOKENS_RANGE
from explain.training import corpora, scaling
from explain.training.power_law import fit_power_law


def run(args) -> dict:
    label, text = corpora.resolve(args.corpus)
    sweep = scaling.ScalingSweep(text, n_sizes=args.sizes, tokens=args.tokens, seed=args.seed, device=args.device)
    outcome, board = None, Board()
    work = sweep.work(board)
    while True:
        try:
            next(work)
        except StopIteration as end:
            outcome = end.value
            break
    if outcome is not None:
        raise RuntimeError(f"One size could not be trained: {outcome[1]}")
    points = sweep.points
    by_params = fit_power_law([p.params for p in points], [p.val_loss for p in points])
    frontier = scaling.compute_frontier(board.copy()[0].get("evals", []))
    by_flops = fit_power_law([e.flops for e in frontier], [e.val_loss for e in frontier])
    return {
        "corpus": label,
        "tokens": points[0].tokens,
        "points": [p.as_dict() for p in points],
        "exponent": round(by_params.exponent, 4),
        "r2": round(by_params.r2, 4),
        "compute_exponent": round(by_flops.exponent, 4),  # on the best loss reached for each compute, any size
    }


def register(subparsers) -> None:
    low, high = SCALING_SIZES_RANGE
    t_low, t_high = SCALING_TOKENS_RANGE
    parser = subparsers.add_parser("scaling", help="train tiny GPTs of several sizes and fit loss against size")
    parser.add_argument("--corpus", default=scaling.DEFAULT_CORPUS, help="built-in corpus name or a UTF-8 text file")
    parser.add_argument("--sizes", type=bounded_int(low, high), default=scaling.DEFAULT_SIZES, help=f"{low}..{high}")
    parser.add_argument(
        "--tokens", type=bounded_int(t_low, t_high), default=scaling.DEFAULT_TOKENS, help=f"per size, {t_low}..{t_high}"
    )
    parser.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=0)
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
