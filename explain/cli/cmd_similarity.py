"""`similarity TEXT TEXT ...`: the cosine-similarity matrix of MiniLM sentence vectors."""

from __future__ import annotations

from explain.cli.common import CliError, add_json_flag, text_argument
from explain.cli.models_arg import load_for_cli
from explain.core import registry
from explain.core.limits import MAX_ITEM_CHARS, MAX_ITEMS
from explain.embeddings.sentences import cosine_matrix, embed_texts


def run(args) -> dict:
    if not 2 <= len(args.texts) <= MAX_ITEMS:
        raise CliError(f"Give between 2 and {MAX_ITEMS} texts, got {len(args.texts)}.")
    texts = [text_argument(t) for t in args.texts]
    if any(len(t) > MAX_ITEM_CHARS for t in texts):
        raise CliError(f"Each text may have at most {MAX_ITEM_CHARS} characters.")
    encoder = load_for_cli(registry.DEFAULT_ENCODER, args.device, None)
    matrix = cosine_matrix(embed_texts(encoder, texts))
    return {"model": encoder.name, "texts": texts, "matrix": [[round(float(v), 4) for v in row] for row in matrix]}


def register(subparsers) -> None:
    parser = subparsers.add_parser("similarity", help="cosine similarity of sentence embeddings (MiniLM)")
    parser.add_argument("texts", nargs="+", metavar="TEXT")
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
