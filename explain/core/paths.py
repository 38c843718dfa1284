"""Where LLM Explainer keeps files it computes: converted models, UMAP layouts, runs.

Covers the cache folder and the assets folder. Leaves out what goes in them.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ASSETS = PROJECT_ROOT / "assets"


def cache_dir() -> Path:
    """The writable cache folder, created on first use.

    `LLM_EXPLAINER_CACHE` wins; else `$XDG_CACHE_HOME/llm-explainer`; else
    `~/.cache/llm-explainer`, the XDG default.
    """
    override = os.environ.get("LLM_EXPLAINER_CACHE")
    if override:
        root = Path(override)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = Path(xdg) / "llm-explainer"
    root.mkdir(parents=True, exist_ok=True)
    return root


def cache_subdir(name: str) -> Path:
    """A named folder inside the cache (e.g. "models", "umap"), created on first use."""
    path = cache_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path
