"""Word analogies by vector arithmetic: king - man + woman ≈ ?, reported honestly.

The famous demo (word2vec, 2013) quietly leaves the three input words out of the
answer; without that rule the nearest vector is usually "king" itself. We show
both lists, and the rank of the expected answer, so a failed analogy is visible
as a failure. Works on any (M, D) candidate vectors: the LLM's token table or
MiniLM word vectors. Leaves out making the vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from explain.embeddings.index import cosine_scores, unit


@dataclass
class AnalogyResult:
    target: np.ndarray  # (D,) unit(a) - unit(b) + unit(c)
    with_inputs: list[tuple[str, float]]  # nearest candidates, input words allowed
    without_inputs: list[tuple[str, float]]  # nearest candidates once a, b and c are left out
    expected: str | None = None  # the answer people expect ("queen"), if given
    expected_rank: int | None = None  # its 1-based rank without the inputs; None when not a candidate
    expected_score: float | None = None  # its cosine with the target
    notes: list[str] = field(default_factory=list)  # what the reader should know (missing words...)

    @property
    def succeeded(self) -> bool:
        """True when the expected word is the top answer once the inputs are left out."""
        return self.expected_rank == 1


def analogy(
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    candidates: np.ndarray,
    labels: list[str],
    inputs: tuple[str, str, str],
    k: int = 5,
    expected: str | None = None,
) -> AnalogyResult:
    """Rank `candidates` (M, D) by cosine with unit(a) - unit(b) + unit(c) ("a is to b as ? is to c").

    `labels` (M,) name the candidates; `inputs` are the words of a, b, c, compared
    case- and space-insensitively with labels to leave them out.
    """
    target = unit(unit(a) - unit(b) + unit(c))  # (D,)
    scores = cosine_scores(candidates, target)  # (M,)
    order = np.argsort(-scores, kind="stable")
    norm = [label.strip().lower() for label in labels]
    input_set = {w.strip().lower() for w in inputs}
    with_inputs = [(labels[i], float(scores[i])) for i in order[:k]]
    kept = [i for i in order if norm[i] not in input_set]
    without = [(labels[i], float(scores[i])) for i in kept[:k]]
    result = AnalogyResult(target, with_inputs, without, expected)
    if expected:
        want = expected.strip().lower()
        ranks = [r for r, i in enumerate(kept, start=1) if norm[i] == want]
        if ranks:
            result.expected_rank = ranks[0]
            result.expected_score = float(scores[kept[ranks[0] - 1]])
    return result


def add_candidates(
    labels: list[str], vectors: np.ndarray, words: list[str], word_vectors: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """`labels`/`vectors` (M, D) plus those of `words`/`word_vectors` (W, D) not already among them.

    The expected answer ("queen") may be missing from a list of common words; adding
    it lets us report its rank instead of a meaningless "not found".
    """
    known = {label.strip().lower() for label in labels}
    new = [i for i, w in enumerate(words) if w.strip().lower() not in known and w.strip()]
    if not new:
        return list(labels), vectors
    return list(labels) + [words[i] for i in new], np.concatenate([vectors, word_vectors[new]])
