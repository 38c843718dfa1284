"""The KV cache's size: the formula from the model's config, and the real cache measured.

Generating a token reuses the keys and values of every token before it; the model keeps them, per
layer, in its KV cache. Per token that is 2 (a key and a value) x layers x key-value heads x head
size numbers, each of the weights' number format:

    >>> bytes_per_token({"num_hidden_layers": 30, "num_key_value_heads": 3, "head_dim": 64}, 2)
    23040

For SmolLM2-135M in bfloat16 that is 23,040 bytes a token: 94 MB at 4,096 tokens. Leaves out
paged or quantised caches and the attention weights themselves (T x T, never cached).
"""

from __future__ import annotations

from typing import Any

import torch


def _get(config: Any, name: str, default: Any = None) -> Any:
    return config.get(name, default) if isinstance(config, dict) else getattr(config, name, default)


def head_size(config: Any) -> int:
    """Numbers per head: `head_dim` when the config says it, else hidden_size / attention heads."""
    size = _get(config, "head_dim")
    return int(size) if size else int(_get(config, "hidden_size")) // int(_get(config, "num_attention_heads"))


def kv_heads(config: Any) -> int:
    """Key-value heads (fewer than query heads with grouped-query attention; SmolLM2: 3 for 9)."""
    return int(_get(config, "num_key_value_heads") or _get(config, "num_attention_heads"))


def bytes_per_token(config: Any, bytes_per_value: int) -> int:
    """2 * layers * kv_heads * head_size * bytes_per_value: the cache's growth per token."""
    return 2 * int(_get(config, "num_hidden_layers")) * kv_heads(config) * head_size(config) * bytes_per_value


def bytes_per_value(dtype: torch.dtype) -> int:
    """4 for float32, 2 for bfloat16."""
    return torch.empty((), dtype=dtype).element_size()


def formula(config: Any, dtype: torch.dtype) -> dict:
    """The formula's parts and result, for the page and the CLI."""
    per_value = bytes_per_value(dtype)
    return {
        "layers": int(_get(config, "num_hidden_layers")),
        "kv_heads": kv_heads(config),
        "head_size": head_size(config),
        "bytes_per_value": per_value,
        "bytes_per_token": bytes_per_token(config, per_value),
    }


def _tensors(cache: Any) -> list[torch.Tensor]:
    """Every key and value tensor in a transformers cache (a `DynamicCache`, or the old tuple of tuples)."""
    if hasattr(cache, "layers"):
        return [t for layer in cache.layers for t in (layer.keys, layer.values) if t is not None]
    return [t for layer in cache for t in layer]


def measured_bytes(cache: Any) -> int:
    """Bytes the real cache holds: the sum over its key and value tensors (B, kv_heads, T, head_size)."""
    return sum(t.numel() * t.element_size() for t in _tensors(cache))
