"""`tokenize TEXT --tokenizer NAME`: the tokens a real tokenizer cuts TEXT into.

With `--compare`, every tokenizer of the tokenization lab (SmolLM2, cl100k,
o200k, MiniLM, characters, words) with its pieces and counts. Every token
carries `bytes`; for byte-level tokenizers they concatenate to the UTF-8 text.
"""

from explain.cli.common import CliError, add_json_flag, text_argument
from explain.tokenization.compare import ALL_TOKENIZERS, compare, text_counts
from explain.tokenization.tokens import load_tokenizer, tokenize


def _compare(text: str) -> dict:
    results = compare(text, ALL_TOKENIZERS)
    return {
        "text": text,
        "tokenizers": {
            name: {"count": len(pieces), **text_counts(text, len(pieces)), "tokens": [p.as_dict() for p in pieces]}
            for name, pieces in results.items()
        },
    }


def run(args) -> dict:
    text = text_argument(args.text)
    try:
        if args.compare:
            return _compare(text)
        tokenizer = load_tokenizer(args.tokenizer)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return {"tokenizer": args.tokenizer, "tokens": [t.as_dict() for t in tokenize(tokenizer, text)]}


def register(subparsers) -> None:
    parser = subparsers.add_parser("tokenize", help="cut text into tokens")
    parser.add_argument("text", help="the text to tokenize")
    parser.add_argument(
        "--tokenizer", default="smollm2-135m", help="cl100k, o200k, smollm2-135m, minilm-l6 or a Hugging Face id"
    )
    parser.add_argument("--compare", action="store_true", help="every tokenizer side by side, with counts")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
