"""Tokenizer throughput (characters per second) and BPE training time on about 1 MB of text.

The text is the built-in corpora and the multilingual messages, shuffled word
by word and repeated up to the size (so pairs vary between repetitions).
`quick` uses 100 kB and 200 merges instead of 1 MB and 1,000, one repetition.
"""

from __future__ import annotations

import random
import time

from explain.tokenization import bpe
from explain.tokenization.compare import ALL_TOKENIZERS, segment
from explain.tokenization.tax import messages
from explain.tokenization.tokens import load_tokenizer


def sample_text(n_bytes: int, seed: int = 0) -> str:
    """About `n_bytes` of mixed English/Italian/multilingual text (never more)."""
    words = " ".join([bpe.load_corpus("english"), bpe.load_corpus("italian"), *messages().values()]).split(" ")
    rng, parts, size = random.Random(seed), [], 0
    while size < n_bytes:
        rng.shuffle(words)
        parts.append(" ".join(words) + "\n")
        size += len(parts[-1].encode("utf-8"))
    return bpe.bound_corpus("".join(parts), n_bytes)[0]


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def throughput(text: str, repeats: int) -> dict:
    """{tokenizer: characters per second} for cutting `text` (best of `repeats`, tokenizer already loaded)."""
    out = {}
    for name in ALL_TOKENIZERS:
        if name in ("characters", "words"):
            work = lambda name=name: segment(name, text)  # noqa: E731
        else:
            tokenizer = load_tokenizer(name)
            work = lambda tokenizer=tokenizer: tokenizer.encode(text)  # noqa: E731
        out[name] = round(len(text) / min(_seconds(work) for _ in range(repeats)))
    return out


def run(quick: bool) -> dict:
    n_bytes, merges, repeats = (100_000, 200, 1) if quick else (1_000_000, 1_000, 3)
    text = sample_text(n_bytes)
    ours = bpe.train_text(text, merges)
    same = [s.pair for s in ours] == bpe.train_with_tokenizers(text, merges)
    return {
        "text_bytes": len(text.encode("utf-8")),
        "chars_per_second": throughput(text, repeats),
        "bpe_merges": merges,
        "bpe_train_s_tokenizers": round(
            min(_seconds(lambda: bpe.train_with_tokenizers(text, merges)) for _ in range(repeats)), 3
        ),
        "bpe_train_s_ours": round(min(_seconds(lambda: bpe.train_text(text, merges)) for _ in range(repeats)), 3),
        "bpe_ours_agrees_with_tokenizers": same,
    }
