"""`reward QUESTION [--n N] [--seed S]`: n sampled answers ranked by a MiniLM reward model (pizza pairs)."""

from explain.assistant.pairs import read_pairs, split_pairs
from explain.assistant.reward import best_of_n, ranking_accuracy, train_reward_model
from explain.cli.common import CliError, add_json_flag, bounded_int, text_argument
from explain.cli.models_arg import load_for_cli
from explain.core import registry
from explain.core.limits import REWARD_MAX_N, REWARD_MAX_QUESTION_CHARS


def run(args) -> dict:
    question = text_argument(args.question)
    if len(question) > REWARD_MAX_QUESTION_CHARS:
        raise CliError(
            f"The question is {len(question):,} characters; at most {REWARD_MAX_QUESTION_CHARS} are allowed."
        )
    lm = load_for_cli(registry.DEFAULT_CAUSAL_LM, args.device, args.dtype)
    encoder = load_for_cli(registry.DEFAULT_ENCODER, args.device)
    train, held_out = split_pairs(read_pairs())
    model = train_reward_model(encoder, train)
    return {
        "question": question,
        "heldout_ranking_accuracy": round(ranking_accuracy(model, encoder, held_out), 4),
        "candidates": [
            {"text": c["text"], "reward": round(c["reward"], 4)}
            for c in best_of_n(model, lm, encoder, question, args.n, args.seed)
        ],
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("reward", help="best-of-n: sampled answers ranked by a small reward model")
    parser.add_argument("question")
    parser.add_argument("--n", type=bounded_int(1, REWARD_MAX_N), default=4, help=f"answers sampled, 1..{REWARD_MAX_N}")
    parser.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=0, help="seed of the first sample")
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    parser.add_argument("--dtype", default=None, help="auto (default), float32 or bfloat16")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
