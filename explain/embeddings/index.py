"""A vector index as a vector database keeps one: store unit vectors, find the nearest to a query.

Uses hnswlib (HNSW graphs, the algorithm inside most vector databases; small,
well kept, pip-installable, no server) with cosine distance. Small collections
are also searched exactly, so tests can compare the two. Leaves out making the
vectors (see `embeddings/sentences.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Hit:
    index: int  # row of the stored vector
    score: float  # cosine similarity to the query, 1 = same direction


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


def exact_search(vectors: np.ndarray, query: np.ndarray, k: int) -> list[Hit]:
    """Brute-force cosine top-k: the oracle the index is checked against."""
    unit = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
    q = query / max(float(np.linalg.norm(query)), 1e-12)
    scores = unit @ q
    order = np.argsort(-scores)[: max(1, min(k, len(vectors)))]
    return [Hit(int(i), float(scores[i])) for i in order]
