"""Knowledge cut-off: questions about events after the model's training data, and the retrieval fix.

SmolLM2 was released in November 2024; nothing written later is in its weights. Asked about later
events it still answers, confidently, from older text (or invents). Retrieval (the RAG chapter's
`finetune/rag.py`) pastes a short, dated note (`assets/assistant/recent.md`, plus today's date from
this computer's clock) into the prompt, and the same model answers from it. Leaves out judging the
answers automatically: the page shows the truth beside them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS
from explain.finetune import rag

RECENT_FILE = ASSETS / "assistant" / "recent.md"
ANSWER_TOKENS = 40


@dataclass(frozen=True)
class Question:
    key: str  # id of its i18n note
    prompt: str  # asked in English (SmolLM2 is trained mostly on English)
    truth: str  # what the note (or the clock) says


def questions(today: datetime.date | None = None) -> list[Question]:
    """The questions and their truths; the date one is computed from the clock."""
    today = today or datetime.date.today()
    return [
        Question("pope", "Who is the current pope?", "Leo XIV (elected 8 May 2025)"),
        Question("smollm3", "What is SmolLM3 and how many parameters does it have?", "Hugging Face, July 2025: 3 B"),
        Question("year", "What year is it now?", str(today.year)),
    ]


def documents(today: datetime.date | None = None) -> dict[str, str]:
    """The notes retrieval may read: the dated events and today's date from the clock."""
    today = today or datetime.date.today()
    clock = f"# Today\n\nToday's date is {today:%d %B %Y}. The current year is {today.year}.\n"
    return {"recent.md": RECENT_FILE.read_text(encoding="utf-8"), "today.md": clock}


def ask(lm: LoadedModel, encoder: LoadedModel, question: Question, today: datetime.date | None = None) -> dict:
    """{"key", "prompt", "truth", "answer_without", "answer", "chunks"}: the greedy answer from the weights
    alone, then after retrieving the 2 nearest chunks of `documents` (RAG's own `answer`)."""
    collection = rag.build_index(encoder, documents(today))
    result = rag.answer(lm, encoder, collection, question.prompt, k=2, max_new_tokens=ANSWER_TOKENS)
    return {
        "key": question.key,
        "prompt": question.prompt,
        "truth": question.truth,
        "answer_without": result["answer_without"],
        "answer": result["answer"],
        "chunks": result["chunks"],
    }
