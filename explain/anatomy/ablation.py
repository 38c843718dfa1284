"""Knock it out: switch off one attention head or one MLP layer and see the next token change.

"Off" means the part's output is zeroed on its way into the residual stream: for a head, its
slice of the attention output before `o_proj` (so `o_proj` adds nothing from it); for an MLP,
the whole output. Both are done with hooks on the real modules. A sweep ablates every head in
turn, in batches (row b of the batch has its own head off), and ranks heads by how much the
target's probability drops. Leaves out mean- or resample-ablation and ablating several parts.

Shapes (B batch rows, T tokens, L layers, H heads, d head size): the head mask is (B, L, H).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from explain.anatomy.diagram import decoder_parts, model_shape
from explain.core.loading import LoadedModel

Progress = Callable[[float], None]  # told the fraction done, from 0 to 1


def _hooks(lm: LoadedModel, head_mask: torch.Tensor | None, mlps: set[int]) -> list:
    """Zero heads where head_mask (B, L, H) is 0 and the outputs of the MLPs in `mlps`."""
    handles = []
    for layer, block in enumerate(decoder_parts(lm).layers):
        if head_mask is not None and bool((head_mask[:, layer] == 0).any()):
            mask = head_mask[:, layer]  # (B, H)

            def zero_heads(module, args, mask=mask):
                x = args[0]  # (B, T, H * d)
                b, t, width = x.shape
                heads = x.view(b, t, mask.shape[1], -1) * mask[:, None, :, None].to(x.dtype)
                return (heads.view(b, t, width),)

            handles.append(block.self_attn.o_proj.register_forward_pre_hook(zero_heads))
        if layer in mlps:
            handles.append(block.mlp.register_forward_hook(lambda m, i, o: torch.zeros_like(o)))
    return handles


def _record_inputs(lm: LoadedModel, ids: list[int]) -> list[tuple]:
    """What each decoder block received in a clean pass: (hidden (1, T, D), keyword arguments), cached."""
    return lm.results.get_or_compute(("anatomy_block_inputs", tuple(ids)), lambda: _block_inputs(lm, ids))


def _block_inputs(lm: LoadedModel, ids: list[int]) -> list[tuple]:
    seen: list[tuple] = []

    def keep(module, args, kwargs):  # returns None: the block runs unchanged
        seen.append((args[0] if args else kwargs["hidden_states"], kwargs))

    with lm.lock:
        handles = [block.register_forward_pre_hook(keep, with_kwargs=True) for block in decoder_parts(lm).layers]
        try:
            with torch.inference_mode():
                lm.model(input_ids=torch.tensor([ids], device=lm.device), logits_to_keep=1, use_cache=False)
        finally:
            for handle in handles:
                handle.remove()
    return seen


def _run_from(lm: LoadedModel, ids: list[int], first: int, rows: int) -> torch.Tensor:
    """(rows, V) next-token logits, running the real blocks from `first` on the recorded inputs.

    The blocks before `first` are untouched by an ablation at `first` or later, so their
    outputs are taken from the clean pass instead of being computed again.
    """
    parts = decoder_parts(lm)
    inputs = _record_inputs(lm, ids)
    hidden = inputs[first][0].expand(rows, -1, -1)  # (B, T, D)
    for layer in range(first, len(parts.layers)):
        kwargs = {k: v for k, v in inputs[layer][1].items() if k != "hidden_states"}
        out = parts.layers[layer](hidden, **kwargs)
        hidden = out[0] if isinstance(out, tuple) else out
    return parts.head(parts.norm(hidden[:, -1]))


def next_probs(lm: LoadedModel, ids: list[int], head_mask: torch.Tensor | None = None, mlps=()) -> np.ndarray:
    """(B, V) next-token probabilities after `ids`, one row per row of `head_mask` (B = 1 without one)."""
    rows = 1 if head_mask is None else head_mask.shape[0]
    touched = [*mlps, *([] if head_mask is None else torch.nonzero(head_mask == 0)[:, 1].tolist())]
    first = min(touched, default=0)
    _record_inputs(lm, ids)
    with lm.lock:
        handles = _hooks(lm, head_mask, set(mlps))
        try:
            with torch.inference_mode():
                logits = _run_from(lm, ids, first, rows)
        finally:
            for handle in handles:
                handle.remove()
    return torch.softmax(logits.float(), dim=-1).cpu().numpy()


def head_mask(lm: LoadedModel, heads: list[tuple[int, int]]) -> torch.Tensor:
    """(len(heads), L, H) ones with row b's head (layer, head) set to 0."""
    shape = model_shape(lm)
    mask = torch.ones(len(heads), shape.layers, shape.heads)
    for row, (layer, head) in enumerate(heads):
        mask[row, layer, head] = 0
    return mask


def top5(lm: LoadedModel, probs: np.ndarray) -> list[dict]:
    order = np.argsort(-probs)[:5]
    return [{"token": lm.tokenizer.decode([int(i)]), "id": int(i), "prob": float(probs[i])} for i in order]


def ablate(lm: LoadedModel, ids: list[int], target: int, head=None, mlp=None) -> dict:
    """Before/after top-5 and the target's probability with head (layer, head) or MLP `mlp` switched off.

    Kept per (tokens, target, part): the page's ablation tab asks again on every rerun.
    """
    key = ("anatomy_ablate", tuple(ids), target, None if head is None else tuple(head), mlp)
    return lm.results.get_or_compute(key, lambda: _ablate(lm, ids, target, head, mlp))


def _ablate(lm: LoadedModel, ids: list[int], target: int, head, mlp) -> dict:
    before = next_probs(lm, ids)[0]
    mask = head_mask(lm, [head]) if head is not None else None
    after = next_probs(lm, ids, mask, [mlp] if mlp is not None else [])[0]
    return {
        "before": top5(lm, before),
        "after": top5(lm, after),
        "target": {"token": lm.tokenizer.decode([target]), "id": target},
        "target_prob_before": float(before[target]),
        "target_prob_after": float(after[target]),
    }


def sweep_heads(lm: LoadedModel, ids: list[int], target: int, progress: Progress | None = None) -> list[tuple]:
    """Every head switched off in turn -> [(layer, head, target prob after)], most damaging first."""
    shape = model_shape(lm)
    heads, after = [], []
    work = [shape.layers - layer for layer in range(shape.layers)]  # blocks run per ablated layer
    for layer in range(shape.layers):  # one batch per layer: its heads off, one per row
        chunk = [(layer, head) for head in range(shape.heads)]
        after.extend(next_probs(lm, ids, head_mask(lm, chunk))[:, target].tolist())
        heads.extend(chunk)
        if progress:
            progress(sum(work[: layer + 1]) / sum(work))
    ranked = sorted(zip(heads, after), key=lambda item: item[1])
    return [(layer, head, float(prob)) for (layer, head), prob in ranked]
