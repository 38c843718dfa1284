"""The fine-tuning data: chat dialogues read from JSONL, a fixed held-out split, and labelled batches.

Only the assistant's tokens are labelled (the user's words and the chat template are context,
not something to learn to say). Leaves out the model and the training loop (see `finetune/lora.py`).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from explain.core.limits import MAX_DATA_BYTES
from explain.core.paths import ASSETS
from explain.core.text_input import read_text_file, valid_unicode

PIZZA_FILE = ASSETS / "pizza" / "dialogues.jsonl"
HELDOUT_EVERY = 5  # every 5th dialogue (index 4, 9, ...) is held out: never trained on
IGNORE = -100  # label PyTorch's cross-entropy skips


def read_dialogues(path: Path = PIZZA_FILE) -> list[list[dict]]:
    """Dialogues from a JSONL file of {"messages": [{"role", "content"}, ...]}, checked.

    Raises ValueError with the line number for anything else (bad JSON, an unknown role,
    a dialogue that never lets the assistant speak).
    """
    text, truncated = read_text_file(path, MAX_DATA_BYTES)  # TextFileError (a ValueError) for binaries
    if truncated:
        raise ValueError(f"{Path(path).name} is over {MAX_DATA_BYTES:,} bytes; use a smaller dialogue file.")
    dialogues = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            dialogues.append(_dialogue(line, f"{Path(path).name} line {number}"))
    if not dialogues:
        raise ValueError(f"{Path(path).name} holds no dialogues.")
    return dialogues


def _dialogue(line: str, where: str) -> list[dict]:
    """One JSONL line as [{"role", "content"}]: roles known, an assistant turn, every content a string.

    A number or null as content is refused (it would train on "5" or "None"); lone surrogates
    (\\ud800 escapes) become U+FFFD, so the tokenizer never meets text it cannot encode.
    """
    try:
        messages = json.loads(line)["messages"]
    except (ValueError, KeyError, TypeError):
        raise ValueError(f'{where}: expected {{"messages": [...]}} JSON.') from None
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise ValueError(f'{where}: "messages" must be a list of {{"role", "content"}} objects.')
    roles = {m.get("role") for m in messages}
    if not roles <= {"system", "user", "assistant"} or "assistant" not in roles:
        raise ValueError(f"{where}: roles must be user/assistant, with one assistant turn.")
    if not all(isinstance(m.get("content"), str) and m["content"].strip() for m in messages):
        raise ValueError(f'{where}: every message needs its text as a non-empty string in "content".')
    return [{"role": m["role"], "content": valid_unicode(m["content"])} for m in messages]


def split_dialogues(dialogues: list) -> tuple[list, list]:
    """(train, held_out): every HELDOUT_EVERY-th dialogue is held out, so the split never changes.

    >>> split_dialogues(list(range(10)))
    ([0, 1, 2, 3, 5, 6, 7, 8], [4, 9])
    """
    held = [x for i, x in enumerate(dialogues) if i % HELDOUT_EVERY == HELDOUT_EVERY - 1]
    train = [x for i, x in enumerate(dialogues) if i % HELDOUT_EVERY != HELDOUT_EVERY - 1]
    return train, held


def _template_ids(tokenizer, messages: list[dict], open_reply: bool) -> list[int]:
    text = tokenizer.apply_chat_template(messages, add_generation_prompt=open_reply, tokenize=False)
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def encode_dialogue(tokenizer, messages: list[dict], max_tokens: int) -> tuple[list[int], list[int]]:
    """(ids, labels) of one dialogue rendered by the chat template; labels are IGNORE except on the
    assistant's tokens (its words and its end-of-turn marker), so only those are learned.

    Each assistant turn's tokens are found as the difference between the template up to it (reply
    opened) and the template including it; ChatML renders every prefix as a prefix of the whole.
    """
    ids = _template_ids(tokenizer, messages, open_reply=False)
    labels = [IGNORE] * len(ids)
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        start = len(_template_ids(tokenizer, messages[:i], open_reply=True))
        end = len(_template_ids(tokenizer, messages[: i + 1], open_reply=False))
        labels[start:end] = ids[start:end]
    return ids[:max_tokens], labels[:max_tokens]


def make_batch(examples: list[tuple[list[int], list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded tensors (B, T): input_ids, attention_mask, labels (IGNORE on padding)."""
    width = max(len(ids) for ids, _ in examples)
    ids = [x + [pad_id] * (width - len(x)) for x, _ in examples]
    labels = [y + [IGNORE] * (width - len(y)) for _, y in examples]
    mask = [[1] * len(x) + [0] * (width - len(x)) for x, _ in examples]
    return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask), "labels": torch.tensor(labels)}
