"""The tour's Streamlit glue: which step is shown (kept in the URL), navigation, the quiz.

The step lives in `st.session_state["tour_step"]` and in `?step=N`, so a shared
link or QR code opens the same step. Quiz answers and the score stay in this
session only (nothing is stored on the server, except a live class's answers:
see `ui/live_class_tour.py`); each session sees the options in
its own shuffled order, stable while it lasts. Leaves out the step widgets
(see `ui/tour_widgets.py`).
"""

from __future__ import annotations

import random

import streamlit as st

from explain.classroom.tour import Question, Step, clamp_step, is_correct, option_order, score
from ui import live_class_tour
from ui.text import language, t
from ui.urlstate import parse_url_value

STEP_KEY = "tour_step"  # session key of the current step (1-based)
RESULTS_KEY = "quiz_results"  # {"attention.0": True, ...}, this session only
SEED_KEY = "quiz_seed"  # this session's shuffle of every question's options


def current_step(n_steps: int) -> int:
    """The step to show: from ?step=N the first time, then from the buttons."""
    if STEP_KEY not in st.session_state:
        st.session_state[STEP_KEY] = parse_url_value(st.query_params.get("step"), 1, int, low=1, high=n_steps)
    return clamp_step(st.session_state[STEP_KEY], n_steps)


def _move(delta: int, n_steps: int) -> None:
    st.session_state[STEP_KEY] = clamp_step(st.session_state.get(STEP_KEY, 1) + delta, n_steps)


def navigation(step_no: int, n_steps: int, where: str) -> None:
    """Previous / next buttons (← and → keys) and the progress bar; `where` keeps keys unique."""
    st.progress(step_no / n_steps, text=t("tour.progress", step=step_no, n=n_steps))
    left, _, right = st.columns([1, 3, 1])
    keys = where == "top"
    arrows = "←→ " if keys else ""  # Streamlit draws the shortcut's own arrow beside the label
    left.button(
        t("tour.prev").strip(arrows),
        key=f"tour_prev_{where}",
        on_click=_move,
        args=(-1, n_steps),
        disabled=step_no <= 1,
        shortcut="Left" if keys else None,
        width="stretch",
    )
    right.button(
        t("tour.next").strip(arrows),
        key=f"tour_next_{where}",
        on_click=_move,
        args=(1, n_steps),
        disabled=step_no >= n_steps,
        shortcut="Right" if keys else None,
        type="primary",
        width="stretch",
    )


def _why_others_are_wrong(question: Question, choice: int, lang: str) -> None:
    """One line per wrong option (the chosen one first): why it is wrong."""
    wrong = question.wrong.get(lang, question.wrong["en"])
    options = question.options.get(lang, question.options["en"])
    others = [i for i in range(len(options)) if i != question.answer]
    others.sort(key=lambda i: i != choice)
    st.caption("\n".join(f"- ✗ *{options[i]}*: {wrong[i]}" for i in others))


def quiz(step: Step) -> None:
    """The step's questions, options shuffled per session, feedback as soon as one is picked, and the score."""
    lang = language()
    results = st.session_state.setdefault(RESULTS_KEY, {})
    seed = st.session_state.setdefault(SEED_KEY, random.randrange(2**31))
    st.subheader(t("tour.quiz"))
    for i, question in enumerate(step.quiz):
        options = question.options.get(lang, question.options["en"])
        choice = st.radio(
            question.text.get(lang, question.text["en"]),
            option_order(len(options), seed, f"{step.id}.{i}"),
            format_func=options.__getitem__,
            index=None,
            key=f"quiz_{step.id}_{i}",
        )
        verdict = is_correct(question, choice)
        if verdict is None:
            continue
        results[f"{step.id}.{i}"] = verdict
        live_class_tour.send_answer(f"{step.id}.{i}", choice)  # in a live class, the projector counts it
        why = question.why.get(lang, question.why["en"])
        (st.success if verdict else st.error)(t("tour.right" if verdict else "tour.wrong", why=why))
        _why_others_are_wrong(question, choice, lang)
    correct, answered = score(results)
    st.caption(t("tour.score", correct=correct, answered=answered))
