"""Sentence vectors from MiniLM: one 384-number vector per text, for similarity and search.

all-MiniLM-L6-v2 was trained with mean pooling over its last hidden states
followed by L2 normalisation, so the cosine similarity of two texts is the dot
product of their vectors. Leaves out token embeddings of the causal LM (see
the embeddings page's modules) and the search index (see `embeddings/index.py`).
"""

from __future__ import annotations

import numpy as np
import torch

from explain.core.loading import LoadedModel
from explain.embeddings.index import unit_rows

BATCH = 64  # texts per forward pass; bounds memory for long collections


def embed_texts(encoder: LoadedModel, texts: list[str], max_tokens: int = 256) -> np.ndarray:
    """(N, D) float32 unit vectors, one per text, by masked mean pooling.

    >>> # cosine("book", "bookworm") is embed_texts(enc, ["book", "bookworm"]) @ ...T
    """
    if not texts:
        return np.zeros((0, encoder.config.hidden_size), dtype=np.float32)
    chunks = []
    for start in range(0, len(texts), BATCH):
        batch = encoder.tokenizer(
            texts[start : start + BATCH], padding=True, truncation=True, max_length=max_tokens, return_tensors="pt"
        ).to(encoder.device)
        with encoder.turns.turn(), torch.inference_mode():
            hidden = encoder.model(**batch).last_hidden_state.float()  # (B, T, D)
        mask = batch["attention_mask"].unsqueeze(-1).float()  # (B, T, 1)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (B, D)
        chunks.append(torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy())
    return np.concatenate(chunks).astype(np.float32)


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """(N, N) cosine similarities of row vectors (normalised here, so any vectors will do)."""
    unit = unit_rows(vectors)
    return unit @ unit.T
