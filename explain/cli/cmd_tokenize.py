"""`tokenize TEXT --tokenizer NAME`: the tokens a real tokenizer cuts TEXT into."""

from explain.cli.common import CliError, add_json_flag, text_argument
from explain.tokens import load_tokenizer, tokenize


def run(args) -> dict:
    text = text_argument(args.text)
    try:
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
    add_json_flag(parser)
    parser.set_defaults(handler=run)
