"""The logit lens: reading the model's guess for the next token out of every layer, not only the last.

Each layer's hidden state (from `analyze(...).hidden_states`, shape (L + 1, T, D))
is passed through the model's own final norm and LM head, as if the network
stopped there. The top token and its probability per (layer, position) show the
answer forming in the upper layers. In Hugging Face's Llama the last entry of
`hidden_states` already has the final norm applied, so it goes through the head
only; with that, the lens at the last layer equals the model's logits.
Leaves out the tuned lens (trained per-layer translators) and the attention view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explain.core.limits import MAX_LENS_POSITIONS
from explain.core.loading import LoadedModel


@dataclass
class LensGrid:
    positions: list[int]  # token positions shown (columns), ascending
    tokens: list[str]  # the input token at each shown position
    top_ids: np.ndarray  # (L + 1, P) int, most likely next token per layer and position
    top_tokens: list[list[str]]  # (L + 1) x P decoded top tokens
    top_probs: np.ndarray  # (L + 1, P) float, their probabilities
    final_prob: np.ndarray  # (L + 1, P) float, probability each layer gives the last layer's top token


def _norm_and_head(lm: LoadedModel):
    """The model's final norm and LM head (Llama-style `model.norm` and `lm_head`)."""
    model = lm.model
    inner = getattr(model, "model", None) or getattr(model, "transformer", None)
    norm = getattr(inner, "norm", None) or getattr(inner, "ln_f", None)
    head = model.get_output_embeddings()
    if norm is None or head is None:
        raise ValueError(f"{lm.name}: no final norm / LM head found; the logit lens needs a causal LM.")
    return norm, head


def layer_logits(lm: LoadedModel, hidden_states: np.ndarray, layer: int) -> np.ndarray:
    """Logits (T, V) read from `hidden_states[layer]` (T, D); the last layer is already normalised."""
    norm, head = _norm_and_head(lm)
    last = hidden_states.shape[0] - 1
    h = torch.as_tensor(hidden_states[layer], device=lm.device, dtype=lm.dtype)  # (T, D)
    with lm.lock, torch.inference_mode():
        normed = h if layer == last else norm(h)
        return head(normed).float().cpu().numpy()


def lens_grid(lm: LoadedModel, hidden_states: np.ndarray, tokens: list[str], max_positions: int = MAX_LENS_POSITIONS):
    """Top next token and probability for every layer at the last `max_positions` positions -> LensGrid."""
    n_layers, n_tokens, _ = hidden_states.shape
    positions = list(range(max(0, n_tokens - max_positions), n_tokens))
    probs_by_layer = []
    for layer in range(n_layers):
        logits = torch.from_numpy(layer_logits(lm, hidden_states[:, positions], layer))  # (P, V)
        probs_by_layer.append(torch.softmax(logits, dim=-1))
    top_probs, top_ids, final_prob = [], [], []
    final_ids = probs_by_layer[-1].argmax(dim=-1)  # (P,)
    for probs in probs_by_layer:
        p, i = probs.max(dim=-1)
        top_probs.append(p.numpy())
        top_ids.append(i.numpy())
        final_prob.append(probs.gather(1, final_ids[:, None])[:, 0].numpy())
    top_ids_arr = np.stack(top_ids)
    decode = lm.tokenizer.decode
    return LensGrid(
        positions,
        [tokens[p] for p in positions],
        top_ids_arr,
        [[decode([int(i)]) for i in row] for row in top_ids_arr],
        np.stack(top_probs),
        np.stack(final_prob),
    )
