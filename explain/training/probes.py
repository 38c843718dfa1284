"""Looking at a tiny model while it trains: what it writes, where it attends, where its embeddings sit.

Each function leaves the model as it found it (train or eval mode, attention implementation).
Leaves out the training loop (see `training/trainer.py`) and drawing (see `training/figures.py`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from explain.embeddings.projection import pca
from explain.training import char_tokenizer


@torch.no_grad()
def generate(model: Any, tokenizer: Any, prompt: str, n_tokens: int, temperature: float = 0.8, generator=None) -> str:
    """Sample `n_tokens` continuing `prompt` one token at a time (the context cropped to the model's).

    Id 0 (<unk> in our char tokenizers) is never sampled.
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    block = model.config.max_position_embeddings
    ids = char_tokenizer.encode(tokenizer, prompt) or [0]
    out: list[int] = []
    for _ in range(n_tokens):
        context = torch.tensor([(ids + out)[-block:]], device=device)
        logits = model(input_ids=context).logits[0, -1].float().cpu()  # (V,)
        logits[0] = float("-inf")  # never write <unk>: it stands for characters the text did not have
        probs = torch.softmax(logits / max(temperature, 1e-3), dim=-1)
        out.append(int(torch.multinomial(probs, 1, generator=generator)))
    model.train(was_training)
    return char_tokenizer.decode(tokenizer, out)


@torch.no_grad()
def attention_on(model: Any, tokenizer: Any, text: str) -> tuple[list[str], np.ndarray]:
    """(characters, attentions (L, H, T, T)) of `model` on `text`, computed with eager attention."""
    was_training, impl = model.training, model.config._attn_implementation
    model.eval()
    model.set_attn_implementation("eager")
    ids = char_tokenizer.encode(tokenizer, text)[: model.config.max_position_embeddings] or [0]
    device = next(model.parameters()).device
    out = model(input_ids=torch.tensor([ids], device=device), output_attentions=True)
    model.set_attn_implementation(impl)
    model.train(was_training)
    attentions = torch.stack([a[0] for a in out.attentions]).float().cpu().numpy()  # (L, H, T, T)
    return tokenizer.convert_ids_to_tokens(ids), attentions


def embedding_map(model: Any) -> np.ndarray:
    """(V, 2): each token's embedding on the two main axes of all embeddings (PCA, signs fixed)."""
    weights = model.get_input_embeddings().weight.detach().float().cpu().numpy()  # (V, d)
    return pca(weights, 2)  # the embeddings page's PCA: signs fixed, so snapshots keep their orientation
