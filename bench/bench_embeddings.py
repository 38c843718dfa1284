"""Embeddings: UMAP cold and warm, PCA for comparison, neighbour queries, a 10,000-text index.

UMAP runs in fresh processes with a private cache folder: the first with an empty
numba cache (what a new install pays), the second with the cache the first left
(what a restarted server pays: imports are faster and the layouts come from disk).
The 10,000-text index holds random unit vectors of MiniLM's width (384): query
latency depends on the count and width of the vectors, not on their meaning, and
embedding 10,000 texts would only time MiniLM. Quick mode maps 2,000 tokens only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import median_ms
from explain.core import registry
from explain.core.loading import load_model
from explain.core.paths import cache_dir
from explain.embeddings.index import VectorIndex, exact_search
from explain.embeddings.token_table import neighbours_in_vocabulary, query_vector

_UMAP_SCRIPT = """
import json, time
start = time.perf_counter()
from explain.embeddings.projection import ProjectionParams, cached_projection, clear_memory_cache, project, pca
import umap
out = {{"import_s": time.perf_counter() - start}}
from explain.core.loading import load_model
from explain.embeddings.token_table import whole_word_tokens
lm = load_model({name!r})
params = ProjectionParams(method="umap", dims=2)
for n in {sizes!r}:
    vectors = whole_word_tokens(lm, n).vectors
    t = time.perf_counter(); layout = cached_projection(lm.name, vectors, params)
    out[f"{{n}}_s"] = time.perf_counter() - t; out[f"{{n}}_source"] = layout.source
    t = time.perf_counter(); pca(vectors, 2); out[f"{{n}}_pca_ms"] = (time.perf_counter() - t) * 1000
print(json.dumps(out))
"""


def _umap_process(name: str, sizes: tuple[int, ...], cache: str) -> dict:
    env = dict(os.environ, LLM_EXPLAINER_CACHE=cache, NUMBA_CACHE_DIR=str(Path(cache) / "numba"), HF_HUB_OFFLINE="1")
    script = _UMAP_SCRIPT.format(name=name, sizes=sizes)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=3000)
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "UMAP run failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _umap(name: str, sizes: tuple[int, ...]) -> dict:
    """Cold (empty caches) then warm (same caches) runs, each in a fresh process."""
    with tempfile.TemporaryDirectory() as cache:
        models = cache_dir() / "models"
        if models.is_dir():  # reuse the converted model: we time UMAP, not the GGUF conversion
            os.symlink(models, Path(cache) / "models")
        cold = _umap_process(name, sizes, cache)
        warm = _umap_process(name, sizes, cache)
    result = {"umap_import_cold_s": round(cold["import_s"], 2), "umap_import_warm_s": round(warm["import_s"], 2)}
    for n in sizes:
        result[f"umap_{n}_cold_s"] = round(cold[f"{n}_s"], 2)  # the first size also pays numba's compile
        result[f"umap_{n}_warm_s"] = round(warm[f"{n}_s"], 3)  # read back from the disk cache
        result[f"umap_{n}_warm_source"] = warm[f"{n}_source"]
        result[f"pca_{n}_ms"] = round(cold[f"{n}_pca_ms"], 1)
    return result


def _index_latency(repeats: int) -> dict:
    """hnswlib vs exact search over 10,000 random unit vectors of width 384, top-10."""
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(10_000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[123] + 0.1 * rng.normal(size=384).astype(np.float32)
    start = time.perf_counter()
    index = VectorIndex(vectors)
    build_s = time.perf_counter() - start
    return {
        "index_10k_build_s": round(build_s, 2),
        "index_10k_query_ms": median_ms(lambda: index.search(query, 10), repeats * 10),
        "exact_10k_query_ms": median_ms(lambda: exact_search(vectors, query, 10), repeats * 10),
    }


def run(quick: bool) -> dict:
    sizes = (2000,) if quick else (2000, 5000, 10_000)
    repeats = 3 if quick else 9
    name = registry.DEFAULT_CAUSAL_LM
    lm = load_model(name)
    query = query_vector(lm, "book")
    neighbours_in_vocabulary(lm, query, 10)  # builds the unit-row table once, as the page's first query does
    return {
        "token_neighbours_ms": median_ms(lambda: neighbours_in_vocabulary(lm, query, 10), repeats),
        "vocabulary": int(lm.config.vocab_size),
        **_index_latency(repeats),
        **_umap(name, sizes),
    }
