"""The causal LM's input-embedding table: which rows to show, and which rows are close.

Each token id selects one row of a learned (V, D) matrix (SmolLM2: 49,152 × 576):
a table lookup, not a search. This module picks the rows worth drawing (tokens that
are whole English words, most frequent first) and finds nearest neighbours by
cosine similarity in the full D-dimensional space. Leaves out drawing (see
`embeddings/projection.py`, `embeddings/figures.py`) and sentence vectors (`embeddings/sentences.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explain.core.limits import MAX_MAP_TOKENS, MAX_QUERY_CHARS
from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS
from explain.embeddings.index import cosine_top_k, unit, unit_rows

WORDS_FILE = ASSETS / "embeddings" / "english_words.txt"


@dataclass
class TokenSet:
    ids: np.ndarray  # (N,) token ids, most frequent word first
    words: list[str]  # (N,) the word each id stands for (without its leading space)
    vectors: np.ndarray  # (N, D) float32 rows of the input-embedding matrix


@dataclass
class Neighbour:
    text: str  # the token as text (leading space kept, e.g. " books")
    score: float  # cosine similarity to the query vector, 1 = same direction
    index: int  # row in the candidate set (or token id when searching the vocabulary)


@lru_cache(maxsize=1)
def english_words() -> tuple[str, ...]:
    """Lower-case English words that SmolLM2 keeps as one token, most frequent first (see SOURCES.md)."""
    return tuple(w for w in WORDS_FILE.read_text(encoding="utf-8").split() if w)


_MATRICES: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}  # (name, data pointer) -> (matrix, unit rows)


def _matrices(lm: LoadedModel) -> tuple[np.ndarray, np.ndarray]:
    """The (V, D) table and its unit rows, computed once per loaded model (113 MB each for SmolLM2)."""
    weight = lm.model.get_input_embeddings().weight
    key = (lm.name, weight.data_ptr())
    if key not in _MATRICES:
        _MATRICES.clear()  # one model at a time: the page and the CLI look at one table
        matrix = weight.detach().float().cpu().numpy()
        _MATRICES[key] = (matrix, unit_rows(matrix))
    return _MATRICES[key]


def embedding_matrix(lm: LoadedModel) -> np.ndarray:
    """(V, D) float32 input-embedding table (the rows a token id looks up); shared, do not modify."""
    return _matrices(lm)[0]


def whole_word_tokens(lm: LoadedModel, n: int) -> TokenSet:
    """The first `n` words of the English list that are one token for `lm` (fewer if it has fewer).

    Frequent words come first, so N = 2,000 shows everyday words and 10,000 adds rarer ones.
    """
    n = max(1, min(int(n), MAX_MAP_TOKENS))
    candidates = english_words()
    encoded = lm.tokenizer([" " + w for w in candidates], add_special_tokens=False)["input_ids"]
    ids, words, seen = [], [], set()
    for word, word_ids in zip(candidates, encoded):
        if len(word_ids) == 1 and word_ids[0] not in seen:
            seen.add(word_ids[0])
            ids.append(word_ids[0])
            words.append(word)
            if len(ids) == n:
                break
    id_array = np.array(ids, dtype=np.int64)
    return TokenSet(id_array, words, embedding_matrix(lm)[id_array])


@dataclass
class QueryVector:
    text: str  # what the user typed, cleaned
    token_ids: list[int]  # the ids " text" becomes (one for a word the model knows whole)
    pieces: list[str]  # those tokens as text
    vector: np.ndarray  # (D,) the row, or the mean of the rows when it is several tokens


def query_vector(lm: LoadedModel, text: str) -> QueryVector:
    """The embedding row of " text"; several tokens give the mean of their rows (said in the UI)."""
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    if not text:
        raise ValueError("The word is empty: type a word such as 'book'.")
    ids = lm.tokenizer(" " + text, add_special_tokens=False)["input_ids"]
    rows = embedding_matrix_rows(lm, ids)  # (T, D)
    pieces = [lm.tokenizer.decode([i]) for i in ids]
    return QueryVector(text, list(ids), pieces, rows.mean(axis=0))


def embedding_matrix_rows(lm: LoadedModel, ids: list[int]) -> np.ndarray:
    """(T, D) rows for `ids`, without copying the whole table."""
    weight = lm.model.get_input_embeddings().weight
    return weight[np.asarray(ids, dtype=np.int64)].detach().float().cpu().numpy()


def neighbours_in_set(token_set: TokenSet, query: QueryVector, k: int) -> list[Neighbour]:
    """The k tokens of the map closest to the query (full D-dim cosine), the query's own token left out."""
    own = {i for i, tid in enumerate(token_set.ids) if len(query.token_ids) == 1 and tid == query.token_ids[0]}
    hits = cosine_top_k(token_set.vectors, query.vector, k, exclude=own)
    return [Neighbour(" " + token_set.words[h.index], h.score, h.index) for h in hits]


def neighbours_in_vocabulary(lm: LoadedModel, query: QueryVector, k: int) -> list[Neighbour]:
    """The k tokens of the whole vocabulary closest to the query (its own token left out).

    Spelling variants (" Book", "book", " books") usually come first: the table has no
    notion that they are "the same word", it learned each row separately.
    """
    _, unit_matrix = _matrices(lm)  # (V, D) unit rows, computed once
    scores = unit_matrix @ unit(query.vector)  # (V,)
    exclude = set(query.token_ids) if len(query.token_ids) == 1 else set()
    top = np.argpartition(-scores, min(k + len(exclude), len(scores) - 1))[: k + len(exclude)]  # unordered
    order = top[np.argsort(-scores[top], kind="stable")]
    ids = [int(i) for i in order if int(i) not in exclude][: max(0, k)]
    return [Neighbour(lm.tokenizer.decode([i]), float(scores[i]), i) for i in ids]
