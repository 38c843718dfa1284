"""`neighbours WORD --space token|sentence --k 10`: the nearest words by cosine similarity.

token: rows of SmolLM2's input-embedding table, searched over the whole vocabulary
(576 dimensions). sentence: MiniLM vectors of a built-in list of common English
words, or of the lines of `--candidates FILE`.
"""

from __future__ import annotations

from explain.cli.common import CliError, add_json_flag, bounded_int, text_argument
from explain.cli.models_arg import add_model_args, load_for_cli
from explain.core import registry
from explain.core.limits import MAX_CANDIDATE_BYTES, MAX_CANDIDATES, MAX_QUERY_CHARS, MAX_TOP_K
from explain.core.text_input import clean_text, read_text_file, valid_unicode
from explain.embeddings.search import common_words, nearest_texts, parse_items, word_vectors
from explain.embeddings.sentences import embed_texts
from explain.embeddings.token_table import neighbours_in_vocabulary, query_vector


def _candidates(path: str | None) -> list[str]:
    if path is None:
        return common_words()
    raw, _ = read_text_file(path, MAX_CANDIDATE_BYTES)
    items, dropped = parse_items(clean_text(raw, limit=MAX_CANDIDATE_BYTES).text, limit=MAX_CANDIDATES)
    if not items:
        raise CliError(f"--candidates: '{path}' has no non-empty lines.")
    return items


def _token_space(args, word: str) -> dict:
    lm = load_for_cli(args.model, args.device, args.dtype)
    if lm.kind != "causal-lm":
        raise CliError("The token space needs a causal LM such as smollm2-135m.")
    query = query_vector(lm, word)
    hits = neighbours_in_vocabulary(lm, query, args.k)
    return {
        "query": query.text,
        "space": "token",
        "model": lm.name,
        "query_tokens": query.pieces,
        "candidates": "vocabulary",
        "neighbours": [{"text": h.text, "score": round(h.score, 4)} for h in hits],
    }


def _sentence_space(args, word: str) -> dict:
    encoder = load_for_cli(registry.DEFAULT_ENCODER, args.device, args.dtype)
    candidates = _candidates(args.candidates)
    vectors = word_vectors(encoder, candidates)
    hits = nearest_texts(candidates, vectors, embed_texts(encoder, [word])[0], args.k, exclude=word)
    return {
        "query": word,
        "space": "sentence",
        "model": encoder.name,
        "candidates": valid_unicode(args.candidates or "common words"),
        "neighbours": [{"text": h.text, "score": round(h.score, 4)} for h in hits],
    }


def run(args) -> dict:
    word = text_argument(args.word)
    if len(word) > MAX_QUERY_CHARS:
        raise CliError(f"WORD is {len(word)} characters; at most {MAX_QUERY_CHARS}.")
    if args.space == "token":
        return _token_space(args, word)
    return _sentence_space(args, word)


def register(subparsers) -> None:
    parser = subparsers.add_parser("neighbours", help="nearest words in the token or sentence embedding space")
    parser.add_argument("word")
    parser.add_argument("--space", choices=("token", "sentence"), default="token")
    parser.add_argument("--k", type=bounded_int(1, MAX_TOP_K), default=10, help=f"1..{MAX_TOP_K}")
    parser.add_argument("--candidates", default=None, help="sentence space: a file with one candidate per line")
    add_model_args(parser, registry.DEFAULT_CAUSAL_LM)  # the token space's model; the sentence space uses MiniLM
    add_json_flag(parser)
    parser.set_defaults(handler=run)
