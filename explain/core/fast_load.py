"""Loading a Llama-style model folder in a fraction of a second: the class from its config, the weights by assignment.

`AutoModelForCausalLM.from_pretrained` spends most of its ~2.5 s (SmolLM2, 2 cores) resolving
classes, checking keys and initialising weights it then overwrites. For the folders this app
writes itself (SmolLM2's converted copy, tiny models trained here: a single `model.safetensors`
and a `config.json` naming `LlamaForCausalLM`) that work is not needed: the architecture is
built on the meta device (no memory, no initialisation), the safetensors file is read (memory-
mapped) and its tensors are assigned as the parameters, then the tied output layer and the
rotary tables (computed buffers, not stored) are restored. The logits equal the Auto-class
path's bit for bit (tests/core/test_fast_load.py). Anything else (Hub models, other
architectures, sharded weights) returns None and goes through the Auto classes.
Leaves out tokenizers, devices and the choice of dtype (see `core/loading.py`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

ARCHITECTURES = ("LlamaForCausalLM",)  # the classes this path builds; every other one takes the Auto path
WEIGHTS = "model.safetensors"


def supported(folder: Path) -> bool:
    """True for a folder with one safetensors file and a config naming a class in ARCHITECTURES."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (folder / WEIGHTS).is_file() and config.get("architectures") in ([a] for a in ARCHITECTURES)


def load_llama(folder: Path, dtype: torch.dtype, attn: str = "eager") -> Any | None:
    """The model in `folder` in `dtype` (on the CPU, eval mode), or None when `supported` says no.

    Raises (like the Auto path) on a damaged file: a missing or unexpected weight, a wrong shape.
    """
    if not supported(folder):
        return None
    from safetensors.torch import load_file
    from transformers import GenerationConfig, LlamaConfig
    from transformers.models.llama.modeling_llama import LlamaForCausalLM, LlamaRotaryEmbedding

    config = LlamaConfig.from_pretrained(folder)
    config._attn_implementation = attn
    config.dtype = dtype
    with torch.device("meta"):
        model = LlamaForCausalLM(config)
    weights = load_file(folder / WEIGHTS)
    if any(t.dtype != dtype for t in weights.values()):
        weights = {k: t.to(dtype) for k, t in weights.items()}
    tied = bool(getattr(config, "tie_word_embeddings", False))
    if tied:
        weights.pop("lm_head.weight", None)  # saved or not, it is the embedding matrix
    missing, unexpected = model.load_state_dict(weights, strict=False, assign=True)
    if unexpected or set(missing) - ({"lm_head.weight"} if tied else set()):
        raise ValueError(f"weights do not match the config: missing {missing[:3]}, unexpected {unexpected[:3]}")
    if tied:
        model.lm_head.weight = model.model.embed_tokens.weight
    model.model.rotary_emb = LlamaRotaryEmbedding(config=config)  # computed buffers: never in the file
    if (folder / "generation_config.json").is_file():
        model.generation_config = GenerationConfig.from_pretrained(folder)
    return model.eval()
