"""A class's results as CSV, for the teacher to keep before the class (and its rows) are deleted.

One row per answer (nickname, question id, the question and the chosen option in the chosen
language, right or not) and one per text (nickname, widget, the text, the model's value and label).
Cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
return) get a leading apostrophe, so a nickname like '=HYPERLINK(...)' stays text.
Leaves out the file download itself (the page offers it).
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import Engine

from explain.live_class.classes import teacher_class
from explain.live_class.report import ClassRows, load_rows
from explain.live_class.store import reading
from explain.live_class.submissions import questions

HEADER = ("kind", "nickname", "item", "question", "answer", "correct", "value", "label")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A value as CSV text that no spreadsheet runs: '=1+1' -> "'=1+1"; 3 -> '3'; None -> ''."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _answer_line(row: dict, nickname: str, lang: str) -> list:
    question = questions().get(row["question"])
    text = question.text.get(lang, question.text["en"]) if question else ""
    options = question.options.get(lang, question.options["en"]) if question else []
    chosen = options[row["choice"]] if 0 <= row["choice"] < len(options) else row["choice"]
    return ["answer", nickname, row["question"], text, chosen, row["correct"], "", ""]


def to_csv(rows: ClassRows, lang: str = "en") -> str:
    """The CSV text (header first), answers then texts, each in joining order of the students."""
    names = {s["id"]: s["nickname"] for s in rows.students}
    order = {s["id"]: i for i, s in enumerate(rows.students)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in sorted(rows.answers, key=lambda r: (order.get(r["student_id"], 0), r["question"])):
        writer.writerow([safe_cell(v) for v in _answer_line(row, names.get(row["student_id"], "?"), lang)])
    for row in sorted(rows.texts, key=lambda r: (order.get(r["student_id"], 0), r["widget"])):
        line = [
            "text",
            names.get(row["student_id"], "?"),
            row["widget"],
            "",
            row["text"],
            "",
            row["value"],
            row["label"],
        ]
        writer.writerow([safe_cell(v) for v in line])
    return out.getvalue()


def class_csv(code: str, key: str, lang: str = "en", engine: Engine | None = None) -> str:
    """The CSV of the class `code`, for its teacher only (ClassError without the right key)."""
    with reading(engine) as session:
        room = teacher_class(session, code, key)
        return to_csv(load_rows(session, room), lang)
