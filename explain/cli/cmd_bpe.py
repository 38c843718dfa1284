"""`bpe --corpus NAME --merges N`: train a byte-level BPE and print its merges in order.

Each merge carries its rank, the pair, the new token (byte-level and readable)
and how often the pair occurred when it was merged; `agrees_with_tokenizers`
says whether Hugging Face `tokenizers` learned the same list.
"""

from pathlib import Path

from explain.cli.common import CliError, add_json_flag, bounded_int
from explain.core.limits import BPE_MAX_CORPUS_BYTES, MAX_MERGES
from explain.tokenization import bpe


def _corpus(args) -> tuple[str, bool]:
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise CliError(f"No file at {path}.")
        return bpe.bound_corpus(path.read_bytes())
    try:
        return bpe.load_corpus(args.corpus), False
    except ValueError as exc:
        raise CliError(str(exc)) from None


def run(args) -> dict:
    text, truncated = _corpus(args)
    if not text.strip():
        raise CliError("The corpus is empty: give a file with some text.")
    steps = bpe.train_text(text, args.merges)
    reference = bpe.train_with_tokenizers(text, args.merges)
    return {
        "corpus": args.file or args.corpus,
        "corpus_bytes": len(text.encode("utf-8")),
        "truncated_to_bytes": BPE_MAX_CORPUS_BYTES if truncated else None,
        "merges_requested": args.merges,
        "merges_learned": len(steps),
        "agrees_with_tokenizers": [s.pair for s in steps] == reference,
        "merges": [s.as_dict() | {"readable": bpe.readable(s.token)} for s in steps],
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("bpe", help="train a byte-level BPE tokenizer and list its merges")
    parser.add_argument("--corpus", default="english", help=f"built-in corpus: {', '.join(bpe.CORPORA)}")
    parser.add_argument("--file", help=f"train on a UTF-8 text file instead (first {BPE_MAX_CORPUS_BYTES:,} bytes)")
    parser.add_argument("--merges", type=bounded_int(1, MAX_MERGES), default=100, help=f"1..{MAX_MERGES}")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
