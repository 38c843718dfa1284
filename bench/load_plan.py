"""What the simulated students do and when: the pages they visit, the text they type, how long they think.

Pure planning for `bench/loadtest.py`, no network: a session walks through its pages in turn
(open the page, then type `stay` texts of its own into the page's text box), starting at a page
of its own so a class spreads over the app. In burst mode every session acts at once; in class
mode each thinks between actions for a shifted exponential time of 5–20 s (memoryless beyond
the minimum, so the requests of many sessions arrive close to a Poisson stream) and starts after
a random offset, so the class does not click in step. Leaves out the protocol (see `loadtest.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PageSpec:
    name: str  # label in the report, e.g. "tour_next"
    page: str  # url path of the page, e.g. "tour"
    query: tuple[tuple[str, str], ...]  # query string, e.g. (("step", "6"), ("lang", "en"))
    text_key: str  # widget key of the text box a student types into
    words: bool = False  # True: the box takes a list of words, one per line


PAGES = {
    spec.name: spec
    for spec in (
        PageSpec("tour_tokens", "tour", (("step", "3"), ("lang", "en")), "tw_tok_text"),
        PageSpec("tour_similarity", "tour", (("step", "4"), ("lang", "en")), "tw_sim_words", words=True),
        PageSpec("tour_attention", "tour", (("step", "5"), ("lang", "en")), "tw_att_text"),
        PageSpec("tour_next", "tour", (("step", "6"), ("lang", "en")), "tour_nt_text"),
        PageSpec("tokenization", "tokenization", (("lang", "en"),), "tok_text"),
        PageSpec("attention", "attention", (("lang", "en"),), "attn_text"),
        PageSpec("next_token", "next_token", (("lang", "en"),), "nt_text"),
        PageSpec("embeddings", "embeddings", (("emb_view", "similarity"), ("lang", "en")), "emb_items", words=True),
    )
}
DEFAULT_PAGES = ("tour_next",)  # the original measurement: the tour's next-token step
MODES = ("burst", "class", "quiz")  # quiz: one live class answering the tour's quiz (see load_quiz.py)

_WORDS = ("cat", "dog", "pizza", "Rome", "river", "king", "queen", "apple", "train", "music", "winter", "sea")
_SUBJECTS = ("the capital of Italy", "my favourite food", "the tallest mountain", "a good teacher", "the sea")


def parse_pages(value: str) -> tuple[PageSpec, ...]:
    """'all' or a comma-separated list of page names -> their specs; ValueError names the choices.

    >>> [p.name for p in parse_pages("tour_next,embeddings")]
    ['tour_next', 'embeddings']
    """
    names = list(PAGES) if value.strip() == "all" else [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in PAGES]
    if unknown or not names:
        raise ValueError(f"unknown page(s) {unknown or value!r}; choose 'all' or some of: {', '.join(PAGES)}")
    return tuple(PAGES[n] for n in dict.fromkeys(names))


def student_text(spec: PageSpec, session: int, action: int) -> str:
    """The text session `session` types at its `action`-th action: its own, different every time.

    >>> student_text(PAGES["tour_next"], 3, 1)
    'Student 3 writes, at step 1: the sea is'
    """
    if spec.words:
        picks = [*(_WORDS[(session + action + 3 * i) % len(_WORDS)] for i in range(4)), f"student{session}x{action}"]
        return "\n".join(picks) if spec.page == "embeddings" else ", ".join(picks)
    return f"Student {session} writes, at step {action}: {_SUBJECTS[(session + action) % len(_SUBJECTS)]} is"


def actions(pages: tuple[PageSpec, ...], session: int, stay: int) -> Iterator[tuple[str, PageSpec]]:
    """The endless walk of one session: ("open", page), then ("type", page) `stay` times, then the next page.

    >>> [(a, p.name) for _, (a, p) in zip(range(3), actions(parse_pages("tokenization,attention"), 1, 1))]
    [('open', 'attention'), ('type', 'attention'), ('open', 'tokenization')]
    """
    k = session % len(pages)
    while True:
        spec = pages[k % len(pages)]
        yield "open", spec
        for _ in range(stay):
            yield "type", spec
        k += 1


def think_seconds(rng: np.random.Generator, low: float = 5.0, high: float = 20.0, mean: float = 12.5) -> float:
    """One pause between a student's actions: low + an exponential of mean (mean - low), redrawn past high."""
    while True:
        pause = low + rng.exponential(mean - low)
        if pause <= high:
            return float(pause)


def start_offset(rng: np.random.Generator, high: float = 20.0) -> float:
    """When a session of the class starts acting, uniformly within the first think window."""
    return float(rng.uniform(0.0, high))
