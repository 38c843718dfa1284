"""`prefer [--data pizza|FILE.jsonl] [--steps N] [--seed S]`: DPO with LoRA; held-out accuracy and margin."""

import sys
import time

from explain.assistant.dpo import DpoConfig, DpoTuner
from explain.assistant.pairs import PIZZA_PAIRS, PairsError, read_pairs, split_pairs
from explain.cli.common import CliError, add_json_flag, bounded_int
from explain.core.limits import PREFER_MAX_STEPS


def _pairs(data: str) -> list[dict]:
    try:
        return read_pairs(PIZZA_PAIRS if data == "pizza" else data)
    except PairsError as exc:
        raise CliError(str(exc)) from None


def run(args) -> dict:
    start = time.perf_counter()
    train, held_out = split_pairs(_pairs(args.data))
    config = DpoConfig(steps=args.steps, seed=args.seed, device=args.device, dtype=args.dtype)
    tuner = DpoTuner.create(config, train)
    before = tuner.evaluate(held_out, adapted=False)
    for _ in range(config.steps):
        record = tuner.step()
        print(f"\rstep {record.step}/{config.steps} loss {record.loss:.3f}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    after = tuner.evaluate(held_out, adapted=True)
    return {
        "pairs_train": len(train),
        "pairs_heldout": len(held_out),
        "accuracy_before": round(before["accuracy"], 4),
        "accuracy_after": round(after["accuracy"], 4),
        "margin_before": round(before["margin"], 4),
        "margin_after": round(after["margin"], 4),
        "base_unchanged": tuner.base_fingerprint() == tuner.base_sha256,
        "seconds": round(time.perf_counter() - start, 2),
        "seconds_per_step": round(sum(r.seconds for r in tuner.history) / len(tuner.history), 3),
        "device": tuner.lm.device,
        "dtype": tuner.lm.dtype_name,
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "prefer", help="preference tuning (DPO with LoRA) on {prompt, chosen, rejected} pairs"
    )
    parser.add_argument("--data", default="pizza", help="'pizza' (built in) or a JSONL file of preference pairs")
    default = DpoConfig().steps
    parser.add_argument(
        "--steps", type=bounded_int(1, PREFER_MAX_STEPS), default=default, help=f"DPO steps, 1..{PREFER_MAX_STEPS}"
    )
    parser.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=0, help="LoRA init and batch order")
    parser.add_argument("--device", default="auto", help="auto (default), cpu, cuda or mps")
    parser.add_argument("--dtype", default="auto", help="auto (bf16 where native), float32 or bfloat16")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
