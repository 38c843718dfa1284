"""The default token maps' UMAP layouts, computed in the background right after the model is first loaded.

A first UMAP costs ~30 s on 2 cores (numba compiles its code, then fits), so a class that opened the
embeddings page first would wait for it. `precompute_job(lm)` returns a background job (the one runner,
`core/jobs.py`) that computes, one map per piece of work, the layouts the page asks for by default
(`DEFAULT_MAPS`), for exactly the token set the page builds (`map_tokens`), into the same disk cache
(`projection.cached_projection`); numba's compiled code is kept in the cache folder too
(NUMBA_CACHE_DIR, set in `projection.py`), so a restarted server pays neither. A page that asks while
a layout is still being computed waits for that computation (not a second one) and meanwhile shows
PCA, with progress. Layouts already on disk are skipped, so a warm start starts no work at all.
Leaves out starting it (the page glue does, in `ui/models.py`) and drawing.
"""

from __future__ import annotations

from collections.abc import Iterator

from explain.core.job_board import Board
from explain.core.jobs import BackgroundJob
from explain.core.limits import MAX_JOB_SECONDS
from explain.core.loading import LoadedModel
from explain.embeddings.groups import load_groups, with_groups
from explain.embeddings.projection import ProjectionParams, cached_projection, is_cached
from explain.embeddings.token_table import TokenSet, whole_word_tokens

DEFAULT_MAPS = ((2000, ProjectionParams(method="umap", dims=2)),)  # the page's defaults: emb_n, emb_method, emb_dims


def layout_name(lm: LoadedModel) -> str:
    """The cache name the embeddings page files a model's layouts under."""
    return f"{lm.name}-{lm.dtype_name}"


def map_tokens(lm: LoadedModel, n: int) -> TokenSet:
    """The page's token set for `n`: `n` whole words plus the group words."""
    return with_groups(lm, whole_word_tokens(lm, n), load_groups())


def missing_maps(lm: LoadedModel) -> list[tuple[int, ProjectionParams]]:
    """The default maps with no layout on disk or in memory yet."""
    return [(n, p) for n, p in DEFAULT_MAPS if not is_cached(layout_name(lm), map_tokens(lm, n).vectors, p)]


def precompute_work(lm: LoadedModel, maps: list, board: Board) -> Iterator[None]:
    """One layout per `next()`; the board counts them ("done" of "total")."""
    for done, (n, params) in enumerate(maps, start=1):
        cached_projection(layout_name(lm), map_tokens(lm, n).vectors, params)
        board.set(done=done)
        yield
    return "finished", ""


def precompute_job(lm: LoadedModel) -> BackgroundJob | None:
    """A started background job computing the missing default layouts of `lm`; None when none is missing."""
    maps = missing_maps(lm)
    if not maps:
        return None
    board = Board(done=0, total=len(maps))
    job = BackgroundJob(precompute_work(lm, maps, board), board, stale_after=MAX_JOB_SECONDS)
    return job.start()
