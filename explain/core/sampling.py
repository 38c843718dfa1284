"""How temperature, top-k and top-p reshape one next-token distribution, and how a token is drawn from it.

Covers the three knobs every chat app exposes, applied to a single vector of
scores (logits) that the model has already produced: moving a slider never needs
a new forward pass. Also seeded sampling with numpy's Generator, so the same seed
gives the same draw. Leaves out running the model (see `core/analysis.py`,
`core/generation.py`).

Order of operations (as in Hugging Face `generate`): temperature first, then
top-k, then top-p on what is left, then renormalise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explain.core.analysis import softmax


@dataclass(frozen=True)
class SamplingConfig:
    temperature: float = 1.0  # divides the logits; 0 means greedy (always the most likely token)
    top_k: int = 0  # keep only the k most likely tokens; 0 = no limit
    top_p: float = 1.0  # keep the smallest set whose probability reaches p (the "nucleus"); 1 = no limit
    seed: int | None = 0  # seed of the random draw; the same seed gives the same tokens

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0


@dataclass
class Shaped:
    base: np.ndarray  # (V,) softmax of the logits at the chosen temperature, before any cut
    kept: np.ndarray  # (V,) bool, True for tokens that survive top-k and top-p
    probs: np.ndarray  # (V,) final distribution: `base` restricted to `kept`, renormalised to sum to 1


def top_k_mask(probs: np.ndarray, k: int) -> np.ndarray:
    """True for the k most likely entries (all of them when k <= 0): [.5, .3, .2], k=2 -> [T, T, F]."""
    mask = np.zeros(probs.shape, dtype=bool)
    if k <= 0 or k >= probs.size:
        mask[:] = True
        return mask
    mask[np.argsort(-probs, kind="stable")[:k]] = True
    return mask


def top_p_mask(probs: np.ndarray, p: float) -> np.ndarray:
    """True for the smallest set of most-likely entries whose total mass reaches p (the nucleus).

    The most likely token is always kept, so p close to 0 means greedy.
    >>> top_p_mask(np.array([0.5, 0.3, 0.2]), 0.8).tolist()
    [True, True, False]
    """
    mask = np.zeros(probs.shape, dtype=bool)
    if p >= 1.0:
        mask[probs > 0] = True
        mask[int(np.argmax(probs))] = True
        return mask
    order = np.argsort(-probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    count = int(np.searchsorted(cumulative, p - 1e-12, side="left")) + 1  # first index where the sum reaches p
    mask[order[: min(count, probs.size)]] = True
    return mask


def reshape(logits: np.ndarray, config: SamplingConfig) -> Shaped:
    """Apply temperature, then top-k, then top-p to `logits` (V,); return before/after distributions."""
    base = softmax(logits, config.temperature)
    in_k = top_k_mask(base, config.top_k)
    after_k = np.where(in_k, base, 0.0)
    kept = in_k & top_p_mask(after_k / after_k.sum(), config.top_p)
    probs = np.where(kept, base, 0.0)
    return Shaped(base, kept, probs / probs.sum())


def make_rng(seed: int | None) -> np.random.Generator:
    """A numpy Generator; the same seed gives the same sequence of draws."""
    return np.random.default_rng(seed)


def draw(probs: np.ndarray, rng: np.random.Generator) -> int:
    """One token id drawn from `probs` (V,) with `rng` (inverse-CDF on one uniform number, so it is reproducible)."""
    cumulative = np.cumsum(probs)
    index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return min(index, probs.size - 1)


def pick(logits: np.ndarray, config: SamplingConfig, rng: np.random.Generator) -> tuple[int, float]:
    """The next token id and its probability under the shaped distribution; greedy takes the argmax, no draw."""
    shaped = reshape(logits, config)
    token = int(np.argmax(shaped.probs)) if config.greedy else draw(shaped.probs, rng)
    return token, float(shaped.probs[token])
