"""Home: the journey through an LLM, one promise per stop, each a link to its page."""

import streamlit as st

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
