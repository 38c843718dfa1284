"""The live strip of the home page and the tour's first step: one sentence through the model, as plain data.

Four small views of the same forward pass (`core/analysis.analyze`, the one shared pass):
tokens -> their vectors (the sentence's embedding rows placed on a tiny map: the first two
principal axes of the map's whole-word tokens) -> one attention head (T, T) -> the top next
tokens. Also the query parameters that open each chapter on the same text (each page's
`bind` keys). Example sentences and the head shown first are data in `assets/home/strip.json`.
Leaves out drawing (`classroom/tour_figures.py`) and Streamlit (`ui/strip.py`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explain.core.analysis import analyze, top_candidates
from explain.core.limits import MAX_STRIP_CHARS
from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS
from explain.embeddings.index import unit_rows
from explain.embeddings.projection import principal_axes

STRIP_FILE = ASSETS / "home" / "strip.json"
TOP_K = 5  # next-token bars shown


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(STRIP_FILE.read_text(encoding="utf-8"))


def sentences(lang: str) -> list[str]:
    """The example sentences for `lang` (English when the language has none)."""
    return list(_data()["sentences"].get(lang) or _data()["sentences"]["en"])


def default_head() -> tuple[int, int]:
    """(layer, head), 0-based: the clearest previous-token head of SmolLM2 on the examples."""
    head = _data()["head"]
    return int(head["layer"]), int(head["head"])


@dataclass
class TinyMap:
    background: np.ndarray  # (N, 2) the reference tokens (e.g. 500 whole words) on the two axes
    mean: np.ndarray  # (D,) mean of their unit rows
    axes: np.ndarray  # (2, D) their two directions of largest spread

    def place(self, vectors: np.ndarray) -> np.ndarray:
        """(T, 2) coordinates of any (T, D) rows on this map (scaled to unit length first, like the map)."""
        return (unit_rows(np.asarray(vectors, np.float32)) - self.mean) @ self.axes.T


def fit_tiny_map(vectors: np.ndarray) -> TinyMap:
    """A 2D PCA map fitted once on reference rows (N, D); sentences are then placed on it."""
    units = unit_rows(np.asarray(vectors, np.float32))
    mean = units.mean(axis=0)
    axes = principal_axes(units - mean, 2)
    return TinyMap((units - mean) @ axes.T, mean, axes)


@dataclass
class Strip:
    text: str  # the sentence, cleaned (at most MAX_STRIP_CHARS characters)
    tokens: list[str]  # (T,) tokens as the model reads them, e.g. " capital"
    ids: list[int]  # (T,) their ids
    points: np.ndarray  # (T, 2) each token's embedding row on the tiny map
    layer: int  # 0-based layer of the head shown
    head: int  # 0-based head within that layer
    attention: np.ndarray  # (T, T) that head's weights, rows = query tokens, each row sums to 1
    candidates: list[dict]  # top TOP_K next tokens [{"token", "id", "prob"}], most likely first
    forward_seconds: float  # wall time of the model's forward pass over this text (measured when first run)
    seconds: float  # wall time of building the strip now (near 0 for the pass when the text was cached)


def build_strip(lm: LoadedModel, text: str, tiny_map: TinyMap, layer: int, head: int) -> Strip:
    """Everything the strip draws for `text`, from one (cached) forward pass of `lm`.

    `layer` and `head` are clamped into the model's range. Raises EmptyTextError for empty text.
    """
    start = time.perf_counter()
    result = analyze(lm, text[:MAX_STRIP_CHARS])
    n_layers, n_heads = result.attentions.shape[:2]  # attentions: (L, H, T, T)
    layer, head = min(max(layer, 0), n_layers - 1), min(max(head, 0), n_heads - 1)
    points = tiny_map.place(result.hidden_states[0])  # hidden_states[0]: (T, D) the embedding rows
    candidates = top_candidates(lm, result.next_logits, TOP_K) if result.next_logits is not None else []
    attention = result.attentions[layer, head]
    seconds = time.perf_counter() - start
    return Strip(
        result.text, result.tokens, result.ids, points, layer, head, attention, candidates, result.seconds, seconds
    )


def map_word(tokens: list[str]) -> str:
    """The word the embeddings link searches: the last token that is a whole word of letters.

    >>> map_word([" The", " capital", " of", " France", " is"])
    'France'
    """
    words = [tok.strip() for tok in tokens if tok.startswith(" ") and tok.strip().isalpha() and len(tok.strip()) > 2]
    return words[-1] if words else ""


def chapter_links(strip: Strip) -> dict[str, dict[str, str]]:
    """Query parameters that open each chapter on the strip's text (the pages' own `bind` keys)."""
    links = {
        "tokenization": {"tok_preset": "custom", "tok_text": strip.text},
        "embeddings": {"emb_view": "map", "emb_word": map_word(strip.tokens)},
        "attention": {"attn_preset": "custom", "attn_text": strip.text, "attn_view": "heatmap",
                      "attn_layer": str(strip.layer), "attn_head": str(strip.head)},
        "next_token": {"nt_text": strip.text},
    }  # fmt: skip
    if not links["embeddings"]["emb_word"]:
        del links["embeddings"]["emb_word"]
    return links
