"""`finetune --data pizza --steps N`: LoRA fine-tuning of SmolLM2, then base vs fine-tuned answers."""

import sys
from pathlib import Path

from explain.cli.common import CliError, add_json_flag, bounded_int
from explain.core import registry
from explain.core.limits import LORA_MAX_STEPS
from explain.finetune.data import PIZZA_FILE, read_dialogues, split_dialogues
from explain.finetune.lora import FinetuneConfig, LoraFinetuner, compare_answers


def _dialogues(data: str) -> list:
    path = PIZZA_FILE if data == "pizza" else Path(data)
    if not path.is_file():
        raise CliError(f"'{data}' is neither 'pizza' nor a JSONL file of {{\"messages\": [...]}} lines.")
    try:
        return read_dialogues(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CliError(str(exc)) from None


def _progress(tuner, record) -> None:
    print(
        f"\rstep {record.step}/{tuner.config.steps} loss {record.loss:.3f} ({record.eta_seconds:.0f} s left)",
        end="",
        file=sys.stderr,
        flush=True,
    )


def run(args) -> dict:
    if args.save:
        try:
            registry.check_trained_name(args.save)  # the app's one name rule, checked before any work
        except ValueError as exc:
            raise CliError(f"--save: {exc}") from None
    train, held_out = split_dialogues(_dialogues(args.data))
    config = FinetuneConfig(steps=args.steps, batch_size=args.batch_size, device=args.device, dtype=args.dtype)
    tuner = LoraFinetuner.create(config, train)
    tuner.add_callback("on_step", _progress)
    tuner.run()
    print(file=sys.stderr)
    folder = tuner.save(args.save) if args.save else None
    history = tuner.history
    return {
        "device": tuner.lm.device,
        "dtype": tuner.lm.dtype_name,
        "parameters": tuner.parameter_counts(),
        "train_dialogues": len(train),
        "held_out_dialogues": len(held_out),
        "losses": [round(r.loss, 4) for r in history],
        "seconds_per_step": round(sum(r.seconds for r in history) / len(history), 3),
        "tokens_per_second": round(sum(r.tokens for r in history) / sum(r.seconds for r in history), 1),
        "saved_to": str(folder) if folder else None,
        "comparison": compare_answers(tuner, held_out[: args.compare], args.max_new_tokens) if args.compare else [],
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("finetune", help="LoRA fine-tuning of SmolLM2 on chat dialogues")
    parser.add_argument("--data", default="pizza", help="'pizza' (built in) or a JSONL file of chat dialogues")
    parser.add_argument(
        "--steps", type=bounded_int(1, LORA_MAX_STEPS), default=30, help=f"gradient steps, 1..{LORA_MAX_STEPS}"
    )
    parser.add_argument("--batch-size", type=bounded_int(1, 16), default=4, help="dialogues per step, 1..16")
    parser.add_argument("--compare", type=bounded_int(0, 22), default=3, help="held-out questions answered, 0..22")
    parser.add_argument("--max-new-tokens", type=bounded_int(1, 200), default=40, help="answer length, 1..200")
    parser.add_argument("--save", default="", help="save the adapters under this name (cache folder adapters/)")
    parser.add_argument("--device", default="auto", help="auto (default), cpu, cuda or mps")
    parser.add_argument("--dtype", default="auto", help="auto (bf16 where native), float32 or bfloat16")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
