"""What a page needs to find and read attention heads: per-head statistics, presets, head-view lines.

Everything here takes the `attentions` array of one `analysis.analyze` pass,
shape (L, H, T, T) with rows = query positions summing to 1, plus its token
ids. Covers the per-head statistics of the layers x heads grid, the three
preset texts, the line list of the BertViz-style head view and the numbers of
the causal-vs-bidirectional comparison. Leaves out drawing (see
`attention/figures.py`) and the step-by-step recomputation (see `attention/recompute.py`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

STATISTICS = ("entropy", "previous", "first", "induction")  # names of the per-head statistics

PRONOUN_TEXT = "The animal didn't cross the street because it was too tired"
QUESTION_TEXT = "What is the tallest building?"
# Short, common English words: each is one SmolLM2 token with a leading space, so the repeat is exact.
_WORD_POOL = (
    "apple river seven lamp cloud table green music paper stone horse glass window summer bread "
    "chair silver garden doctor candle orange winter mirror pencil forest"
).split()


def repeated_random_text(n_words: int = 12, seed: int = 7) -> str:
    """A fixed-seed random word sequence written twice: the second copy can be predicted by copying.

    Induction heads are the heads that, at a token seen before, attend to the token
    that followed it last time. >>> repeated_random_text(3, 0).split()[:3] == repeated_random_text(3, 0).split()[3:]
    True
    """
    words = random.Random(seed).sample(_WORD_POOL, n_words)
    return " ".join(words + words)


PRESETS = {  # preset key -> text (keys are looked up in assets/i18n/attention.json as preset_<key>)
    "pronoun": PRONOUN_TEXT,
    "induction": repeated_random_text(),
    "question": QUESTION_TEXT,
}


def row_entropy(attentions: np.ndarray) -> np.ndarray:
    """Entropy in bits of every row: 0 = all weight on one token, log2(n) = spread evenly over n.

    (..., T, T) -> (..., T). >>> row_entropy(np.array([[0.5, 0.5]])).tolist()
    [1.0]
    """
    p = np.clip(attentions.astype(np.float64), 1e-12, 1.0)
    return -(attentions * np.log2(p)).sum(axis=-1)


def _diagonal_mean(attentions: np.ndarray, offset: int) -> np.ndarray:
    """Mean of A[t, t - offset] over the rows that have such a key: (L, H, T, T) -> (L, H)."""
    T = attentions.shape[-1]
    if T <= offset:
        return np.zeros(attentions.shape[:2])
    rows = np.arange(offset, T)
    return attentions[..., rows, rows - offset].mean(axis=-1)


def induction_targets(ids: list[int]) -> list[tuple[int, int]]:
    """(query t, key j + 1) pairs where token t appeared before at j: where an induction head looks.

    >>> induction_targets([5, 6, 7, 5, 6])
    [(3, 1), (4, 2)]
    """
    last_seen: dict[int, int] = {}
    pairs = []
    for t, token in enumerate(ids):
        if token in last_seen and last_seen[token] + 1 < t:
            pairs.append((t, last_seen[token] + 1))
        last_seen[token] = t
    return pairs


def head_statistics(attentions: np.ndarray, ids: list[int]) -> dict[str, np.ndarray]:
    """Per-head statistics, each (L, H), computed over every analysed token.

    entropy   mean row entropy in bits (low = focused, high = spread out)
    previous  mean weight on the token just before (t - 1)
    first     mean weight on the first token (a common "resting place" for heads with nothing to do)
    induction mean weight on the token after an earlier copy of the current token (0 when nothing repeats)
    """
    pairs = induction_targets(ids)
    if pairs:
        rows, cols = (np.array(x) for x in zip(*pairs))
        induction = attentions[..., rows, cols].mean(axis=-1)
    else:
        induction = np.zeros(attentions.shape[:2])
    return {
        "entropy": row_entropy(attentions).mean(axis=-1),
        "previous": _diagonal_mean(attentions, 1),
        "first": attentions[..., :, 0].mean(axis=-1),
        "induction": induction,
    }


def upper_triangle_mass(attentions: np.ndarray) -> float:
    """Mean total weight a row gives to later tokens (keys after the query): 0 for a causal model.

    (..., T, T) -> float. A bidirectional encoder such as BERT puts a good share there.
    """
    upper = np.triu(np.ones(attentions.shape[-2:], dtype=bool), k=1)
    return float((attentions * upper).sum(axis=-1).mean())


@dataclass
class Line:
    query: int  # position of the token that looks (left column)
    key: int  # position of the token looked at (right column)
    head: int  # head index, for the colour
    weight: float  # attention weight, for the opacity


def head_view_lines(
    attentions: np.ndarray, heads: list[int], min_weight: float = 0.02, query: int | None = None
) -> list[Line]:
    """The lines of a head view for one layer: every (query, key) weight >= `min_weight` of `heads`.

    `attentions` is one layer, (H, T, T). `query` keeps only that token's lines.
    Weights under `min_weight` are left out: they would be invisible and only slow the drawing.
    """
    lines = []
    for head in heads:
        matrix = attentions[head]
        rows = [query] if query is not None else range(matrix.shape[0])
        for q in rows:
            for k in np.flatnonzero(matrix[q] >= min_weight):
                lines.append(Line(int(q), int(k), int(head), float(matrix[q, k])))
    return lines


def summary_grid(attentions: np.ndarray, ids: list[int], statistic: str) -> list[list[float]]:
    """The layers x heads grid of one statistic as plain nested lists, rounded (for the CLI and JSON)."""
    if statistic not in STATISTICS:
        raise ValueError(f"Unknown statistic '{statistic}'; choose one of: {', '.join(STATISTICS)}.")
    grid = head_statistics(attentions, ids)[statistic]
    return [[round(float(v), 4) for v in row] for row in grid]


def top_heads(grid: np.ndarray, k: int = 3, lowest: bool = False) -> list[tuple[int, int, float]]:
    """The k heads with the highest (or lowest) value: [(layer, head, value)], best first."""
    flat = grid.ravel()
    order = np.argsort(flat if lowest else -flat)[:k]
    return [(int(i // grid.shape[1]), int(i % grid.shape[1]), float(flat[i])) for i in order]


def token_pair_scores(attentions: np.ndarray, tokens: list[str], query: str, key: str) -> np.ndarray | None:
    """(L, H) weight from the first `query` token to the first `key` token, or None if either is absent.

    Tokens are compared without surrounding spaces: ("it", "animal") finds ' it' -> ' animal'.
    """
    stripped = [t.strip() for t in tokens]
    if query not in stripped or key not in stripped:
        return None
    return attentions[..., stripped.index(query), stripped.index(key)]


def preset_scores(preset: str, attentions: np.ndarray, tokens: list[str], ids: list[int]) -> np.ndarray | None:
    """The (L, H) score that picks the heads worth showing for a preset, or None when it does not apply.

    pronoun: weight from "it" to "animal"; induction: the induction statistic;
    question: weight on the first token (most heads park their weight there).
    """
    if preset == "pronoun":
        return token_pair_scores(attentions, tokens, "it", "animal")
    if preset == "induction":
        return head_statistics(attentions, ids)["induction"]
    if preset == "question":
        return head_statistics(attentions, ids)["first"]
    return None
