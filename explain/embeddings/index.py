"""Cosine similarity, exact and approximate: the one place vectors are normalised and ranked.

`unit` / `unit_rows` scale to length 1, so a dot product is a cosine; `cosine_top_k` is the exact
brute-force ranking (the oracle); `VectorIndex` is what a vector database keeps: hnswlib (HNSW
graphs, the algorithm inside most vector databases; small, well kept, pip-installable, no server)
with cosine distance, checked against the exact ranking in the tests. Leaves out making the
vectors (see `embeddings/sentences.py`, `embeddings/token_table.py`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np


@dataclass
class Hit:
    index: int  # row of the stored vector
    score: float  # cosine similarity to the query, 1 = same direction


def unit(vector: np.ndarray) -> np.ndarray:
    """(D,) scaled to length 1 (a zero vector stays zero): [3, 4] -> [0.6, 0.8]."""
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """(N, D) rows scaled to length 1, so a dot product is a cosine: [[3, 4]] -> [[0.6, 0.8]]."""
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


def cosine_scores(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """(N,) cosine similarity of each row of `vectors` (N, D) with `query` (D,)."""
    return unit_rows(vectors) @ unit(query)


def cosine_top_k(vectors: np.ndarray, query: np.ndarray, k: int, exclude: Collection[int] = ()) -> list[Hit]:
    """Brute-force cosine top-k over (N, D) rows, best first, ties in row order, `exclude` rows left out.

    >>> [h.index for h in cosine_top_k(np.eye(3), np.array([1.0, 0.1, 0.0]), 2)]
    [0, 1]
    """
    scores = cosine_scores(vectors, query)
    order = [int(i) for i in np.argsort(-scores, kind="stable") if int(i) not in exclude]
    return [Hit(i, float(scores[i])) for i in order[: max(0, k)]]


def exact_search(vectors: np.ndarray, query: np.ndarray, k: int) -> list[Hit]:
    """The oracle the index is checked against: `cosine_top_k` with k kept in 1..N."""
    return cosine_top_k(vectors, query, max(1, min(k, len(vectors))))


class VectorIndex:
    """Approximate nearest neighbours over unit vectors (N, D) with hnswlib."""

    def __init__(self, vectors: np.ndarray, ef: int = 200, m: int = 16, seed: int = 0) -> None:
        import hnswlib

        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) == 0:
            raise ValueError("The index needs at least one vector.")
        self.vectors = vectors
        self.index = hnswlib.Index(space="cosine", dim=vectors.shape[1])
        self.index.init_index(max_elements=len(vectors), ef_construction=ef, M=m, random_seed=seed)
        self.index.add_items(vectors, np.arange(len(vectors)))
        self.index.set_ef(max(ef, 50))

    def __len__(self) -> int:
        return len(self.vectors)

    def search(self, query: np.ndarray, k: int) -> list[Hit]:
        """The k stored vectors most similar to `query`, most similar first."""
        k = max(1, min(k, len(self)))
        labels, distances = self.index.knn_query(np.asarray(query, dtype=np.float32)[None, :], k=k)
        return [Hit(int(i), float(1.0 - d)) for i, d in zip(labels[0], distances[0])]
