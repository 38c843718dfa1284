"""A text as training data: token ids split into train and validation, and random batches of windows.

The validation part is the end of the text, never trained on. Leaves out tokenizing rules (see
`training/char_tokenizer.py`) and choosing texts (see `training/corpora.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from explain.training import char_tokenizer


@dataclass
class Data:
    tokenizer: Any  # a PreTrainedTokenizerFast (char-level unless loaded with a model)
    train_ids: torch.Tensor  # (N_train,) int64 token ids
    val_ids: torch.Tensor  # (N_val,) int64 token ids, the end of the text, never trained on
    vocab_size: int  # rows of the embedding matrix

    def describe(self) -> dict:
        return {"train_tokens": len(self.train_ids), "val_tokens": len(self.val_ids), "vocab_size": self.vocab_size}


def split_ids(ids: list[int], val_fraction: float = 0.1) -> tuple[list[int], list[int]]:
    """Train on the first (1 - val_fraction) of the tokens, validate on the rest.

    >>> split_ids(list(range(10)), 0.2)
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    cut = len(ids) - max(1, int(len(ids) * val_fraction))
    return ids[:cut], ids[cut:]


def prepare_data(text: str, tokenizer: Any = None, val_fraction: float = 0.1) -> Data:
    """Tokenize `text` (building a char tokenizer from it unless one is given) and split it."""
    tokenizer = tokenizer or char_tokenizer.build_char_tokenizer(text)
    ids = char_tokenizer.encode(tokenizer, text)
    train, val = split_ids(ids, val_fraction)
    as_tensor = lambda xs: torch.tensor(xs, dtype=torch.long)  # noqa: E731
    return Data(tokenizer, as_tensor(train), as_tensor(val), len(tokenizer))


def get_batch(ids: torch.Tensor, batch_size: int, block_size: int, generator: torch.Generator):
    """Random windows of `ids`: x (B, T) and y (B, T), y being x shifted one token to the left."""
    starts = torch.randint(len(ids) - block_size - 1, (batch_size,), generator=generator)
    windows = ids[starts[:, None] + torch.arange(block_size + 1)]  # (B, T + 1), one gather
    return windows[:, :-1], windows[:, 1:]
