"""`bpe --corpus NAME --merges N`: train a byte-level BPE and print its merges in order.

Each merge carries its rank, the pair, the new token (byte-level and readable)
and how often the pair occurred when it was merged; `agrees_with_tokenizers`
says whether Hugging Face `tokenizers` learned the same list.
"""

from explain.cli.common import CliError, add_json_flag, bounded_int
from explain.core.limits import BPE_MAX_CORPUS_BYTES, MAX_MERGES
from explain.core.text_input import read_text_file, valid_unicode
from explain.tokenization import bpe


def _corpus(args) -> tuple[str, bool]:
    if args.file:
        text, truncated = read_text_file(args.file, BPE_MAX_CORPUS_BYTES)
        return bpe.bound_corpus(text)[0], truncated
    try:
        return bpe.load_corpus(args.corpus), False
    except ValueError as exc:
        raise CliError(str(exc)) from None


def run(args) -> dict:
    text, truncated = _corpus(args)
    if not text.strip():
        raise CliError("The corpus is empty: give a file with some text.")
    steps = bpe.train_text(text, args.merges, bpe.STEP_TIME_LIMIT_S)
    reference = bpe.train_with_tokenizers(text, args.merges)
    return {
        "corpus": valid_unicode(args.file or args.corpus),
        "corpus_bytes": len(text.encode("utf-8")),
        "truncated_to_bytes": BPE_MAX_CORPUS_BYTES if truncated else None,
        "merges_requested": args.merges,
        "merges_learned": len(steps),
        "stopped_after_seconds": bpe.STEP_TIME_LIMIT_S if len(steps) < len(reference) else None,
        "agrees_with_tokenizers": [s.pair for s in steps] == reference[: len(steps)],
        "merges": [s.as_dict() | {"readable": bpe.readable(s.token)} for s in steps],
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser("bpe", help="train a byte-level BPE tokenizer and list its merges")
    parser.add_argument("--corpus", default="english", help=f"built-in corpus: {', '.join(bpe.CORPORA)}")
    parser.add_argument("--file", help=f"train on a UTF-8 text file instead (first {BPE_MAX_CORPUS_BYTES:,} bytes)")
    parser.add_argument("--merges", type=bounded_int(1, MAX_MERGES), default=100, help=f"1..{MAX_MERGES}")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
