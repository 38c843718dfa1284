"""`models`: the models LLM Explainer knows, and whether each is on this machine."""

from explain.cli.common import add_json_flag
from explain.core import registry


def run(args) -> dict:
    return {"models": [spec.as_dict() for spec in registry.all_specs()]}


def register(subparsers) -> None:
    parser = subparsers.add_parser("models", help="list the known models")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
