"""What comes next, measured: long context, step-by-step reasoning and images as tokens, each a live experiment."""

import streamlit as st

from ui import frontier_context, frontier_images, frontier_steps
from ui.page import header
from ui.text import t

header("frontier")
tab_context, tab_steps, tab_images = st.tabs(
    [t("frontier.tab_context"), t("frontier.tab_steps"), t("frontier.tab_images")]
)

with tab_context:
    frontier_context.render()

with tab_steps:
    frontier_steps.render()

with tab_images:
    frontier_images.render()

st.caption(t("frontier.sources"))
