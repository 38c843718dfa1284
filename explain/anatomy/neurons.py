"""MLP neurons: which fire for a token, and which next tokens each one pushes up or down.

In a gated MLP (SwiGLU) the value that enters the down projection is
a = act(gate_proj(x)) ⊙ up_proj(x), one number per neuron (1536 in SmolLM2); it is read here
with a forward pre-hook on the real `down_proj`, never recomputed. Neuron i then writes
a_i · W_down[:, i] into the residual stream. Its effect on the next-token scores is read
through the final norm's gain and the unembedding: (g ⊙ a_i W_down[:, i]) · W_U[t] per token t
(the sign follows the activation, so "promotes" is what this neuron does *here*).
Leaves out the final norm's scale (a positive number shared by all neurons, so it changes
no ranking) and what later layers do with the neuron's output.

Shapes (T tokens, M neurons, D width, V vocabulary): activations (T, M); W_down (D, M).
"""

from __future__ import annotations

import numpy as np
import torch

from explain.anatomy.diagram import decoder_parts
from explain.anatomy.report import check_index
from explain.anatomy.upcast import upcast_linear
from explain.core.limits import MAX_NEURON_TOKENS
from explain.core.loading import LoadedModel


def activations(lm: LoadedModel, ids: list[int], layer: int) -> np.ndarray:
    """(T, M) the input of `layer`'s down projection for every token, from one hooked pass (cached)."""
    return lm.results.get_or_compute(("anatomy_neurons", tuple(ids), layer), lambda: _activations(lm, ids, layer))


def _activations(lm: LoadedModel, ids: list[int], layer: int) -> np.ndarray:
    down = decoder_parts(lm).layers[layer].mlp.down_proj
    seen: dict = {}
    with lm.lock:
        handle = down.register_forward_pre_hook(lambda m, args: seen.__setitem__("a", args[0]))
        try:
            with torch.inference_mode():
                lm.model(input_ids=torch.tensor([ids], device=lm.device), logits_to_keep=1)
        finally:
            handle.remove()
    return seen["a"][0].float().cpu().numpy()


def _vocab_effects(lm: LoadedModel, layer: int, neurons: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """(k, V) each neuron's signed output direction read through the final norm's gain and the unembedding."""
    parts = decoder_parts(lm)
    with lm.lock, torch.inference_mode():
        w_down = parts.layers[layer].mlp.down_proj.weight[:, torch.as_tensor(neurons)].float()  # (D, k)
        directions = w_down * parts.norm.weight.float()[:, None] * torch.as_tensor(signs, dtype=torch.float32)
        return upcast_linear(directions.T, parts.head.weight, None).cpu().numpy()  # (k, V), no float32 head kept


def top_neurons(lm: LoadedModel, ids: list[int], layer: int, position: int, k: int) -> list[dict]:
    """The `k` neurons with the largest |activation| at `position`, each with the tokens it promotes/suppresses.

    -> [{"index", "activation", "promotes": [{"token", "score"}], "suppresses": [...]}], strongest first.
    """
    check_index("layer", layer, len(decoder_parts(lm).layers))
    check_index("position", position, len(ids))
    acts = activations(lm, ids, layer)[position]  # (M,)
    order = np.argsort(-np.abs(acts))[:k]
    effects = _vocab_effects(lm, layer, order, np.sign(acts[order]))

    def listing(row: np.ndarray, idx: np.ndarray) -> list[dict]:
        return [{"token": lm.tokenizer.decode([int(i)]), "score": float(row[i])} for i in idx]

    return [
        {
            "index": int(n),
            "activation": float(acts[n]),
            "promotes": listing(row, np.argsort(-row)[:MAX_NEURON_TOKENS]),
            "suppresses": listing(row, np.argsort(row)[:MAX_NEURON_TOKENS]),
        }
        for n, row in zip(order, effects)
    ]
