"""`fingerprint`: SHA-256 over every parameter of the model (the same before and after any chat)."""

from explain.assistant.fingerprint import fingerprint
from explain.cli.common import add_json_flag
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry


def run(args) -> dict:
    lm = load_for_cli(args.model, args.device, args.dtype)
    return {
        "model": lm.name,
        "sha256": fingerprint(lm.model),
        "parameters": sum(p.numel() for p in lm.model.parameters()),
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("fingerprint", help="SHA-256 of every weight: proof that chatting changes none")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)
    add_json_flag(parser)
    parser.set_defaults(handler=run)
