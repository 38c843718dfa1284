"""UMAP computed in a child process, so the app's server never imports umap.

Why: `import umap` (with numba, llvmlite and pynndescent) adds about 260 MB to the process that imports
it, for the rest of its life (measured: 821 -> 1,081 MB with SmolLM2 already loaded), and a class server
runs for hours while it needs a new layout only a few times (each is then read from disk). A child pays
about 3 s to start and import, small beside a fit of 8-25 s, and gives all of it back when it exits; its
numba work does not hold the server's interpreter lock either. The child receives the vectors and the
parameters as files in a private temporary folder (.npy without pickle, JSON) and writes the layout back
the same way; `fit_umap` is the fit itself, identical in both processes. Leaves out caching
(`projection.py`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import warnings
from dataclasses import asdict
from pathlib import Path

import numpy as np

from explain.core.limits import MAX_UMAP_SECONDS
from explain.core.paths import PROJECT_ROOT
from explain.embeddings.projection import ProjectionParams


def fit_umap(vectors: np.ndarray, params: ProjectionParams) -> np.ndarray:
    """(N, dims) float32 UMAP layout of (N, D) unit vectors, seeded (the same in any process)."""
    import umap  # slow import: see projection.py's docstring

    n_neighbors = max(2, min(params.n_neighbors, len(vectors) - 1))
    reducer = umap.UMAP(
        n_components=params.dims,
        n_neighbors=n_neighbors,
        min_dist=params.min_dist,
        metric="cosine",
        random_state=params.seed,
        init="spectral" if len(vectors) > params.dims + 1 else "random",
    )
    with warnings.catch_warnings():  # "n_jobs overridden by random_state": chosen on purpose (determinism)
        warnings.simplefilter("ignore", UserWarning)
        return reducer.fit_transform(vectors).astype(np.float32)


def umap_in_child(vectors: np.ndarray, params: ProjectionParams) -> np.ndarray:
    """`fit_umap(vectors, params)` run by `python -m explain.embeddings.umap_process` in a child process."""
    with tempfile.TemporaryDirectory(prefix="umap-") as folder:
        np.save(Path(folder) / "vectors.npy", np.asarray(vectors, dtype=np.float32), allow_pickle=False)
        (Path(folder) / "params.json").write_text(json.dumps(asdict(params)), encoding="utf-8")
        try:  # `-m` from the project's root finds this package; the child inherits NUMBA_CACHE_DIR
            done = subprocess.run(
                [sys.executable, "-m", "explain.embeddings.umap_process", folder],
                capture_output=True, text=True, timeout=MAX_UMAP_SECONDS, cwd=PROJECT_ROOT,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"UMAP took longer than {MAX_UMAP_SECONDS} s and was stopped; try PCA.") from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise RuntimeError(f"UMAP failed in its worker process: {last}")
        return np.load(Path(folder) / "layout.npy", allow_pickle=False)


def _main(folder: Path) -> None:
    vectors = np.load(folder / "vectors.npy", allow_pickle=False)
    params = ProjectionParams(**json.loads((folder / "params.json").read_text(encoding="utf-8")))
    np.save(folder / "layout.npy", fit_umap(vectors, params), allow_pickle=False)


if __name__ == "__main__":
    _main(Path(sys.argv[1]))
