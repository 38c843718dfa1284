"""Bigger models, live: a mixture of experts beside a dense twin, a scaling sweep and its power law, training costs."""

import streamlit as st

from ui import training_cost, training_moe, training_scaling
from ui.page import header
from ui.text import t

header("scale")
tab_moe, tab_scaling, tab_cost = st.tabs([t("scale.tab_moe"), t("scale.tab_scaling"), t("scale.tab_cost")])

with tab_moe:
    st.markdown(t("scale.moe_intro"))
    with st.expander(t("scale.moe_how_title")):
        st.markdown(t("scale.moe_how"))
    training_moe.controls()
    training_moe.live_panel()

with tab_scaling:
    st.markdown(t("scale.sc_intro"))
    training_scaling.controls()
    training_scaling.live_panel()
    with st.expander(t("scale.sc_context_title")):
        st.markdown(t("scale.sc_context"))

with tab_cost:
    training_cost.render()
