"""What a chat changes in the model: nothing in its weights; only the text in its context window.

The fingerprint of every parameter (`assistant/fingerprint.py`) is the same before and after a
conversation: answering runs the network forward, and no step of gradient descent happens while
you chat. What the model "remembers" is the conversation itself, fed back in as tokens at every
turn, up to its context window (SmolLM2: `max_position_embeddings` = 8,192 tokens; this app feeds
at most MAX_CONTEXT_TOKENS). Chat products that "remember" you store notes and paste them into
the context; the weights change only when the company trains a new version. Leaves out the KV
cache (a speed-up that is rebuilt for every reply) and the chat view (see `ui/next_token_chat.py`).
"""

from __future__ import annotations

from explain.assistant.fingerprint import fingerprint
from explain.core.chat import chat_ids, greedy_reply
from explain.core.limits import MAX_CONTEXT_TOKENS
from explain.core.loading import LoadedModel


def context_use(lm: LoadedModel, messages: list[dict]) -> dict:
    """{"used", "window", "app_bound"}: tokens of the templated conversation, the model's context window
    (config.max_position_embeddings) and the app's own bound on what it feeds."""
    used = len(chat_ids(lm, messages)) if messages else 0
    return {"used": used, "window": int(lm.config.max_position_embeddings), "app_bound": MAX_CONTEXT_TOKENS}


def chat_and_fingerprint(lm: LoadedModel, questions: list[str], max_new_tokens: int = 30) -> dict:
    """Ask `questions` as one conversation; {"before", "after", "messages", "context"}: the weights' hash
    before and after, the whole conversation, and its context use."""
    before = fingerprint(lm.model)
    messages: list[dict] = []
    for question in questions:
        messages.append({"role": "user", "content": question})
        messages.append({"role": "assistant", "content": greedy_reply(lm, messages, max_new_tokens)})
    return {
        "before": before,
        "after": fingerprint(lm.model),
        "messages": messages,
        "context": context_use(lm, messages),
    }
