"""Home: what to do first, the live strip (one sentence through the model), then the journey's stops."""

import streamlit as st

from ui import strip
from ui.page import header
from ui.text import t

JOURNEY = [  # (page url key, page file, icon)
    ("tokenization", "pages/tokenization.py", "✂️"),
    ("embeddings", "pages/embeddings.py", "🗺️"),
    ("attention", "pages/attention.py", "👀"),
    ("next_token", "pages/next_token.py", "🎲"),
    ("training", "pages/training.py", "🏋️"),
    ("finetune", "pages/finetune.py", "🍕"),
]

header("home")
first, tour = st.columns([4, 1], vertical_alignment="center")
first.markdown(t("home.first_step"))
tour.page_link("pages/tour.py", label=t("nav.tour"), icon="🧭")
live = st.container(border=True)  # filled last: the journey below is usable while the model loads
st.markdown(t("home.model_line"))
columns = st.columns(3)
for index, (key, path, icon) in enumerate(JOURNEY):
    with columns[index % 3].container(border=True):
        st.markdown(f"#### {icon} {index + 1}. {t(f'nav.{key}')}")
        st.markdown(t(f"home.promise_{key}"))
        st.page_link(path, label=t("home.open"), icon="➡️")
st.divider()
st.markdown(t("home.classroom"))
st.page_link("pages/tour.py", label=t("nav.tour"), icon="🧭")
with live:
    strip.render()
