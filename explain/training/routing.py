"""Reading a mixture of experts' router: which experts each token goes to, and each expert's share of the load.

The contract is the model's own output: `model(input_ids, output_router_logits=True).router_logits`,
one (T, E) tensor per layer (a token's score for each expert, before the softmax). Mixtral
sends each token to the k experts with the highest scores, so the routing shown is the
top-k of those logits; a test checks it against the indices the expert layer really received.

    >>> route_tokens(model, tokenizer, "the cat")[0]
    {'token': 't', 'experts': [[2, 0], [1, 3]]}     # layer 0: experts 2 and 0; layer 1: 1 and 3

Leaves out building and training the model (see `training/moe.py`, `training/moe_run.py`) and drawing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from explain.training import char_tokenizer


def top_experts(router_logits: torch.Tensor, k: int) -> np.ndarray:
    """The k experts each row is sent to, best first: (N, E) logits -> (N, k) expert indices.

    >>> top_experts(torch.tensor([[0.1, 2.0, -1.0, 0.5]]), 2).tolist()
    [[1, 3]]
    """
    return torch.topk(router_logits.float(), k, dim=-1).indices.cpu().numpy()


def expert_load(router_logits: tuple | list, k: int) -> np.ndarray:
    """Each expert's share of one layer's top-k assignments, per layer: (L, E), every row summing to 1.

    A perfectly balanced router gives 1/E everywhere; a collapsed one gives 1 (for k = 1) to one expert.
    """
    rows = []
    for layer in router_logits:  # (N, E) per layer
        n_experts = layer.shape[-1]
        chosen = top_experts(layer, k).reshape(-1)
        rows.append(np.bincount(chosen, minlength=n_experts) / max(chosen.size, 1))
    return np.array(rows)


def router_probabilities(router_logits: tuple | list) -> np.ndarray:
    """The router's softmax per layer and token: (L, N, E), each row summing to 1."""
    return np.stack([torch.softmax(layer.float(), dim=-1).cpu().numpy() for layer in router_logits])


@torch.no_grad()
def route_tokens(model: Any, tokenizer: Any, text: str) -> list[dict]:
    """For each token of `text` (cut to the model's context): its text and, per layer, the experts it goes to.

    The model is left in the mode it was in.
    """
    ids = char_tokenizer.encode(tokenizer, text)[: model.config.max_position_embeddings] or [0]
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    out = model(input_ids=torch.tensor([ids], device=device), output_router_logits=True)
    model.train(was_training)
    k = model.config.num_experts_per_tok
    per_layer = [top_experts(layer, k) for layer in out.router_logits]  # L x (T, k)
    tokens = tokenizer.convert_ids_to_tokens(ids)
    return [{"token": token, "experts": [layer[i].tolist() for layer in per_layer]} for i, token in enumerate(tokens)]


@torch.no_grad()
def held_out_load(model: Any, ids: torch.Tensor, n_tokens: int = 2_048) -> np.ndarray:
    """Expert load (L, E) on the first `n_tokens` validation tokens, in windows of the model's context."""
    block = model.config.max_position_embeddings
    usable = (min(len(ids), n_tokens) // block) * block
    windows = ids[:usable].reshape(-1, block) if usable else ids[:block][None]
    was_training = model.training
    model.eval()
    out = model(input_ids=windows.to(next(model.parameters()).device), output_router_logits=True)
    model.train(was_training)
    return expert_load(out.router_logits, model.config.num_experts_per_tok)
