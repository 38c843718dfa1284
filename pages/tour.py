"""Guided tour: the lesson step by step, each with short text, a live widget, a myth box and a quiz."""

import streamlit as st

from explain.classroom.tour import load_steps
from ui import live_class_tour, presenter, strip
from ui.page import ensure_router, show_error
from ui.text import language, t
from ui.tour import current_step, navigation, quiz
from ui.tour_widgets import WIDGETS


@st.fragment
def live_widget(name: str) -> None:
    """The step's live widget; typing or moving a slider in it reruns only this box, not the lesson around it."""
    try:
        WIDGETS[name]()
    except Exception as exc:  # a widget failing must not take the lesson down
        show_error(exc)


ensure_router()  # a fresh server's deep link to /tour still goes through app.py
STEPS = load_steps()
lang = language()
step_no = current_step(len(STEPS))
step = STEPS[step_no - 1]

st.title(t("tour.title"))
top = st.columns([5, 3, 2])
top[0].caption(t("tour.intro"))
with top[1]:
    presenter.toggle()
with top[2]:
    presenter.share_box("tour", {"step": step_no, "present": 1 if presenter.is_presenting() else None})
navigation(step_no, len(STEPS), "top")
live_class_tour.tour_bar(step_no, len(STEPS))  # in a live class: the teacher's step, a student's follow mode

st.header(f"{step_no}. {step.title.get(lang, step.title['en'])}")
if step_no == 1:  # the lesson opens on the model at work: the home page's live strip
    with st.container(border=True):
        strip.render()
st.markdown(step.text.get(lang, step.text["en"]))
st.caption(f"{t('tour.sources')}: " + " · ".join(step.sources))
with st.container(border=True):
    st.markdown(f"**{t('tour.try_it')}**")
    live_widget(step.widget)
if step.myth:
    presenter.myth_box(step.myth)
quiz(step)
navigation(step_no, len(STEPS), "bottom")
st.query_params["step"] = str(step_no)
