"""`corpora`: the built-in texts a tiny model can be trained on."""

from explain.cli.common import add_json_flag
from explain.training.corpora import list_corpora


def run(args) -> dict:
    return {"corpora": [info.as_dict() for info in list_corpora()]}


def register(subparsers) -> None:
    parser = subparsers.add_parser("corpora", help="list the built-in training corpora")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
