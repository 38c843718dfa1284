"""Generation: the next-token prediction repeated, one token at a time, with the KV cache.

Covers the loop every chat app runs: predict a distribution, pick a token (greedy
or sampled, see `core/sampling.py`), append it, repeat. The keys and values of tokens
already seen are kept (the KV cache), so each new token costs one position of
work instead of a pass over the whole text. Yields each token with its
probability as soon as it exists (streaming), always within a bound. Concurrent
sessions' steps share forward passes (`core/decode_batching.py`). Leaves out
beam search and speculative decoding.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import numpy as np

from explain.core.analysis import softmax
from explain.core.limits import MAX_ANALYSIS_TOKENS, MAX_CONTEXT_TOKENS, MAX_NEW_TOKENS
from explain.core.loading import LoadedModel
from explain.core.sampling import SamplingConfig, make_rng, pick


@dataclass
class Step:
    id: int  # the chosen token id
    text: str  # that token decoded on its own, e.g. " Paris"
    prob: float  # its probability in the shaped distribution it was picked from
    model_prob: float  # its probability at temperature 1 with no cut: what the model itself believes
    rank: int  # 1 = the model's most likely token

    def as_dict(self) -> dict:
        return asdict(self)


def step_rng(seed: int | None, position: int) -> np.random.Generator:
    """The random source for the token at `position`: seeded by (seed, position), so clicking "sample"
    five times and auto-generating five tokens give the same text for the same seed."""
    return make_rng(None if seed is None else [seed, position])


def _forward(lm: LoadedModel, feed: list[int], past) -> tuple[np.ndarray, object]:
    """Logits for the position after `feed` (V,), and the updated KV cache (this session's own).

    A decode step (one token after a cache) may share its pass with other sessions' steps
    (`core/decode_batching.py`); a prefill runs alone.
    """
    return lm.decoder.step(feed, past)


def next_logits(lm: LoadedModel, ids: list[int]) -> np.ndarray:
    """Scores (V,) for the token after `ids`, from one full pass; cached per id sequence."""
    return lm.results.get_or_compute(
        ("next_logits", tuple(ids)), lambda: _forward(lm, ids[-MAX_CONTEXT_TOKENS:], None)[0]
    )


def make_step(lm: LoadedModel, logits: np.ndarray, token: int, prob: float) -> Step:
    """A Step for `token` chosen from `logits` (V,) with shaped probability `prob`."""
    model_probs = softmax(logits)
    rank = int((model_probs > model_probs[token]).sum()) + 1
    return Step(token, lm.tokenizer.decode([token]), prob, float(model_probs[token]), rank)


def stream(
    lm: LoadedModel, ids: list[int], config: SamplingConfig, max_new_tokens: int, stop_ids: set[int] | None = None
) -> Iterator[Step]:
    """Yield up to `max_new_tokens` (bounded by MAX_NEW_TOKENS) Steps continuing `ids`, using the KV cache.

    Stops early after a token in `stop_ids` (default: the tokenizer's end-of-text token).
    """
    stop_ids = stop_ids if stop_ids is not None else {lm.tokenizer.eos_token_id}
    context = list(ids[-MAX_CONTEXT_TOKENS:])
    feed, past = context, None
    for _ in range(max(0, min(max_new_tokens, MAX_NEW_TOKENS))):
        if len(context) >= MAX_CONTEXT_TOKENS:
            return
        logits, past = _forward(lm, feed, past)
        token, prob = pick(logits, config, step_rng(config.seed, len(context)))
        yield make_step(lm, logits, token, prob)
        if token in stop_ids:
            return
        context.append(token)
        feed = [token]


def text_deltas(lm: LoadedModel, steps: Iterator[Step], skip_special: bool = True) -> Iterator[str]:
    """Turn Steps into pieces of text for streaming; a character split across tokens (an emoji, an
    accented letter) is held back until its last byte arrives, so no '�' flickers on screen."""
    ids: list[int] = []
    shown = ""
    for step in steps:
        ids.append(step.id)
        text = lm.tokenizer.decode(ids, skip_special_tokens=skip_special)
        if text.endswith("\ufffd"):
            continue
        yield text[len(shown) :]
        shown = text


def generate(lm: LoadedModel, prompt_ids: list[int], config: SamplingConfig, max_new_tokens: int) -> dict:
    """The whole continuation as plain data (for the CLI): text, tokens with probabilities, speed."""
    start = time.perf_counter()
    steps = list(stream(lm, prompt_ids[:MAX_ANALYSIS_TOKENS], config, max_new_tokens))
    seconds = time.perf_counter() - start
    return {
        "text": lm.tokenizer.decode([s.id for s in steps], skip_special_tokens=True),
        "tokens": [s.as_dict() for s in steps],
        "seconds": round(seconds, 3),
        "tokens_per_second": round(len(steps) / seconds, 1) if seconds > 0 else None,
    }
