"""Questions a small model answers confidently and wrongly, with the truth computed beside them.

Covers three classic limits: counting letters (the model sees token ids, not
letters), exact arithmetic (digits are tokens, not numbers), and a made-up fact
(the model has no way to say "this does not exist", so it invents). The truth is
computed in Python where it can be, so it is never a guess. Answers are greedy,
hence deterministic, and bounded. Leaves out judging answers automatically
beyond a plain check.
"""

from __future__ import annotations

from dataclasses import dataclass

from explain.core.chat import greedy_reply
from explain.core.loading import LoadedModel

ANSWER_TOKENS = 48  # a short answer is enough to see the mistake, and keeps the corner fast


@dataclass(frozen=True)
class Question:
    key: str  # id used for the i18n text that explains it
    prompt: str  # what the model is asked (English: SmolLM2 is trained mostly on English)
    truth: str  # the correct answer, computed where possible


WORD, LETTER = "strawberry", "r"
A, B = 4_587, 6_923
QUESTIONS = [
    Question(
        "letters", f'How many times does the letter "{LETTER}" appear in the word "{WORD}"?', str(WORD.count(LETTER))
    ),
    Question("arithmetic", f"What is {A} multiplied by {B}? Answer with the number only.", str(A * B)),
    Question("made_up", "Who won the 1987 Nobel Prize in Underwater Chess?", "none"),
]


def ask(lm: LoadedModel, question: Question) -> dict:
    """{"key", "prompt", "answer", "truth"}: the model's greedy answer next to the truth."""
    messages = [{"role": "user", "content": question.prompt}]
    return {
        "key": question.key,
        "prompt": question.prompt,
        "answer": greedy_reply(lm, messages, ANSWER_TOKENS),
        "truth": question.truth,
    }
