"""Vector search as a vector database does it: chunk texts, embed them, index them, query.

This is how retrieval-augmented generation (RAG) finds passages for a question.
It is not how an LLM reads its input: the LLM turns each token into a vector by
a table lookup (one row of its embedding matrix), no search involved. Also holds
the built-in texts and the common-word candidates of the sentence space.
Leaves out cutting text (`embeddings/chunking.py`), the vectors (`embeddings/sentences.py`) and the
index (`embeddings/index.py`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from explain.core.cache import cached_array, safe_name
from explain.core.limits import MAX_CHUNKS, MAX_ITEM_CHARS, MAX_ITEMS
from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS, cache_subdir
from explain.embeddings.chunking import chunk_text
from explain.embeddings.index import VectorIndex, cosine_top_k
from explain.embeddings.sentences import embed_texts
from explain.embeddings.token_table import english_words

DATA = ASSETS / "embeddings"
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


def passages(text: str) -> list[str]:
    """The user's text as passages to index: the one chunker's chunks (`embeddings/chunking.py`), duplicates dropped.

    >>> passages("One. Two.\n\nOne. Two.")
    ['One. Two.']
    """
    return list(dict.fromkeys(c.text for c in chunk_text(text)))[:MAX_CHUNKS]


@dataclass
class Collection:
    items: list  # (N,) what was indexed, in index order: passages (str) or `Chunk`s
    vectors: np.ndarray  # (N, 384) their MiniLM unit vectors
    index: VectorIndex  # the HNSW index over `vectors`

    @property
    def texts(self) -> list[str]:
        """(N,) what each item reads as text (a Chunk's own text, without its heading)."""
        return [getattr(item, "text", item) for item in self.items]


def build_collection(encoder: LoadedModel, items: list, text_of: Callable[[Any], str] = str) -> Collection:
    """Embed `text_of(item)` for each item (at least one) and index the vectors: the one embed-and-index path."""
    if not items:
        raise ValueError("There is nothing to index: paste some text or use the built-in collection.")
    vectors = embed_texts(encoder, [text_of(item) for item in items])
    return Collection(list(items), vectors, VectorIndex(vectors))


@dataclass
class Match:
    item: Any  # the stored item (a passage, or a Chunk)
    score: float  # cosine similarity with the query
    index: int  # its row in the collection

    @property
    def text(self) -> str:
        return getattr(self.item, "text", self.item)


def search(encoder: LoadedModel, collection: Collection, query: str, k: int) -> tuple[np.ndarray, list[Match]]:
    """(query vector (384,), top-k items by the index, best first)."""
    q = embed_texts(encoder, [query])[0]
    hits = collection.index.search(q, k)
    return q, [Match(collection.items[h.index], h.score, h.index) for h in hits]


def common_words(n: int | None = None) -> list[str]:
    """The `n` (default COMMON_WORDS) most frequent words of the built-in list: the sentence space's candidates."""
    return list(english_words()[: n or COMMON_WORDS])


def word_vectors(encoder: LoadedModel, words: list[str]) -> np.ndarray:
    """(N, 384) MiniLM vectors of `words`, kept on disk (3,000 words take seconds to embed)."""
    key = hashlib.sha1("\n".join(words).encode()).hexdigest()[:12]
    path = cache_subdir("embeddings") / f"{safe_name(encoder.name)}-{len(words)}-{key}.npy"
    shape = (len(words), encoder.config.hidden_size)
    return cached_array(path, shape, lambda: embed_texts(encoder, words))[0]


def nearest_texts(
    candidates: list[str], vectors: np.ndarray, query_vector: np.ndarray, k: int, exclude: str = ""
) -> list[Match]:
    """Exact cosine top-k among `candidates` (N,) / `vectors` (N, D), leaving out `exclude` itself."""
    skip = exclude.strip().lower()
    own = {i for i, c in enumerate(candidates) if c.strip().lower() == skip}
    return [Match(candidates[h.index], h.score, h.index) for h in cosine_top_k(vectors, query_vector, k, own)]
