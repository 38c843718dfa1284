"""Greedy decoding with the KV cache, each step timed and the cache measured: the cost of a long context.

The prompt goes through the model once (the prefill: every token at once, attention T x T); each
new token then costs one position of work against the cached keys and values. Unlike
`core/generation.py`, which keeps a chat within MAX_CONTEXT_TOKENS, this loop takes any prompt up
to the model's own window, because measuring what a longer context costs is its job. Leaves out
sampling (always the most likely token) and streaming.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch

from explain.core.loading import LoadedModel
from explain.frontier.kv_cache import measured_bytes


@dataclass
class Decoded:
    prompt_tokens: int  # tokens fed in the prefill
    ids: list[int]  # the new tokens, the stop token left out
    text: str  # those tokens decoded
    prefill_seconds: float  # the one pass over the whole prompt
    step_seconds: list[float] = field(default_factory=list)  # each later pass: one new token, cache reused
    kv_bytes: int = 0  # bytes of the real cache right after the prefill (prompt_tokens positions)

    @property
    def ms_per_token(self) -> float:
        """Mean time of a new token once the prompt is cached (0 when no step ran)."""
        return 1000 * sum(self.step_seconds) / len(self.step_seconds) if self.step_seconds else 0.0


def stop_ids(lm: LoadedModel) -> set[int]:
    """Tokens that end a reply: end of text and ChatML's end of turn."""
    ids = {lm.tokenizer.eos_token_id}
    end_turn = lm.tokenizer.convert_tokens_to_ids("<|im_end|>")
    if isinstance(end_turn, int) and end_turn != lm.tokenizer.unk_token_id:
        ids.add(end_turn)
    return {i for i in ids if i is not None}


def _forward(lm: LoadedModel, feed: list[int], past) -> tuple[int, object, float]:
    """(most likely next token, updated cache, seconds) for one pass over `feed`."""
    start = time.perf_counter()
    out = lm.model(input_ids=torch.tensor([feed], device=lm.device), past_key_values=past, use_cache=True)
    token = int(out.logits[0, -1].argmax())
    return token, out.past_key_values, time.perf_counter() - start


def greedy(lm: LoadedModel, prompt: list[int], max_new_tokens: int) -> Decoded:
    """Up to `max_new_tokens` greedy tokens after `prompt`, ending at a stop token; timed and measured."""
    stops = stop_ids(lm)
    with lm.turns.turn(), torch.inference_mode():
        token, past, prefill = _forward(lm, prompt, None)
        result = Decoded(len(prompt), [], "", prefill, kv_bytes=measured_bytes(past))
        for _ in range(max_new_tokens):
            if token in stops:
                break
            result.ids.append(token)
            if len(result.ids) == max_new_tokens:
                break
            token, past, seconds = _forward(lm, [token], past)
            result.step_seconds.append(seconds)
    result.text = lm.tokenizer.decode(result.ids, skip_special_tokens=True).strip()
    return result
