"""Perplexity: how surprised a model is by a text, token by token.

Each token after the first gets a surprisal, the negative log-likelihood
−log p(token | tokens before it), in nats. Perplexity is exp(mean surprisal):
lower is better, and a perplexity of k means the model was, on average, as
unsure as if it were choosing uniformly among k tokens. It scores a text under
one model; it is NOT a similarity between two words. The first token has nothing
before it (SmolLM2 adds no start token), so it is not scored.
Leaves out sliding windows over long texts (the text is cut at the analysis bound).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import torch

from explain.core.analysis import analyze
from explain.core.loading import LoadedModel


@dataclass
class PerplexityResult:
    tokens: list[str]  # all T tokens of the (maybe cut) text
    nll: np.ndarray  # (T - 1,) surprisal of tokens 1..T-1 in nats; token 0 is not scored
    mean_nll: float  # average of `nll`: the cross-entropy loss of the model on this text
    perplexity: float  # exp(mean_nll)
    truncated: bool  # True when the text was cut to the analysis bound
    total_tokens: int  # tokens of the whole text

    def as_dict(self) -> dict:
        """{"perplexity", "mean_nll", "tokens": [{"text", "nll"}]} with nll None for the unscored first token."""
        nlls = [None, *(round(float(x), 4) for x in self.nll)]
        return {
            "perplexity": round(self.perplexity, 4),
            "mean_nll": round(self.mean_nll, 4),
            "truncated": self.truncated,
            "tokens": [{"text": t, "nll": n} for t, n in zip(self.tokens, nlls)],
        }


def score(lm: LoadedModel, text: str) -> PerplexityResult:
    """Surprisal of every token of `text` and the text's perplexity, from the shared analysis pass.

    Raises ValueError when the text has a single token (there is nothing to predict).
    """
    result = analyze(lm, text)
    if result.n_tokens < 2:
        raise ValueError("Perplexity needs at least two tokens: the first one is only context.")
    nll = -result.token_logprobs.astype(np.float64)
    mean = float(nll.mean())
    return PerplexityResult(result.tokens, nll, mean, math.exp(mean), result.truncated, result.total_tokens)


def model_loss(lm: LoadedModel, ids: list[int]) -> float:
    """The model's own cross-entropy loss with labels = input ids (Hugging Face shifts them by one)."""
    batch = torch.tensor([ids], device=lm.device)
    with lm.lock, torch.inference_mode():
        return float(lm.model(input_ids=batch, labels=batch).loss)


def shuffle_words(text: str, seed: int = 0) -> str:
    """The same words in a random (seeded) order: 'the cat sat' -> 'sat the cat' (for some seed)."""
    words = text.split()
    random.Random(seed).shuffle(words)
    return " ".join(words)
