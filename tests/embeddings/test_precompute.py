"""Background precompute of the default maps: computed once, into the page's cache, joined by a page asking."""

from __future__ import annotations

import pytest

from explain.embeddings import precompute, projection
from explain.embeddings.projection import ProjectionParams


@pytest.fixture
def small_default(monkeypatch):
    """A 300-token default map (the real one is 2,000): the same code path, a fifth of the UMAP time."""
    monkeypatch.setattr(precompute, "DEFAULT_MAPS", ((300, ProjectionParams(method="umap", dims=2, seed=7)),))
    projection.clear_memory_cache()


def test_the_page_finds_the_default_map_computed_once_by_the_background_job(smollm, small_default, monkeypatch):
    calls = []
    real = projection.project
    monkeypatch.setattr(projection, "project", lambda v, p: calls.append(len(v)) or real(v, p))
    ((n, params),) = precompute.DEFAULT_MAPS
    vectors = precompute.map_tokens(smollm, n).vectors
    name = precompute.layout_name(smollm)
    for path in (projection.cache_subdir("umap")).glob(f"{projection.cache_key(name, vectors, params)}*"):
        path.unlink()
    job = precompute.precompute_job(smollm)
    assert job is not None
    page = projection.cached_projection(name, vectors, params)  # asked while the job runs: waits for it
    job.join(60)
    assert job.view().status == "finished" and job.view().values["done"] == 1
    assert calls == [len(vectors)]  # one UMAP fit, shared by the job and the page
    assert page.coords.shape == (len(vectors), 2)
    assert projection.is_cached(name, vectors, params)  # on disk and in memory: the page draws at once
    assert precompute.precompute_job(smollm) is None  # a warm start starts no work
