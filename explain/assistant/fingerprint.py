"""A fingerprint of a model's weights: one SHA-256 over every parameter's bytes, in a fixed order.

Two fingerprints are equal only if every one of the 134.5 M numbers is bit-for-bit the same, so
"the model did not learn from this chat" becomes a check anyone can repeat: hash, chat, hash again.
Parameters are hashed in name order, each as its name, dtype, shape and raw bytes, so a renamed or
reshaped tensor changes the hash too. LoRA adapters can be left out (`skip="lora_"`) to fingerprint
only the frozen base weights under them. Leaves out buffers (rotary tables are recomputed, not learned).
"""

from __future__ import annotations

import hashlib

import torch


def fingerprint(model: torch.nn.Module, skip: str = "") -> str:
    """Hex SHA-256 of every parameter (name, dtype, shape, bytes) in name order; names containing
    `skip` (when given) are left out. A tied weight (SmolLM2's embeddings and output head) counts once.
    """
    digest = hashlib.sha256()
    for name, param in sorted(model.named_parameters(), key=lambda item: item[0]):
        if skip and skip in name:
            continue
        tensor = param.detach().to("cpu").contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        digest.update(tensor.view(torch.uint8).numpy() if tensor.numel() else b"")  # the bytes, no copy
    return digest.hexdigest()
