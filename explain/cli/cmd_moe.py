"""`moe --corpus NAME-or-PATH --experts E --top-k K --steps N --seed S`: a tiny MoE beside its dense twin.

Trains a `MixtralForCausalLM` (E experts per layer, each token sent to K) and a
`MistralForCausalLM` with the same active parameters on the same text and batches, then prints
both sizes, both held-out losses, each layer's expert load on held-out text (fractions summing
to 1) and, for a sentence, the experts each token is sent to in each layer.
"""

from __future__ import annotations

from explain.cli.common import CliError, add_json_flag, bounded_int, text_argument
from explain.core.job_board import Board
from explain.core.limits import MOE_EXPERTS_RANGE, MOE_MAX_SENTENCE_CHARS, MOE_MAX_STEPS
from explain.training import corpora, moe
from explain.training.moe_run import BATCH, DEFAULT_CORPUS, DEFAULT_STEPS, paired_run, paired_work, summary
from explain.training.trainer import TrainConfig


def sentence_for(label: str, given: str | None) -> str:
    """The sentence whose routing is shown: the one given, else the corpus's prompt, else a fixed one."""
    if given is not None:
        return text_argument(given)[:MOE_MAX_SENTENCE_CHARS]
    prompt = next((info.prompt for info in corpora.list_corpora() if info.name == label), "")
    return prompt or "the red cat"


def run(args) -> dict:
    cfg = moe.MoEConfig(n_experts=args.experts, top_k=args.top_k, aux_coef=args.aux_coef)
    problems = cfg.problems()
    if problems:
        raise CliError("; ".join(problems))
    label, text = corpora.resolve(args.corpus)
    sentence = sentence_for(label, args.sentence)  # checked before any training
    config = TrainConfig(
        max_steps=args.steps, batch_size=BATCH, eval_every=max(1, args.steps // 20), sample_every=0,
        snapshot_every=0, seed=args.seed, device=args.device,
    )  # fmt: skip
    pair = paired_run(text, cfg, config)
    board = Board()
    for _ in paired_work(pair, board):
        pass
    records, _values = board.copy()
    result = summary(pair, sentence)
    reasons = {pair.moe.state.stop_reason, pair.dense.state.stop_reason} - {"finished"}
    return {
        "corpus": label,
        **result,
        "steps": pair.moe.state.step,
        "experts": cfg.n_experts,
        "top_k": cfg.top_k,
        "aux_coef": cfg.aux_coef,
        "stop_reason": "diverged" if "diverged" in reasons else "finished",
        "moe_val_losses": [round(r.val_loss, 4) for r in records.get("moe_evals", [])],
        "dense_val_losses": [round(r.val_loss, 4) for r in records.get("dense_evals", [])],
    }


def register(subparsers) -> None:
    low, high = MOE_EXPERTS_RANGE
    parser = subparsers.add_parser(
        "moe", help="train a tiny mixture of experts beside a dense model of the same active size"
    )
    parser.add_argument(
        "--corpus", default=DEFAULT_CORPUS, help="built-in corpus name (see `corpora`) or a UTF-8 text file"
    )
    parser.add_argument("--experts", type=bounded_int(low, high), default=4, help=f"experts per layer, {low}..{high}")
    parser.add_argument("--top-k", type=bounded_int(1, high), default=2, help="experts per token, 1..experts")
    parser.add_argument(
        "--steps", type=bounded_int(1, MOE_MAX_STEPS), default=DEFAULT_STEPS, help=f"1..{MOE_MAX_STEPS}"
    )
    parser.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=0)
    parser.add_argument("--aux-coef", type=float, default=0.01, choices=moe.AUX_CHOICES, help="load-balancing weight")
    parser.add_argument(
        "--sentence", default=None, help=f"whose routing to show (at most {MOE_MAX_SENTENCE_CHARS} characters)"
    )
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
