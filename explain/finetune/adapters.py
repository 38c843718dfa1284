"""Saved LoRA adapters: where they live in the cache, their safe folder names, and what is stored beside them.

Only the adapters are saved (about 1.8 MB at r=8), with `explainer.json` holding the run's config
and loss history. Leaves out loading them onto a model (see `finetune/lora.py: load_finetuned`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from explain.core.paths import cache_subdir

META_FILE = "explainer.json"  # the run's config and loss history, beside the adapter


def adapters_dir() -> Path:
    return cache_subdir("adapters")


def safe_name(name: str) -> str:
    """A folder name made of letters, digits, '-' and '_' (at most 40), e.g. "pizza run/1" -> "pizza-run-1"."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40]
    return cleaned or "adapter"


def folder_of(name: str) -> Path:
    """The folder the adapter `name` is (or would be) saved in."""
    return adapters_dir() / safe_name(name)


def write(model: Any, name: str, config: dict, history: list[dict]) -> Path:
    """Save the peft `model`'s adapters and the run's config and history under adapters/<name>."""
    folder = folder_of(name)
    model.save_pretrained(str(folder))
    (folder / META_FILE).write_text(json.dumps({"config": config, "history": history}), encoding="utf-8")
    return folder


def saved_adapters() -> list[str]:
    """Names of the adapter folders saved so far, newest first."""
    found = [p for p in adapters_dir().iterdir() if (p / "adapter_config.json").is_file()]
    return [p.name for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def saved_history(name: str) -> list[dict]:
    """The loss history stored beside an adapter ([] when there is none)."""
    path = folder_of(name) / META_FILE
    return json.loads(path.read_text(encoding="utf-8")).get("history", []) if path.is_file() else []
