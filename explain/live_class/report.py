"""What the projector shows and the CLI prints: a class's answers, texts and steps, as plain dicts.

`load_rows` reads one class's rows in one read transaction; the other functions are pure and
aggregate them: per quiz question the count of each option, how many right, the most common wrong
option and who answered; per step how many students are on it; over the texts, the next tokens the
model predicted for everyone's sentence, tokens per word of everyone's text, and the most surprising
sentence (highest perplexity). Leaves out drawing (see `figures.py`) and checking the teacher key
(`class_report` does it before reading).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from explain.live_class.classes import teacher_class
from explain.live_class.schema import Answer, ClassRoom, Student, Text
from explain.live_class.store import reading
from explain.live_class.submissions import questions


@dataclass
class ClassRows:
    students: list[dict]  # {"id", "nickname", "step"}, in joining order
    answers: list[dict]  # {"student_id", "question", "choice", "correct"}
    texts: list[dict]  # {"student_id", "widget", "text", "value", "label"}


def load_rows(session: Session, room: ClassRoom) -> ClassRows:
    """Every student, answer and text of `room`."""
    students = session.execute(
        select(Student.id, Student.nickname, Student.step)
        .where(Student.class_id == room.id)
        .order_by(Student.joined_at)
    )
    answers = session.execute(
        select(Answer.student_id, Answer.question, Answer.choice, Answer.correct).where(Answer.class_id == room.id)
    )
    texts = session.execute(
        select(Text.student_id, Text.widget, Text.text, Text.value, Text.label).where(Text.class_id == room.id)
    )
    return ClassRows(
        [dict(r._mapping) for r in students], [dict(r._mapping) for r in answers], [dict(r._mapping) for r in texts]
    )


def answer_summary(answers: list[dict], names: dict[str, str]) -> list[dict]:
    """Per answered question, in tour order: {"question", "counts", "correct", "answered", "answer", ...}.

    Also "top_wrong" and "who" (the nicknames of those who answered, sorted).

    `counts[i]` is how many chose option i (the question's own order); `top_wrong` is the most chosen
    wrong option (the lowest index on a tie), None when nobody was wrong.
    """
    known = questions()
    by_question: dict[str, list[dict]] = {}
    for row in answers:
        by_question.setdefault(row["question"], []).append(row)
    summary = []
    for qid, question in known.items():
        rows = by_question.get(qid)
        if not rows:
            continue
        counts = [0] * len(question.options["en"])
        for row in rows:
            counts[row["choice"]] += 1
        wrong = [(n, -i) for i, n in enumerate(counts) if i != question.answer and n]
        summary.append(
            {
                "question": qid,
                "counts": counts,
                "correct": counts[question.answer],
                "answered": len(rows),
                "answer": question.answer,
                "top_wrong": -max(wrong)[1] if wrong else None,
                "who": sorted(names.get(r["student_id"], "?") for r in rows),
            }
        )
    return summary


def step_summary(students: list[dict]) -> dict[int, int]:
    """{step: students on it}, steps in order: [{"step": 2}, {"step": 2}, {"step": 5}] -> {2: 2, 5: 1}."""
    return dict(sorted(Counter(s["step"] for s in students).items()))


def text_summary(texts: list[dict], names: dict[str, str]) -> dict:
    """The class's texts aggregated: {"next_tokens", "tokens_per_word", "most_surprising"}."""
    next_tokens = Counter(t["label"] for t in texts if t["widget"] == "next_token" and t["label"] is not None)
    per_word = [
        {"nickname": names.get(t["student_id"], "?"), "text": t["text"], "value": t["value"]}
        for t in texts
        if t["widget"] == "tokenize" and t["value"] is not None
    ]
    scored = [t for t in texts if t["widget"] == "perplexity" and t["value"] is not None]
    top = max(scored, key=lambda t: t["value"], default=None)
    return {
        "next_tokens": [{"token": token, "count": n} for token, n in next_tokens.most_common()],
        "tokens_per_word": sorted(per_word, key=lambda r: -r["value"]),
        "most_surprising": None
        if top is None
        else {"nickname": names.get(top["student_id"], "?"), "text": top["text"], "perplexity": top["value"]},
    }


def summarise(room: ClassRoom, rows: ClassRows) -> dict:
    """The whole report of one class from its rows."""
    names = {s["id"]: s["nickname"] for s in rows.students}
    return {
        "code": room.code,
        "step": room.step,
        "expires_at": room.expires_at.isoformat(timespec="seconds"),
        "students": len(rows.students),
        "nicknames": [s["nickname"] for s in rows.students],
        "steps": step_summary(rows.students),
        "answers": answer_summary(rows.answers, names),
        "texts": len(rows.texts),
        "text_summary": text_summary(rows.texts, names),
    }


def class_report(code: str, key: str, engine: Engine | None = None) -> dict:
    """The report of the class `code`, for its teacher only (ClassError without the right key)."""
    with reading(engine) as session:
        room = teacher_class(session, code, key)
        return summarise(room, load_rows(session, room))
