"""Next-token latency and generation speed of the default causal LM on the current device.

Next-token latency: one plain forward pass (no attention outputs) over prompts of
16, 64 and 256 tokens. Generation: greedy tokens per second with the KV cache
(what the page's streaming uses), and without it (the whole text re-run for
every token) to show what the cache saves. Leaves out sampling cost (numpy on
one vector: negligible next to the forward pass).
"""

from __future__ import annotations

import time

from bench import median_ms
from explain.core import registry
from explain.core.generation import _forward, stream
from explain.core.loading import load_model
from explain.core.sampling import SamplingConfig

LENGTHS = (16, 64, 256)
PROMPT = "The students watched the model predict one token after another, layer by layer. " * 40


def _ids_of_length(lm, n_tokens: int) -> list[int]:
    return lm.tokenizer(PROMPT, add_special_tokens=False)["input_ids"][:n_tokens]


def _tokens_per_second(work, n_tokens: int) -> float:
    start = time.perf_counter()
    work()
    return round(n_tokens / (time.perf_counter() - start), 1)


def run(quick: bool) -> dict:
    lm = load_model(registry.DEFAULT_CAUSAL_LM)
    repeats = 3 if quick else 9
    new_tokens = 16 if quick else 64
    out = {"model": lm.name, "device": lm.device, "dtype": lm.dtype_name, "new_tokens": new_tokens}
    for n in LENGTHS:
        ids = _ids_of_length(lm, n)
        out[f"next_token_ms_{n}_tokens"] = median_ms(lambda ids=ids: _forward(lm, ids, None), repeats)
    prompt = _ids_of_length(lm, 64)
    greedy = SamplingConfig(temperature=0)
    no_stop: set[int] = set()
    list(stream(lm, prompt, greedy, 2, no_stop))  # warm-up
    out["kv_cache_tokens_per_s"] = _tokens_per_second(
        lambda: list(stream(lm, prompt, greedy, new_tokens, no_stop)), new_tokens
    )

    def without_cache() -> None:
        ids = list(prompt)
        for _ in range(new_tokens):
            logits, _ = _forward(lm, ids, None)
            ids.append(int(logits.argmax()))

    out["no_cache_tokens_per_s"] = _tokens_per_second(without_cache, new_tokens)
    return out
