"""Live class: the teacher starts a class and the projector shows everyone's answers; students join with a code."""

import streamlit as st

from ui import live_class as lc
from ui import live_class_board as board
from ui.page import header
from ui.text import t

header("live_class")
lc.restore_teacher_from_url()
if st.session_state.pop("lc_ended", False):
    st.success(t("live_class.ended"))
if lc.teacher():
    board.render()
elif lc.member():
    lc.student_card()
elif "code" in st.query_params:  # a student's scanned link: only the way in
    with st.container(border=True):
        lc.join_form()
else:
    join_side, start_side = st.columns(2, gap="large")
    with join_side, st.container(border=True):
        lc.join_form()
    with start_side, st.container(border=True):
        lc.start_box()
