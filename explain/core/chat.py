"""Talking to the instruct model through its chat template, as chat apps do.

Covers building the exact token ids the model receives for a conversation and a
greedy (deterministic) reply. Leaves out sampling and streaming (see the next-
token page's generation module).
"""

from __future__ import annotations

import torch

from explain.core.limits import MAX_CONTEXT_TOKENS, MAX_REPLY_TOKENS
from explain.core.loading import LoadedModel


def chat_ids(lm: LoadedModel, messages: list[dict[str, str]]) -> list[int]:
    """Token ids of `messages` ([{"role": "user", "content": ...}]) rendered by the model's template,
    ending with the assistant's turn opened. SmolLM2 adds its default system prompt if none is given.
    """
    rendered = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    return list(lm.tokenizer(rendered, add_special_tokens=False)["input_ids"])


def fed_ids(ids: list[int], max_new_tokens: int) -> list[int]:
    """The prompt ids the model is fed: the last ones, so prompt + reply fit in MAX_CONTEXT_TOKENS.

    >>> len(fed_ids(list(range(5000)), 200)) == MAX_CONTEXT_TOKENS - 200
    True
    """
    return ids[-max(1, MAX_CONTEXT_TOKENS - max_new_tokens) :]


def greedy_reply(lm: LoadedModel, messages: list[dict[str, str]], max_new_tokens: int = 60) -> str:
    """The model's most likely reply (greedy decoding, so the same question gets the same answer)."""
    limit = max(1, min(max_new_tokens, MAX_REPLY_TOKENS))
    ids = torch.tensor([fed_ids(chat_ids(lm, messages), limit)], device=lm.device)
    with lm.lock, torch.inference_mode():
        out = lm.model.generate(
            ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=limit,
            do_sample=False,
            pad_token_id=lm.tokenizer.eos_token_id,
        )
    return lm.tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True).strip()


def template_tokens(lm: LoadedModel, messages: list[dict[str, str]]) -> list[str]:
    """The templated conversation as the model receives it, one decoded token per entry
    (markers such as '<|im_start|>' included), for the "show raw tokens" toggle."""
    return [lm.tokenizer.decode([i]) for i in chat_ids(lm, messages)]


def stream_reply(lm: LoadedModel, messages: list[dict[str, str]], config, max_new_tokens: int = 60):
    """Pieces of the assistant's reply as they are generated (greedy or sampled per `config`, a
    `sampling.SamplingConfig`), ending at the end-of-turn token or after at most MAX_REPLY_TOKENS."""
    from explain.core.generation import stream, text_deltas

    limit = max(1, min(max_new_tokens, MAX_REPLY_TOKENS))
    ids = fed_ids(chat_ids(lm, messages), limit)
    yield from text_deltas(lm, stream(lm, ids, config, limit))
