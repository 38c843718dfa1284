"""Word groups on the token map (months, days, colours...): which rows they are, and how close they sit.

The groups are data (`assets/embeddings/groups.json`, labels in English and Italian). A group's
word counts only when the model keeps it as one whole token (" January" -> one id); the others
are left out and reported. The measurement that justifies drawing the groups is computed live:
the mean cosine of every pair inside a group against the mean over every pair of the map's
tokens, both in the full embedding space (`embeddings/index.unit_rows`, the one cosine).
Leaves out drawing (`embeddings/figures.py`) and choosing the map's other tokens (`token_table.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS
from explain.embeddings.index import unit_rows
from explain.embeddings.token_table import TokenSet, embedding_matrix

GROUPS_FILE = ASSETS / "embeddings" / "groups.json"


@dataclass
class Group:
    id: str  # "months"
    label: dict[str, str]  # {"en": "months", "it": "mesi"}
    about: dict[str, str]  # one sentence per language
    words: list[str]  # the words as listed, e.g. ["January", ...]
    rows: list[int] = field(default_factory=list)  # rows of the map's TokenSet, in `words` order
    left_out: list[str] = field(default_factory=list)  # words that are not one whole token

    def name(self, lang: str) -> str:
        """The label in `lang` (English when missing)."""
        return self.label.get(lang, self.label["en"])


@lru_cache(maxsize=1)
def _raw_groups() -> tuple[dict, ...]:
    return tuple(json.loads(GROUPS_FILE.read_text(encoding="utf-8"))["groups"])


def load_groups() -> list[Group]:
    """Fresh Group objects (rows still empty) from groups.json."""
    return [Group(g["id"], g["label"], g["about"], list(g["words"])) for g in _raw_groups()]


def single_token_id(lm: LoadedModel, word: str) -> int | None:
    """The id of " word" when the model keeps it whole, else None: 'January' -> its id; 'gennaio' -> None."""
    ids = lm.tokenizer(" " + word, add_special_tokens=False)["input_ids"]
    return int(ids[0]) if len(ids) == 1 else None


def with_groups(lm: LoadedModel, tokens: TokenSet, groups: list[Group]) -> TokenSet:
    """`tokens` plus every group word not yet on it (appended at the end); fills each group's rows.

    A word already on the map keeps its row; "May" and "may" are different tokens, so both can be there.
    """
    row_of = {int(tid): i for i, tid in enumerate(tokens.ids)}
    ids, words = list(tokens.ids), list(tokens.words)
    for group in groups:
        group.rows, group.left_out = [], []
        for word in group.words:
            tid = single_token_id(lm, word)
            if tid is None:
                group.left_out.append(word)
                continue
            if tid not in row_of:
                row_of[tid] = len(ids)
                ids.append(tid)
                words.append(word)
            group.rows.append(row_of[tid])
    id_array = np.array(ids, dtype=np.int64)
    return TokenSet(id_array, words, embedding_matrix(lm)[id_array])


def mean_pair_cosine(vectors: np.ndarray) -> float:
    """Mean cosine over every pair of distinct rows of (N, D) `vectors`, without the (N, N) matrix.

    sum over i != j of u_i . u_j = |sum u|^2 - N for unit rows u, so the mean is that over N(N - 1).
    >>> round(mean_pair_cosine(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])), 3)
    0.471
    """
    units = unit_rows(np.asarray(vectors, dtype=np.float64))
    n = len(units)
    if n < 2:
        return float("nan")
    total = units.sum(axis=0)
    return float((total @ total - n) / (n * (n - 1)))


@dataclass
class GroupStat:
    group: Group
    within: float  # mean cosine over the group's pairs (NaN with fewer than two tokens)
    baseline: float  # mean cosine over all pairs of the map's tokens: what a random pair gives


def group_stats(tokens: TokenSet, groups: list[Group]) -> list[GroupStat]:
    """Each group's mean within-group cosine next to the map's mean pair cosine (full D dimensions)."""
    baseline = mean_pair_cosine(tokens.vectors)
    return [GroupStat(g, mean_pair_cosine(tokens.vectors[g.rows]), baseline) for g in groups]
