"""`train --corpus NAME-or-PATH --preset tiny --steps N --seed S [--save DIR]`: train a tiny GPT from scratch.

Prints the parameter count, every training loss, the validation losses, the
vocabulary size, a sample from the corpus's prompt and the training speed.
`--save NAME` writes safetensors + config + tokenizer into the app's trained-models folder
(the pages list it as trained/<name>); NAME follows the app's save-box rule and is checked
before any training, so a bad name costs nothing and no path can leave that folder.
"""

from __future__ import annotations

from explain.cli.common import CliError, add_json_flag, bounded_int
from explain.core import registry
from explain.core.limits import MAX_BATCH, TRAIN_MAX_STEPS
from explain.training import corpora, tiny_gpt
from explain.training.trainer import TrainConfig, trainer_for_text


def _prompt_for(label: str) -> str:
    return next((info.prompt for info in corpora.list_corpora() if info.name == label), "")


def run(args) -> dict:
    try:
        save_name = registry.check_trained_name(args.save) if args.save is not None else None
    except ValueError as exc:
        raise CliError(f"--save: {exc}") from None
    try:
        label, text = corpora.resolve(args.corpus)
        model_cfg = tiny_gpt.preset(args.preset, **({"block_size": args.context} if args.context else {}))
        config = TrainConfig(
            max_steps=args.steps, batch_size=args.batch_size, learning_rate=args.lr, seed=args.seed,
            device=args.device, eval_every=max(1, args.steps // 10), sample_every=0, snapshot_every=0,
            sample_prompt=_prompt_for(label), compile=args.compile,
        )  # fmt: skip
        trainer = trainer_for_text(text, model_cfg, config)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    val_losses, speeds = [], []
    trainer.add_callback("on_eval", lambda _t, rec: val_losses.append(round(rec.val_loss, 4)))
    trainer.add_callback("on_step", lambda _t, rec: speeds.append(rec.tokens_per_s))
    state = trainer.run()
    result = {
        "corpus": label,
        "preset": args.preset,
        "device": trainer.device,
        "params": tiny_gpt.count_parameters(trainer.model),
        "vocab_size": trainer.data.vocab_size,
        "steps": state.step,
        "stop_reason": state.stop_reason,
        "message": state.message,
        "losses": [round(x, 4) for x in state.train_losses],
        "val_losses": val_losses,
        "sample": trainer.sample(trainer.prompt, args.sample_tokens),
        "prompt": trainer.prompt,
        "tokens_per_s": round(speeds[-1], 1) if speeds else 0.0,
    }
    if save_name:
        meta = {"corpus": label, "steps": state.step, "seed": args.seed, "val_losses": val_losses}
        result["saved"] = tiny_gpt.save_trained(trainer.model, trainer.data.tokenizer, save_name, meta)
    return result


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a tiny GPT from scratch on a corpus or a text file")
    parser.add_argument("--corpus", default="toy", help="built-in corpus name (see `corpora`) or a UTF-8 text file")
    parser.add_argument("--preset", default="tiny", choices=list(tiny_gpt.PRESETS))
    parser.add_argument("--steps", type=bounded_int(1, TRAIN_MAX_STEPS), default=200, help=f"1..{TRAIN_MAX_STEPS}")
    parser.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=0)
    parser.add_argument("--batch-size", type=bounded_int(1, MAX_BATCH), default=32, help=f"1..{MAX_BATCH}")
    parser.add_argument("--context", type=bounded_int(*tiny_gpt.CONTEXT_RANGE), default=None, help="context length")
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (try 100 to see the NaN guard)")
    parser.add_argument("--sample-tokens", type=bounded_int(1, 1000), default=120)
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    parser.add_argument("--compile", action="store_true", help="torch.compile the steps (~25 s first, then faster)")
    parser.add_argument("--save", default=None, help="save as trained/<NAME>: 1-40 of a-z, 0-9, '-', '_'")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
