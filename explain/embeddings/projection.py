"""Squashing many-dimensional vectors onto a 2D or 3D map: PCA, t-SNE, UMAP, cached.

Any such map distorts distances: PCA keeps the directions of largest spread and
loses the rest; t-SNE and UMAP keep who is near whom but stretch and shrink the
space between groups. So neighbours are always computed in the full space
(see `embeddings/token_table.py`), and the map only draws them.

UMAP is slow the first time: `import umap` compiles numba code (≈ 12 s, ≈ 2 s once
NUMBA_CACHE_DIR holds the compiled code) and the first fit in a process compiles
more (8-25 s). Layouts are therefore kept on disk under `cache_subdir("umap")`,
keyed by a name (model, N) plus the parameters and a fingerprint of the vectors,
and in memory. UMAP itself runs in a child process (`umap_process.py`), which keeps umap's ~260 MB
out of the server. Leaves out choosing the vectors and drawing them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from explain.core.cache import LRU, cached_array, load_array, safe_name
from explain.core.flight import SingleFlight
from explain.core.paths import cache_subdir
from explain.embeddings.index import unit_rows

# Before anything imports umap/numba: keep numba's compiled code in our cache, not site-packages.
os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_subdir("numba")))

METHODS = ("umap", "pca", "tsne")
_MEMORY = LRU(16)  # cache key -> (N, dims) layout, shared by every session of the process
_FLIGHTS = SingleFlight()  # one computation per layout at a time, shared by whoever asks meanwhile


@dataclass(frozen=True)
class ProjectionParams:
    method: str = "umap"  # "umap", "pca" or "tsne"
    dims: int = 2  # 2 or 3 output coordinates per point
    n_neighbors: int = 15  # UMAP: how many neighbours shape each point's place (local vs global)
    min_dist: float = 0.1  # UMAP: how tightly points may pack together
    perplexity: float = 30.0  # t-SNE: roughly the number of neighbours each point attends to
    seed: int = 42  # fixed, so the same input always gives the same map

    def key(self) -> str:
        """A short stable text for file names: 'umap-2d-<hash of all fields>'."""
        digest = hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:10]
        return f"{self.method}-{self.dims}d-{digest}"


def principal_axes(centred: np.ndarray, dims: int) -> np.ndarray:
    """(dims, D) directions of largest spread of centred rows (N, D), with deterministic signs.

    Eigenvectors of the (D, D) covariance, computed with one BLAS thread: on a busy
    2-core machine many threads made the same work 20x slower.
    """
    with threadpool_limits(1):
        _, eigvecs = np.linalg.eigh((centred.T @ centred).astype(np.float64))  # ascending eigenvalues
    axes = eigvecs[:, ::-1][:, :dims].T.astype(np.float32)  # largest spread first
    signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
    return axes * signs[:, None]


def pca(vectors: np.ndarray, dims: int) -> np.ndarray:
    """(N, dims) coordinates of (N, D) rows along their `dims` directions of largest spread."""
    centred = vectors - vectors.mean(axis=0)
    return (centred @ principal_axes(centred, dims).T).astype(np.float32)


def pca_with_extra(vectors: np.ndarray, extra: np.ndarray, dims: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """PCA fitted on unit `vectors` (N, D); `extra` (M, D) placed on the same map (a query, say)."""
    vectors, extra = unit_rows(np.asarray(vectors, np.float32)), unit_rows(np.asarray(extra, np.float32))
    mean = vectors.mean(axis=0)
    axes = principal_axes(vectors - mean, dims)
    return (vectors - mean) @ axes.T, (extra - mean) @ axes.T


def _umap(vectors: np.ndarray, params: ProjectionParams) -> np.ndarray:
    from explain.embeddings.umap_process import umap_in_child  # it imports this module

    return umap_in_child(vectors, params)  # never `import umap` here: ~260 MB kept for the server's life


def _tsne(vectors: np.ndarray, params: ProjectionParams) -> np.ndarray:
    from sklearn.manifold import TSNE

    perplexity = min(params.perplexity, max(1.0, (len(vectors) - 1) / 3))
    tsne = TSNE(n_components=params.dims, perplexity=perplexity, metric="cosine", init="pca", random_state=params.seed)
    return tsne.fit_transform(vectors).astype(np.float32)


def project(vectors: np.ndarray, params: ProjectionParams) -> np.ndarray:
    """(N, dims) map coordinates of (N, D) vectors; no caching here.

    Fewer than 4 points cannot be laid out by UMAP or t-SNE: they get PCA.
    """
    if params.method not in METHODS:
        raise ValueError(f"Unknown projection '{params.method}': choose one of {', '.join(METHODS)}.")
    vectors = unit_rows(np.asarray(vectors, dtype=np.float32))
    if len(vectors) == 0:
        return np.zeros((0, params.dims), dtype=np.float32)
    if params.method == "pca" or len(vectors) < 4:
        return pca(vectors, params.dims)
    if params.method == "umap":
        return _umap(vectors, params)
    return _tsne(vectors, params)


def fingerprint(vectors: np.ndarray) -> str:
    """A short hash of the numbers themselves, so a retrained model never reuses an old layout."""
    return hashlib.sha1(np.ascontiguousarray(vectors, dtype=np.float32).tobytes()).hexdigest()[:12]


def cache_key(name: str, vectors: np.ndarray, params: ProjectionParams) -> str:
    """'<name>-<N>-<params>-<fingerprint>', safe as a file name (name: e.g. 'smollm2-135m')."""
    return f"{safe_name(name)}-{len(vectors)}-{params.key()}-{fingerprint(vectors)}"


@dataclass
class Layout:
    coords: np.ndarray  # (N, dims) map coordinates
    source: str  # "memory", "disk" or "computed": where this layout came from
    seconds: float  # time spent getting it (compute, or read)


def is_cached(name: str, vectors: np.ndarray, params: ProjectionParams) -> bool:
    """True when `cached_projection` would answer without computing (the page then skips its progress)."""
    key = cache_key(name, vectors, params)
    if _MEMORY.get(key) is not None:
        return True
    return load_array(cache_subdir("umap") / f"{key}.npy", (len(vectors), params.dims)) is not None


def cached_projection(name: str, vectors: np.ndarray, params: ProjectionParams) -> Layout:
    """`project`, remembered in memory and on disk (a corrupt or unsound file is recomputed and replaced)."""
    start = time.perf_counter()
    key = cache_key(name, vectors, params)
    hit = _MEMORY.get(key)
    if hit is not None:
        return Layout(hit, "memory", time.perf_counter() - start)
    path = cache_subdir("umap") / f"{key}.npy"

    def compute() -> tuple[np.ndarray, str]:
        found = _MEMORY.get(key)
        return (
            (found, "memory")
            if found is not None
            else cached_array(path, (len(vectors), params.dims), lambda: project(vectors, params))
        )

    coords, source = _FLIGHTS.do(key, compute)  # a page asking while the background precompute runs waits for it
    _MEMORY.put(key, coords)
    return Layout(coords, source, time.perf_counter() - start)


def clear_memory_cache() -> None:
    """Forget in-memory layouts (tests use it to prove the disk cache answers)."""
    global _MEMORY
    _MEMORY = LRU(16)
