"""Decode steps of concurrent generations run in one left-padded forward pass, then split.

Each streaming session feeds one new token and its own KV cache per step. Steps that arrive while
another step's pass runs queue up; when that pass ends, one of them leads: it takes its turn on
the model (`Turns`: its place in line, the queue bound) and runs every queued step (up to
`MAX_DECODE_BATCH`) at once. No timer: a lone step runs at once, unpadded, exactly as before, and
a crowd is batched by the time it already spends waiting. The caches are padded on the left to the
longest, the attention mask is 0 on the pads and each row gets its own position id, so rotary
positions stay each session's own; afterwards every session gets its logits and a cache of its
own, pads stripped, so its next step can join any other batch. Results match the unbatched step
within the dtype's tolerance (tests/core/test_decode_batching.py): greedy tokens are identical in
float32; in bfloat16 the rounding differs with the batch, so a near tie can go the other way.
Steps waiting for a leader's pass wait outside `Turns` (no "you are number N" for them; they
are refused beyond the same `MAX_QUEUE`). Leaves out prefill (a feed of
many tokens, or any cache that is not a plain `DynamicCache`): it runs alone, as before; and
frontier/decode.py, which times one generation's steps alone on purpose.

Shapes (B steps, n_b cached positions of step b, P = max n_b, Hkv key/value heads, Dh head width,
V vocabulary):
    keys, values per layer  (B, Hkv, P, Dh)  left-padded with zeros
    attention_mask          (B, P + 1)       0 on the pads
    position_ids            (B, 1)           n_b: each session's next position
    per step b              logits (V,), cache with keys (1, Hkv, n_b + 1, Dh) per layer
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import torch
from transformers.cache_utils import DynamicCache, DynamicLayer

from explain.core.batching import settle
from explain.core.flight import Busy
from explain.core.limits import MAX_DECODE_BATCH


@dataclass
class _Step:
    token: int  # the new token fed
    past: DynamicCache  # that session's cache, batch of one
    done: threading.Event = field(default_factory=threading.Event)
    result: tuple[np.ndarray, DynamicCache] | None = None  # (logits (V,) float32, the session's own updated cache)
    error: BaseException | None = None


def batchable(feed: list[int], past) -> bool:
    """A decode step (one token after a plain per-layer cache of one sequence) that can share a pass."""
    return (
        len(feed) == 1
        and type(past) is DynamicCache
        and len(past.layers) > 0
        and all(type(layer) is DynamicLayer and layer.is_initialized for layer in past.layers)
        and past.layers[0].keys.shape[0] == 1
    )


def forward_alone(lm, feed: list[int], past) -> tuple[np.ndarray, object]:
    """Logits for the position after `feed` (V,), and the updated cache: one unpadded pass, in its turn."""
    with lm.turns.turn():
        return _unpadded(lm, feed, past)


class DecodeBatcher:
    """One per model: `step(feed, past)` returns (logits (V,), cache), computed alone or with queued steps."""

    def __init__(self, lm, max_batch: int = MAX_DECODE_BATCH) -> None:
        self.lm, self.max_batch = lm, max_batch  # max_batch 1: every step alone (for comparisons)
        self._cv = threading.Condition()
        self._queue: list[_Step] = []
        self._leading = False  # a step is taking its turn to run the queue
        self.passes = 0  # decode passes run by this batcher
        self.steps = 0  # steps answered by them

    def step(self, feed: list[int], past) -> tuple[np.ndarray, object]:
        if self.max_batch < 2 or past is None or not batchable(feed, past):
            return forward_alone(self.lm, feed, past)
        mine = _Step(feed[0], past)
        with self._cv:
            if len(self._queue) >= self.lm.turns.limit:
                raise Busy(f"The model is busy: {len(self._queue)} steps are queued. Try again in a few seconds.")
            self._queue.append(mine)
        if self._wait_or_lead(mine):
            self._lead(mine)
        if mine.error is not None:
            raise mine.error
        return mine.result

    def _wait_or_lead(self, mine: _Step) -> bool:
        """Wait while another step leads; True if `mine` is still unanswered and now leads."""
        with self._cv:
            while self._leading and not mine.done.is_set():
                self._cv.wait()
            if mine.done.is_set():
                return False
            self._leading = True
            return True

    def _lead(self, mine: _Step) -> None:
        try:
            with self.lm.turns.turn():
                self._run(self._take(mine))
        except BaseException:
            with self._cv:  # refused by a full queue (or failed): nobody should compute it for us
                self._queue = [s for s in self._queue if s is not mine]
            raise
        finally:
            with self._cv:
                self._leading = False
                self._cv.notify_all()

    def _take(self, mine: _Step) -> list[_Step]:
        """`mine` first, then queued steps in arrival order, up to max_batch."""
        with self._cv:
            others = [s for s in self._queue if s is not mine][: self.max_batch - 1]
            batch = [mine, *others]
            self._queue = [s for s in self._queue if s not in batch]
        return batch

    def _run(self, batch: list[_Step]) -> None:
        self.passes, self.steps = self.passes + 1, self.steps + len(batch)
        if len(batch) == 1:
            settle(batch, lambda: [_unpadded(self.lm, [batch[0].token], batch[0].past)])
        else:
            settle(batch, lambda: forward_steps(self.lm, [(s.token, s.past) for s in batch]))


def _unpadded(lm, feed: list[int], past) -> tuple[np.ndarray, object]:
    """One session's pass over `feed` after its own cache (the caller holds the model's turn)."""
    with torch.inference_mode():
        out = lm.model(input_ids=torch.tensor([feed], device=lm.device), past_key_values=past, use_cache=True)
    return out.logits[0, -1].float().cpu().numpy(), out.past_key_values


def _padded(pasts: list[DynamicCache], longest: int) -> DynamicCache:
    """One cache of B rows, each session's keys and values on the right, zeros on the left."""
    layers = []
    for layer in range(len(pasts[0].layers)):
        pairs = []
        for part in ("keys", "values"):
            first = getattr(pasts[0].layers[layer], part)  # (1, Hkv, n_0, Dh)
            rows = first.new_zeros((len(pasts), first.shape[1], longest, first.shape[3]))  # (B, Hkv, P, Dh)
            for b, past in enumerate(pasts):
                mine = getattr(past.layers[layer], part)
                rows[b, :, longest - mine.shape[2] :] = mine[0]
            pairs.append(rows)
        layers.append(tuple(pairs))
    return DynamicCache(ddp_cache_data=layers)


def _row(cache: DynamicCache, b: int, start: int) -> DynamicCache:
    """Row `b` of a batched cache from position `start` on, copied: the session's own tensors."""
    return DynamicCache(ddp_cache_data=[(k[b : b + 1, :, start:], v[b : b + 1, :, start:]) for k, v, _ in cache])


def forward_steps(lm, steps: list[tuple[int, DynamicCache]]) -> list[tuple[np.ndarray, DynamicCache]]:
    """One left-padded pass over several sessions' decode steps; each its own (logits (V,), cache)."""
    lengths = [past.get_seq_length() for _, past in steps]
    longest = max(lengths)
    mask = torch.zeros((len(steps), longest + 1), dtype=torch.long)  # (B, P + 1), 1 on real positions
    for b, n in enumerate(lengths):
        mask[b, longest - n :] = 1
    ids = torch.tensor([[token] for token, _ in steps], device=lm.device)  # (B, 1)
    positions = torch.tensor(lengths, device=lm.device).unsqueeze(1)  # (B, 1)
    with torch.inference_mode():
        out = lm.model(
            input_ids=ids,
            attention_mask=mask.to(lm.device),
            position_ids=positions,
            past_key_values=_padded([past for _, past in steps], longest),
            use_cache=True,
        )
        logits = out.logits[:, -1].float().cpu().numpy()  # (B, V)
        return [(logits[b].copy(), _row(out.past_key_values, b, longest - n)) for b, n in enumerate(lengths)]
