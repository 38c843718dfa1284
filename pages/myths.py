"""Myth vs fact: where the common explanation of LLMs is wrong, a short box sets it right."""

import streamlit as st

from explain.classroom.myths import load_myths
from ui import presenter
from ui.page import header
from ui.text import t

header("myths")
for myth_id, myth in load_myths().items():
    presenter.myth_box(myth_id)
    st.page_link(myth.page, label=t("myths.more"), icon="➡️")
