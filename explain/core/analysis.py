"""One forward pass that every page reads from: tokens, attention, hidden states, next-token scores.

The pages for tokens, attention, next token and the logit lens all look at the
same pass over the same text, so it is computed once per (model, text) and kept
in the model's small LRU cache. Leaves out drawing anything.

Shapes (T tokens, L layers, H heads, D width, V vocabulary):
    attentions     (L, H, T, T)  rows are query positions, each row sums to 1
    hidden_states  (L + 1, T, D) the embedding output, then each layer's output
    next_logits    (V,)          scores for the token after the last one (causal LMs)
    token_logprobs (T - 1,)      log p(token t | tokens before t) (causal LMs)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from explain.core.limits import MAX_ANALYSIS_TOKENS
from explain.core.loading import LoadedModel
from explain.core.text_input import require_nonempty


@dataclass
class Analysis:
    model: str  # name of the model that ran
    text: str  # the text analysed (cleaned, maybe cut; see `truncated`)
    ids: list[int]  # token ids, length T
    tokens: list[str]  # each token decoded on its own, e.g. " tallest"
    attentions: np.ndarray  # (L, H, T, T) float32
    hidden_states: np.ndarray  # (L + 1, T, D) float32
    next_logits: np.ndarray | None  # (V,) float32, None for encoders
    token_logprobs: np.ndarray | None  # (T - 1,) float32, None for encoders
    truncated: bool  # True when the text had more than `limit` tokens
    total_tokens: int  # tokens in the whole text before cutting
    limit: int  # the token bound that applied
    seconds: float  # wall time of the forward pass
    dtype: str  # the precision it ran in ("bfloat16", "float32"): figures cached per text must key on it too

    @property
    def n_tokens(self) -> int:
        return len(self.ids)


def encode(lm: LoadedModel, text: str) -> list[int]:
    """Token ids exactly as the model receives them (MiniLM adds [CLS]/[SEP]; SmolLM2 adds nothing)."""
    return list(lm.tokenizer(text, add_special_tokens=True)["input_ids"])


def analyze(lm: LoadedModel, text: str, limit: int = MAX_ANALYSIS_TOKENS) -> Analysis:
    """Run `lm` once over `text` (at most `limit` tokens) and return everything as numpy arrays.

    Raises EmptyTextError for empty text. Repeated calls with the same text are free; identical
    calls from several sessions at the same moment share one pass (`lm.flights`).
    """
    cleaned = require_nonempty(text)
    key = ("analysis", cleaned, limit)
    cached = lm.results.get(key)
    if cached is not None:
        return cached
    return lm.flights.do(key, lambda: lm.results.get(key) or _analyze(lm, cleaned, limit, key))


def _analyze(lm: LoadedModel, cleaned: str, limit: int, key: tuple) -> Analysis:
    all_ids = encode(lm, cleaned)
    ids = all_ids[:limit]
    start = time.perf_counter()
    out = lm.batcher.run(ids)  # alone, or in one padded pass with other sessions' texts
    seconds = time.perf_counter() - start
    next_logits = token_logprobs = None
    if lm.kind == "causal-lm":
        next_logits = out.logits[-1].float().cpu().numpy()
        token_logprobs = token_logprobs_of(out.logits, ids)
    result = Analysis(
        lm.name,
        cleaned,
        ids,
        [lm.tokenizer.decode([i]) for i in ids],
        out.attentions,
        out.hidden_states,
        next_logits,
        token_logprobs,
        len(all_ids) > limit,
        len(all_ids),
        limit,
        seconds,
        lm.dtype_name,
    )
    lm.results.put(key, result)
    return result


LOGPROB_ROWS = 32  # positions whose scores are made float32 at once (a 256-token text's whole block: 2 x 50 MB)


def token_logprobs_of(logits: torch.Tensor, ids: list[int]) -> np.ndarray:
    """log p(token t | tokens before t) for t = 1..T-1, float32, from (T, V) scores in the model's dtype.

    Equal to `log_softmax(logits.float())[t - 1, ids[t]]`, computed as score minus logsumexp a block of rows
    at a time: the whole block in float32 plus its log-softmax allocated 100 MB for a 256-token text, fresh
    pages faulted in on every pass (34 ms of a 215 ms analysis; 13 ms by blocks, measured).
    """
    targets = torch.tensor(ids[1:], device=logits.device)
    out = torch.empty(len(ids) - 1, dtype=torch.float32, device=logits.device)
    for start in range(0, len(ids) - 1, LOGPROB_ROWS):
        block = logits[start : min(start + LOGPROB_ROWS, len(ids) - 1)].float()  # (rows, V)
        picked = block.gather(1, targets[start : start + len(block), None])[:, 0]
        out[start : start + len(block)] = picked - torch.logsumexp(block, dim=-1)
    return out.cpu().numpy()


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from scores, computed stably; temperature <= 0 means argmax (all mass on the top).

    >>> softmax(np.array([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    logits = np.asarray(logits, dtype=np.float64)
    if temperature <= 0:
        probs = np.zeros_like(logits)
        probs[int(np.argmax(logits))] = 1.0
        return probs
    z = logits / temperature
    z = np.exp(z - z.max())
    return z / z.sum()


def top_ids(probs: np.ndarray, k: int) -> np.ndarray:
    """The indices of the k largest entries, largest first; ties keep index order (bf16 logits tie often).

    The one ranking every listing and chart uses, so two views of one distribution never disagree.
    >>> top_ids(np.array([0.2, 0.4, 0.4]), 2).tolist()
    [1, 2]
    """
    return np.argsort(-probs, kind="stable")[:k]


def top_candidates(lm: LoadedModel, logits: np.ndarray, k: int) -> list[dict]:
    """The k most likely next tokens as [{"token", "id", "prob"}], most likely first."""
    probs = softmax(logits)
    order = top_ids(probs, k)
    return [{"token": lm.tokenizer.decode([int(i)]), "id": int(i), "prob": float(probs[i])} for i in order]
