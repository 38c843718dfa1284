"""`perplexity TEXT`: the text's perplexity and each token's surprisal (−log p, in nats)."""

from explain.cli.common import CliError, add_json_flag, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.next_token.perplexity import score


def run(args) -> dict:
    text = text_argument(args.text)
    lm = load_for_cli(args.model, args.device, args.dtype)
    if lm.kind != "causal-lm":
        raise CliError(f"'{args.model}' is an encoder; perplexity needs a causal LM such as smollm2-135m.")
    try:
        result = score(lm, text)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return {"model": lm.name, **result.as_dict()}


def register(subparsers) -> None:
    parser = subparsers.add_parser("perplexity", help="perplexity = exp(mean negative log-likelihood per token)")
    parser.add_argument("text")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
