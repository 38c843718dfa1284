"""Training a byte-level BPE tokenizer, one merge at a time, checked against Hugging Face `tokenizers`.

Covers cutting a corpus into byte-level words (GPT-2's pre-tokenizer, taken
from `tokenizers` itself), our own merge loop (a port of the `tokenizers`
trainer's algorithm, including its tie-break, so both produce the same merge
list), the library's trainer as the oracle, and re-tokenizing a text with the
first k merges so a page can step through training. Leaves out special tokens,
WordPiece/Unigram training and saving a tokenizer to disk.

Why our own loop at all: `tokenizers` returns only the final merge list; the
stepper also needs how often each pair occurred when it was merged.
"""

from __future__ import annotations

import heapq
import itertools
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache

from explain.core.limits import BPE_MAX_CORPUS_BYTES, BPE_MAX_WORD_CHARS, BPE_TIME_LIMIT_S
from explain.core.paths import ASSETS
from explain.core.text_input import clean_text

STEP_TIME_LIMIT_S = BPE_TIME_LIMIT_S  # the step-by-step loop stops after this long (page and CLI)
_LONG_RUN = re.compile(rf"(\S{{{BPE_MAX_WORD_CHARS}}})(?=\S)")  # a run of spaceless characters that long
CORPORA = {  # built-in corpora: name -> file in assets/tokenization/
    "sennrich": "corpus_sennrich.txt",
    "english": "corpus_english.txt",
    "italian": "corpus_italian.txt",
}

Pair = tuple[int, int]


@dataclass
class MergeStep:
    rank: int  # 0 for the first merge learned
    pair: tuple[str, str]  # the two tokens merged, in the byte-level alphabet ("Ġ" is a space)
    token: str  # the new token: pair[0] + pair[1]
    count: int  # how often the pair occurred in the corpus at the moment it was merged

    def as_dict(self) -> dict:
        return asdict(self)


def load_corpus(name: str) -> str:
    """A built-in corpus by name (see CORPORA)."""
    if name not in CORPORA:
        raise ValueError(f"Unknown corpus '{name}'; built-in corpora: {', '.join(CORPORA)}.")
    return (ASSETS / "tokenization" / CORPORA[name]).read_text(encoding="utf-8")


def bound_corpus(raw: str | bytes, limit: int = BPE_MAX_CORPUS_BYTES) -> tuple[str, bool]:
    """(text, truncated): text cut to at most `limit` UTF-8 bytes, never inside a character, cleaned
    (no NUL or other control characters), and no run without spaces longer than BPE_MAX_WORD_CHARS.

    Both trainers are slow on one giant word (the pairs of a 200 KB word are all distinct), so such a
    run is cut into pieces with a space, and both see the same text:
    >>> bound_corpus("a" * 250)[0].count(" ")
    2
    """
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    truncated = len(data) > limit
    text = clean_text(data[:limit].decode("utf-8", errors="ignore" if truncated else "replace"), limit).text
    return _LONG_RUN.sub(r"\1 ", text), truncated


def _byte_level():
    from tokenizers import pre_tokenizers

    return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)


def pretokenize(text: str) -> list[str]:
    """Byte-level words, in order: "Hi there" -> ["Hi", "Ġthere"] (each byte shown as one printable char)."""
    return [word for word, _ in _byte_level().pre_tokenize_str(text)]


@lru_cache(maxsize=1)
def alphabet() -> tuple[str, ...]:
    """The 256 byte-level characters, sorted by code point (the order `tokenizers` gives them ids)."""
    from tokenizers import pre_tokenizers

    return tuple(sorted(pre_tokenizers.ByteLevel.alphabet()))


def _merge_word(word: list[int], pair: Pair, new_id: int) -> list[tuple[Pair, int]]:
    """Merge `pair` left to right inside `word` (rewritten in one pass); return the pair-count changes.

    [a, b, c] merging (a, b) -> word [ab, c], changes [((b, c), -1), ((ab, c), +1)].
    """
    a, b = pair
    merged: list[int] = []
    changes: list[tuple[Pair, int]] = []
    i, n = 0, len(word)
    while i < n:
        if i + 1 < n and word[i] == a and word[i + 1] == b:
            if merged:
                changes += [((merged[-1], a), -1), ((merged[-1], new_id), 1)]
            merged.append(new_id)
            if i + 2 < n:
                changes += [((b, word[i + 2]), -1), ((new_id, word[i + 2]), 1)]
            i += 2
        else:
            merged.append(word[i])
            i += 1
    word[:] = merged
    return changes


def _count_pairs(words: list[list[int]], counts: list[int]) -> tuple[Counter, dict[Pair, set[int]]]:
    """Pair counts weighted by word frequency, and which words hold each pair."""
    pair_counts: Counter = Counter()
    where: dict[Pair, set[int]] = defaultdict(set)
    for i, word in enumerate(words):
        for pair in zip(word, word[1:]):
            pair_counts[pair] += counts[i]
            where[pair].add(i)
    return pair_counts, where


def train_bpe(word_counts: dict[str, int], num_merges: int, time_limit_s: float | None = None) -> list[MergeStep]:
    """Learn merges from {byte-level word: count}: always merge the most frequent pair.

    Ties go to the pair with the smaller ids (as in `tokenizers`); counts are
    updated only in the words that held the merged pair, and stale heap entries
    are refreshed when they surface. {"aab": 2, "ab": 1}, 1 merge -> [a+b (count 3)].
    With `time_limit_s`, stops early (fewer merges) once that much time has passed:
    random-looking text has long words full of rare pairs and can take minutes.
    """
    deadline = time.perf_counter() + time_limit_s if time_limit_s else float("inf")
    vocab = sorted(set(alphabet()) | {ch for word in word_counts for ch in word})
    ids = {token: i for i, token in enumerate(vocab)}
    words = [[ids[ch] for ch in word] for word in word_counts]
    counts = list(word_counts.values())
    pair_counts, where = _count_pairs(words, counts)
    order = itertools.count()  # unique tie-breaker so heap entries never compare their sets
    heap = [(-pair_counts[p], p, next(order), pos) for p, pos in where.items()]
    heapq.heapify(heap)
    target, steps = len(vocab) + num_merges, []
    while len(vocab) < target and heap and time.perf_counter() < deadline:
        neg_count, pair, _, pos = heapq.heappop(heap)
        if -neg_count != pair_counts[pair]:  # stale: push back with the current count
            heapq.heappush(heap, (-pair_counts[pair], pair, next(order), pos))
            continue
        if pair_counts[pair] < 1:
            break
        token = vocab[pair[0]] + vocab[pair[1]]
        if token not in ids:
            ids[token] = len(vocab)
            vocab.append(token)
        steps.append(MergeStep(len(steps), (vocab[pair[0]], vocab[pair[1]]), token, pair_counts[pair]))
        gained: dict[Pair, set[int]] = defaultdict(set)
        for i in pos:
            for changed, delta in _merge_word(words[i], pair, ids[token]):
                pair_counts[changed] += delta * counts[i]
                if delta > 0:
                    gained[changed].add(i)
        for changed, holders in gained.items():
            if pair_counts[changed] > 0:
                heapq.heappush(heap, (-pair_counts[changed], changed, next(order), holders))
    return steps


def train_text(text: str, num_merges: int, time_limit_s: float | None = None) -> list[MergeStep]:
    """`train_bpe` on a raw text (pre-tokenized into byte-level words first)."""
    return train_bpe(dict(Counter(pretokenize(text))), num_merges, time_limit_s)


def train_with_tokenizers(text: str, num_merges: int) -> list[tuple[str, str]]:
    """The oracle: the merge list Hugging Face `tokenizers` learns with the same settings."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = _byte_level()
    trainer = trainers.BpeTrainer(
        vocab_size=len(alphabet()) + num_merges,
        min_frequency=0,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator([text], trainer)
    merges = json.loads(tokenizer.to_str())["model"]["merges"]
    return [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in merges]


def encode_word(word: str, ranks: dict[tuple[str, str], int]) -> list[str]:
    """Apply merges to one byte-level word, lowest rank first: "Ġlower" with (l,o),(lo,w) -> ["Ġ", "low", "e", "r"]."""
    pieces = list(word)
    while len(pieces) > 1:
        pairs = [(ranks.get(p, len(ranks)), i) for i, p in enumerate(zip(pieces, pieces[1:]))]
        rank, i = min(pairs)
        if rank == len(ranks):
            break
        pieces[i : i + 2] = [pieces[i] + pieces[i + 1]]
    return pieces


def tokenize_at_step(text: str, steps: list[MergeStep], k: int) -> list[str]:
    """`text` in byte-level tokens using only the first `k` merges (k = 0: one token per byte)."""
    ranks: dict[tuple[str, str], int] = {}
    for step in steps[:k]:
        ranks.setdefault(step.pair, step.rank)
    return [piece for word in pretokenize(text) for piece in encode_word(word, ranks)]


def readable(piece: str) -> str:
    """A byte-level token as text: "Ġthe" -> " the"; a lone byte of a character -> "\\xc3"."""
    from explain.tokenization.tokens import byte_decoder

    decoder = byte_decoder()
    return bytes(decoder[ch] for ch in piece).decode("utf-8", errors="backslashreplace")


def merge_counts_figure(steps: list[MergeStep], current: int, x_title: str = "merge", y_title: str = "pair count"):
    """Line chart: how often each merged pair occurred, by merge step, with the current step marked."""
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=[s.rank + 1 for s in steps], y=[s.count for s in steps], mode="lines"))
    if 1 <= current <= len(steps):
        fig.add_trace(go.Scatter(x=[current], y=[steps[current - 1].count], mode="markers", marker=dict(size=12)))
    fig.update_layout(
        height=240,
        margin=dict(l=10, r=10, t=10, b=10),
        showlegend=False,
        yaxis_type="log",
        xaxis_title=x_title,
        yaxis_title=y_title,
    )
    return fig
