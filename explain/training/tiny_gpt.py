"""A tiny GPT-style causal language model, built from a config with `transformers`, trained from scratch.

It is a real `LlamaForCausalLM` (the architecture of SmolLM2: rotary positions,
RMSNorm, SwiGLU MLP, tied embeddings), only tiny, so the tokens, attention and
next-token pages work on it unchanged once saved. Covers the size presets and
their bounds, building the model with GPT-2-style initialisation, counting
parameters and FLOPs, and saving / loading (safetensors + config + tokenizer).
Leaves out training (see `training/trainer.py`) and the tokenizer (see `training/char_tokenizer.py`).

    >>> cfg = preset("tiny")
    >>> model = build_model(cfg, vocab_size=60, seed=0)
    >>> count_parameters(model)   # about 0.2 M
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch

from explain.core import registry
from explain.core.limits import MAX_PARAMETERS

# Bounds on every size knob: the page's inputs and the CLI quote these.
LAYER_RANGE = (1, 8)
HEAD_RANGE = (1, 8)
WIDTH_RANGE = (16, 512)  # must be a multiple of 2 x heads (rotary needs an even head size)
CONTEXT_RANGE = (16, 256)
INIT_STD = 0.02  # GPT-2's init; PyTorch's default with tied embeddings starts the loss near 75
META_FILE = "training_meta.json"  # what a saved model was trained on, beside config.json


@dataclass(frozen=True)
class TinyGPTConfig:
    n_layer: int = 3  # transformer blocks stacked
    n_head: int = 4  # attention heads per block (all heads have their own keys and values)
    n_embd: int = 64  # width of the residual stream (the embedding size)
    block_size: int = 64  # context length in tokens the model can look back over
    mlp_ratio: int = 4  # MLP hidden width = mlp_ratio x n_embd

    def problems(self) -> list[str]:
        """What is out of bounds, in words a user can act on; [] when the config is fine."""
        found = []
        for field, (low, high) in (
            ("n_layer", LAYER_RANGE),
            ("n_head", HEAD_RANGE),
            ("n_embd", WIDTH_RANGE),
            ("block_size", CONTEXT_RANGE),
        ):
            value = getattr(self, field)
            if not low <= value <= high:
                found.append(f"{field} must be between {low} and {high}, got {value}")
        if self.n_embd % (2 * max(self.n_head, 1)):
            found.append(f"n_embd ({self.n_embd}) must be a multiple of 2 x n_head ({2 * self.n_head})")
        return found

    def as_dict(self) -> dict:
        return asdict(self)


PRESETS = {
    "tiny": TinyGPTConfig(n_layer=3, n_head=4, n_embd=64, block_size=64),  # ~0.2 M parameters
    "small": TinyGPTConfig(n_layer=4, n_head=4, n_embd=128, block_size=128),  # ~1 M
    "medium": TinyGPTConfig(n_layer=5, n_head=8, n_embd=256, block_size=128),  # ~5 M
}


def preset(name: str, **overrides: int) -> TinyGPTConfig:
    """A preset by name ("tiny", "small", "medium"), with some fields overridden."""
    if name not in PRESETS:
        raise ValueError(f"Unknown preset '{name}'; choose one of: {', '.join(PRESETS)}.")
    return replace(PRESETS[name], **overrides)


def hf_config(cfg: TinyGPTConfig, vocab_size: int):
    """The `transformers` LlamaConfig for `cfg` (eager attention, so attention weights can be returned)."""
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.n_embd,
        intermediate_size=cfg.mlp_ratio * cfg.n_embd,
        num_hidden_layers=cfg.n_layer,
        num_attention_heads=cfg.n_head,
        num_key_value_heads=cfg.n_head,
        max_position_embeddings=cfg.block_size,
        tie_word_embeddings=True,
        initializer_range=INIT_STD,
        bos_token_id=None,
        eos_token_id=None,
        pad_token_id=None,
    )


def estimate_parameters(cfg: TinyGPTConfig, vocab_size: int) -> int:
    """Parameters of the model without building it (exact for the Llama layout used here)."""
    d, f = cfg.n_embd, cfg.mlp_ratio * cfg.n_embd
    per_layer = 4 * d * d + 3 * d * f + 2 * d  # q,k,v,o + gate,up,down + two RMSNorms
    return vocab_size * d + cfg.n_layer * per_layer + d  # tied embedding + blocks + final norm


def init_weights(model: torch.nn.Module, std: float = INIT_STD) -> None:
    """GPT-2-style init: every Linear and Embedding weight ~ normal(0, std), biases 0, norms 1."""
    for module in model.modules():
        if isinstance(module, (torch.nn.Linear, torch.nn.Embedding)):
            torch.nn.init.normal_(module.weight, mean=0.0, std=std)
            if getattr(module, "bias", None) is not None:
                torch.nn.init.zeros_(module.bias)


def build_model(cfg: TinyGPTConfig, vocab_size: int, seed: int = 0, attn: str = "sdpa") -> Any:
    """A freshly initialised `LlamaForCausalLM` for `cfg`, the same for the same seed.

    The seed is applied inside `torch.random.fork_rng`, so building a model never
    disturbs the random state of other threads. `attn="sdpa"` is fast for
    training; the saved config loads with eager attention elsewhere.
    """
    from transformers import LlamaForCausalLM

    problems = cfg.problems()
    if problems:
        raise ValueError("; ".join(problems))
    if estimate_parameters(cfg, vocab_size) > MAX_PARAMETERS:
        raise ValueError(f"The model would have over {MAX_PARAMETERS:,} parameters; make it narrower or shallower.")
    config = hf_config(cfg, vocab_size)
    config._attn_implementation = attn
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LlamaForCausalLM(config)
        init_weights(model)
    return model


def count_parameters(model: torch.nn.Module) -> int:
    """Distinct parameters (a tied embedding counts once)."""
    return sum(p.numel() for p in model.parameters())


def flops_per_token(cfg: TinyGPTConfig, n_params: int, vocab_size: int, context: int) -> float:
    """Training FLOPs per token: 6 x parameters + attention's 12 L T d (the PaLM paper's estimate).

    Forward is 2 FLOPs per weight (multiply + add), backward twice that. With tied
    embeddings every parameter is in a matmul once: the embedding lookup is free
    but the same matrix is the output layer. `vocab_size` is kept for untied variants.
    """
    return 6 * n_params + 12 * cfg.n_layer * context * cfg.n_embd


def config_of(model: Any) -> TinyGPTConfig:
    """The TinyGPTConfig of a built or loaded tiny model."""
    c = model.config
    return TinyGPTConfig(
        n_layer=c.num_hidden_layers,
        n_head=c.num_attention_heads,
        n_embd=c.hidden_size,
        block_size=c.max_position_embeddings,
        mlp_ratio=max(1, c.intermediate_size // c.hidden_size),
    )


def check_name(name: str) -> str:
    """A safe folder name for a saved model ('pizza-1'): the registry's one rule for saving and loading."""
    return registry.check_trained_name(name)


def save(model: Any, tokenizer: Any, folder: str | Path, meta: dict | None = None) -> Path:
    """Write safetensors weights, config.json, the tokenizer and `meta` (JSON) into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    training_attention = model.config._attn_implementation  # a run saved midway keeps training with its own
    model.config._attn_implementation = "eager"  # what the other pages load it with
    try:
        model.save_pretrained(folder, safe_serialization=True)
    finally:
        model.config._attn_implementation = training_attention
    tokenizer.save_pretrained(folder)
    (folder / META_FILE).write_text(json.dumps(meta or {}, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def save_trained(model: Any, tokenizer: Any, name: str, meta: dict | None = None) -> str:
    """Save into the registry's trained-models folder; returns the model name "trained/<name>"."""
    save(model, tokenizer, registry.trained_models_dir() / check_name(name), meta)
    return registry.TRAINED_PREFIX + check_name(name)


def load(folder: str | Path, attn: str = "eager") -> tuple[Any, Any, dict]:
    """(model, tokenizer, meta) from a folder written by `save`; the model in float32 on the CPU."""
    from transformers import AutoTokenizer, LlamaForCausalLM

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise ValueError(f"No saved model in {folder}.")
    model = LlamaForCausalLM.from_pretrained(folder, attn_implementation=attn, use_safetensors=True)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    meta_path = folder / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    return model, tokenizer, meta
