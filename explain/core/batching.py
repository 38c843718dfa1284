"""Distinct texts from concurrent sessions analysed in one padded forward pass, then split.

While one pass runs, the texts of other students queue up behind the model's lock; whoever gets
the lock next takes every queued text (up to `MAX_BATCH_TOKENS` padded tokens), pads them on
the right, runs the model once and hands each waiter its own slice. No timer: a lone request runs
at once, and a crowd is batched by the time it already spends waiting. Right padding leaves a
causal model's real positions untouched (pads come after them); an encoder is told to ignore
them through the attention mask. Results match the unbatched pass within the dtype's tolerance
(tests/core/test_batching.py). Leaves out generation steps, which carry a KV cache per session
(see `core/decode_batching.py`).

Shapes (B texts, T_b tokens of text b, P padded length, L layers, H heads, D width, V vocabulary):
    input_ids      (B, P)        right-padded
    per text b     attentions (L, H, T_b, T_b), hidden_states (L + 1, T_b, D), logits (T_b, V) in the model's dtype
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import torch

from explain.core.limits import MAX_BATCH_TOKENS


@dataclass
class Slice:
    attentions: np.ndarray  # (L, H, T, T) float32
    hidden_states: np.ndarray  # (L + 1, T, D) float32
    logits: torch.Tensor | None  # (T, V) in the model's dtype for causal LMs (float32 copies cost 50 MB at 256 tokens)


@dataclass
class _Pending:
    ids: list[int]
    done: threading.Event = field(default_factory=threading.Event)
    result: Slice | None = None
    error: BaseException | None = None


class Batcher:
    """One per model: `run(ids)` returns that text's Slice, computed alone or with the texts queued beside it."""

    def __init__(self, lm, max_tokens: int = MAX_BATCH_TOKENS) -> None:
        self.lm, self.max_tokens = lm, max_tokens
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self.passes = 0  # forward passes run
        self.texts = 0  # texts answered by them

    def run(self, ids: list[int]) -> Slice:
        mine = _Pending(list(ids))
        with self._lock:
            self._queue.append(mine)
        try:
            with self.lm.turns.turn():
                if not mine.done.is_set():
                    self._run_queued(mine)
        except BaseException:
            with self._lock:  # refused by a full queue (or failed): nobody should compute it for us
                self._queue = [p for p in self._queue if p is not mine]
            raise
        if mine.error is not None:
            raise mine.error
        return mine.result

    def _take(self, mine: _Pending) -> list[_Pending]:
        """`mine` first, then queued texts while the padded batch stays within max_tokens."""
        with self._lock:
            batch, longest = [mine], len(mine.ids)
            for other in self._queue:
                size = max(longest, len(other.ids)) * (len(batch) + 1)
                if other is not mine and size <= self.max_tokens:
                    batch.append(other)
                    longest = max(longest, len(other.ids))
            self._queue = [p for p in self._queue if p not in batch]
        return batch

    def _run_queued(self, mine: _Pending) -> None:
        batch = self._take(mine)
        self.passes, self.texts = self.passes + 1, self.texts + len(batch)
        settle(batch, lambda: forward_batch(self.lm, [p.ids for p in batch]))


def settle(batch: list, compute) -> None:
    """Run `compute()` (one result per waiter, in order) for a batch of waiters: each gets its `result`,
    or every one gets the pass's `error`; all are released (`done`) either way. Shared by both batchers."""
    try:
        for waiter, result in zip(batch, compute(), strict=True):
            waiter.result = result
    except BaseException as exc:  # every waiter of this pass learns it failed
        for waiter in batch:
            waiter.error = exc
        raise
    finally:
        for waiter in batch:
            waiter.done.set()


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().cpu().numpy()


def forward_batch(lm, texts: list[list[int]]) -> list[Slice]:
    """One right-padded pass over several token lists; each text's own slice of the outputs."""
    longest = max(len(ids) for ids in texts)
    pad = lm.tokenizer.pad_token_id if lm.tokenizer.pad_token_id is not None else 0
    ids = torch.full((len(texts), longest), pad, dtype=torch.long)  # (B, P)
    mask = torch.zeros((len(texts), longest), dtype=torch.long)  # (B, P), 1 on real tokens
    for b, row in enumerate(texts):
        ids[b, : len(row)], mask[b, : len(row)] = torch.tensor(row), 1
    with torch.inference_mode():
        out = lm.model(
            input_ids=ids.to(lm.device),
            attention_mask=mask.to(lm.device),
            output_attentions=True,
            output_hidden_states=True,
        )
        pieces = []
        for b, row in enumerate(texts):
            n = len(row)
            logits = out.logits[b, :n] if lm.kind == "causal-lm" else None  # (T, V), the model's dtype
            # One stack per text, then one conversion: a conversion per layer and text held the
            # interpreter lock for B x 61 small copies while the other sessions waited.
            attentions = _np(torch.stack([a[b, :, :n, :n] for a in out.attentions]))  # (L, H, T, T)
            hidden = _np(torch.stack([h[b, :n] for h in out.hidden_states]))  # (L + 1, T, D)
            pieces.append(Slice(attentions, hidden, logits))
    return pieces
