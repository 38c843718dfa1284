"""Vector search as a vector database does it: chunk texts, embed them, index them, query.

This is how retrieval-augmented generation (RAG) finds passages for a question.
It is not how an LLM reads its input: the LLM turns each token into a vector by
a table lookup (one row of its embedding matrix), no search involved. Also holds
the built-in texts and the common-word candidates of the sentence space.
Leaves out the vectors (`embeddings/sentences.py`) and the index (`embeddings/index.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS, cache_subdir
from explain.embeddings.index import VectorIndex
from explain.embeddings.sentences import embed_texts
from explain.embeddings.token_table import english_words

DATA = ASSETS / "embeddings"
MAX_ITEMS = 40  # words or sentences compared at once in the similarity view (a 40 × 40 heatmap)
MAX_ITEM_CHARS = 300  # characters per word or sentence there
MAX_CHUNKS = 300  # chunks of user text indexed at most
CHUNK_CHARS = 400  # a chunk's length at most, in characters
COMMON_WORDS = 3_000  # candidates of the sentence space: the most frequent words of the list


@lru_cache(maxsize=1)
def builtin_collection() -> tuple[str, ...]:
    """The built-in short texts (one per line of `collection.txt`; '#' lines are comments)."""
    lines = (DATA / "collection.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def presets() -> dict[str, list[str]]:
    """Named sets of words or sentences for the similarity view: {"book_worm": ["book", ...], ...}."""
    return json.loads((DATA / "presets.json").read_text(encoding="utf-8"))


def parse_items(text: str, limit: int = MAX_ITEMS) -> tuple[list[str], int]:
    """Lines of `text` as items: blanks and duplicates dropped, each cut to MAX_ITEM_CHARS.

    Returns (items, dropped): `dropped` counts lines beyond `limit`.
    >>> parse_items("book\\n\\nworm\\nbook")
    (['book', 'worm'], 0)
    """
    seen, items = set(), []
    for line in text.splitlines():
        item = " ".join(line.split())[:MAX_ITEM_CHARS]
        if item and item not in seen:
            seen.add(item)
            items.append(item)
    return items[:limit], max(0, len(items) - limit)


def split_chunks(text: str, max_chars: int = CHUNK_CHARS, max_chunks: int = MAX_CHUNKS) -> list[str]:
    """Cut text into passages: by blank lines, then by sentences to stay under `max_chars`.

    Duplicates are dropped; at most `max_chunks` are kept. A word longer than
    `max_chars` is cut at a space, or mid-word when there is none.
    >>> split_chunks("One. Two.\n\nThree.", max_chars=9)
    ['One. Two.', 'Three.']
    """
    pieces: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(para.split()))
        current = ""
        for sentence in filter(None, sentences):
            if current and len(current) + 1 + len(sentence) > max_chars:
                pieces.append(current)
                current = ""
            current = f"{current} {sentence}".strip()
            while len(current) > max_chars:  # a sentence too long for one chunk: cut at a space if there is one
                cut = current.rfind(" ", 1, max_chars + 1)
                cut = cut if cut > 0 else max_chars
                pieces.append(current[:cut].strip())
                current = current[cut:].strip()
        if current:
            pieces.append(current)
    return list(dict.fromkeys(pieces))[:max_chunks]


@dataclass
class Collection:
    texts: list[str]  # (N,) the stored passages
    vectors: np.ndarray  # (N, 384) their MiniLM unit vectors
    index: VectorIndex  # the HNSW index over `vectors`


def build_collection(encoder: LoadedModel, texts: list[str]) -> Collection:
    """Embed and index `texts` (at least one)."""
    if not texts:
        raise ValueError("There is nothing to index: paste some text or use the built-in collection.")
    vectors = embed_texts(encoder, list(texts))
    return Collection(list(texts), vectors, VectorIndex(vectors))


@dataclass
class Match:
    text: str  # the stored passage
    score: float  # cosine similarity with the query
    index: int  # its row in the collection


def search(encoder: LoadedModel, collection: Collection, query: str, k: int) -> tuple[np.ndarray, list[Match]]:
    """(query vector (384,), top-k passages by the index, best first)."""
    q = embed_texts(encoder, [query])[0]
    hits = collection.index.search(q, k)
    return q, [Match(collection.texts[h.index], h.score, h.index) for h in hits]


def common_words(n: int | None = None) -> list[str]:
    """The `n` (default COMMON_WORDS) most frequent words of the built-in list: the sentence space's candidates."""
    return list(english_words()[: n or COMMON_WORDS])


def word_vectors(encoder: LoadedModel, words: list[str]) -> np.ndarray:
    """(N, 384) MiniLM vectors of `words`, kept on disk (3,000 words take seconds to embed)."""
    key = hashlib.sha1("\n".join(words).encode()).hexdigest()[:12]
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in encoder.name)[:80]
    path = cache_subdir("embeddings") / f"{safe}-{len(words)}-{key}.npy"
    if path.is_file():
        try:
            vectors = np.load(path)
            if vectors.shape[0] == len(words):
                return vectors
        except (OSError, ValueError):
            pass
    vectors = embed_texts(encoder, words)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(tmp, vectors)
    os.replace(tmp, path)
    return vectors


def nearest_texts(
    candidates: list[str], vectors: np.ndarray, query_vector: np.ndarray, k: int, exclude: str = ""
) -> list[Match]:
    """Exact cosine top-k among `candidates` (N,) / `vectors` (N, D), leaving out `exclude` itself."""
    scores = vectors @ (query_vector / max(float(np.linalg.norm(query_vector)), 1e-12))  # (N,)
    order = np.argsort(-scores, kind="stable")
    skip = exclude.strip().lower()
    kept = [int(i) for i in order if candidates[int(i)].strip().lower() != skip]
    return [Match(candidates[i], float(scores[i]), i) for i in kept[: max(0, k)]]
