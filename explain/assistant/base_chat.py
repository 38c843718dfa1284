"""Base vs assistant: the same weights prompted as plain text to continue, and through the chat template.

A base model continues text; an assistant is the same kind of network tuned (SFT, then preference
tuning) on conversations wrapped in special markers (`<|im_start|>user ... <|im_end|>`). SmolLM2-
Instruct is such a model: fed raw text it still continues it, fed the template it answers. Both
replies here are greedy, so they are the same every time. Leaves out the base checkpoint itself
(not shipped with the app) and sampling.
"""

from __future__ import annotations

from explain.core import chat
from explain.core.generation import stream
from explain.core.loading import LoadedModel
from explain.core.sampling import SamplingConfig

GREEDY = SamplingConfig(temperature=0.0, seed=0)


def raw_completion(lm: LoadedModel, text: str, max_new_tokens: int = 40) -> dict:
    """{"tokens", "reply"}: the text's own tokens (no template, nothing added) and its greedy continuation."""
    ids = list(lm.tokenizer(text, add_special_tokens=False)["input_ids"])
    steps = list(stream(lm, ids, GREEDY, max_new_tokens))
    reply = lm.tokenizer.decode([s.id for s in steps], skip_special_tokens=True)
    return {"tokens": [lm.tokenizer.decode([i]) for i in ids], "reply": reply}


def chat_completion(lm: LoadedModel, text: str, max_new_tokens: int = 40) -> dict:
    """{"tokens", "reply"}: the same text as a user's turn in the chat template (markers and default
    system prompt included) and the assistant's greedy reply."""
    messages = [{"role": "user", "content": text}]
    return {"tokens": chat.template_tokens(lm, messages), "reply": chat.greedy_reply(lm, messages, max_new_tokens)}


def side_by_side(lm: LoadedModel, text: str, max_new_tokens: int = 40) -> dict:
    """{"raw": raw_completion, "chat": chat_completion} for one text."""
    return {"raw": raw_completion(lm, text, max_new_tokens), "chat": chat_completion(lm, text, max_new_tokens)}
