"""Placeholder until this page's issue lands."""

import streamlit as st

from ui.page import header
from ui.text import t

header("embeddings")
st.info(t("common.coming_soon"))
