"""Why a language model miscounts letters: it is given token ids, not letters.

Covers making a random letter string (seeded, so a classroom can share one),
asking the instruct model how many letters it has through its chat template,
and reading a number out of the reply. Leaves out any fix (tools, spelling the
word out first), which the page only mentions.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import asdict, dataclass

from explain.core.chat import greedy_reply
from explain.core.loading import LoadedModel

LENGTH = 15  # letters in the random string
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}


@dataclass
class LetterCount:
    letters: str  # the string asked about
    truth: int  # its real number of letters
    question: str  # the exact question sent (in English: the model is mostly English-trained)
    reply: str  # the model's whole reply (greedy, so it is reproducible)
    answer: int | None  # the first number found in the reply, None if there is none

    @property
    def correct(self) -> bool:
        return self.answer == self.truth

    def as_dict(self) -> dict:
        return asdict(self) | {"correct": self.correct}


def random_letters(seed: int, length: int = LENGTH) -> str:
    """`length` random lowercase letters; the same seed gives the same string."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(length))


def question_for(letters: str) -> str:
    return f'How many letters are in the string "{letters}"? Answer with a single number.'


def parse_answer(reply: str) -> int | None:
    """The first number in `reply`, digits or an English word: "It has twelve letters." -> 12."""
    match = re.search(r"\d+|\b(" + "|".join(_NUMBER_WORDS) + r")\b", reply.lower())
    if not match:
        return None
    return int(match.group()) if match.group().isdigit() else _NUMBER_WORDS[match.group()]


def ask_letter_count(lm: LoadedModel, letters: str, max_new_tokens: int = 40) -> LetterCount:
    """Ask the model (greedy, chat template) how many letters `letters` has."""
    question = question_for(letters)
    reply = greedy_reply(lm, [{"role": "user", "content": question}], max_new_tokens)
    return LetterCount(letters, sum(ch.isalpha() for ch in letters), question, reply, parse_answer(reply))
