"""`rag QUESTION [--docs PATH ...] [--k K]`: retrieved chunks, the assembled prompt and SmolLM2's answer."""

from pathlib import Path

from explain.cli.common import CliError, add_json_flag, bounded_int, text_argument
from explain.cli.models_arg import load_for_cli
from explain.core import registry
from explain.core.limits import MAX_DOCUMENTS, MAX_K
from explain.embeddings.chunking import UploadError, read_document
from explain.finetune.rag import answer, build_index, builtin_documents


def _documents(paths: list[str] | None) -> dict[str, str]:
    if not paths:
        return builtin_documents()
    if len(paths) > MAX_DOCUMENTS:
        raise CliError(f"{len(paths)} files given; at most {MAX_DOCUMENTS} are indexed at once.")
    try:
        return {Path(p).name: read_document(Path(p)) for p in paths}
    except UploadError as exc:
        raise CliError(str(exc)) from None


def run(args) -> dict:
    question = text_argument(args.question)
    documents = _documents(args.docs)
    encoder = load_for_cli(registry.DEFAULT_ENCODER, args.device)
    lm = load_for_cli(registry.DEFAULT_CAUSAL_LM, args.device, args.dtype)
    try:
        index = build_index(encoder, documents)
    except UploadError as exc:
        raise CliError(str(exc)) from None
    result = answer(lm, encoder, index, question, k=args.k, max_new_tokens=args.max_new_tokens)
    return {"documents": sorted(documents), **result}


def register(subparsers) -> None:
    parser = subparsers.add_parser("rag", help="answer a question from retrieved document chunks")
    parser.add_argument("question")
    parser.add_argument(
        "--docs", nargs="+", metavar="PATH", help="text or markdown files to index instead of the lessons"
    )
    parser.add_argument("--k", type=bounded_int(1, MAX_K), default=3, help=f"chunks retrieved, 1..{MAX_K}")
    parser.add_argument("--max-new-tokens", type=bounded_int(1, 200), default=80, help="answer length bound, 1..200")
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    parser.add_argument("--dtype", default=None, help="auto (default), float32, bfloat16 or float16")
    add_json_flag(parser)
    parser.set_defaults(handler=run)
