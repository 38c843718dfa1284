"""Fine-tuning with LoRA, retrieval-augmented generation and distillation, each on a real model."""

import streamlit as st

from explain.core.device import cpu_has_native_bf16
from ui import finetune as lora_view
from ui import finetune_distill as distill_view
from ui import finetune_rag as rag_view
from ui.page import header
from ui.text import t
from ui.urlstate import bind

header("finetune")
tab_ft, tab_rag, tab_distill = st.tabs([t("finetune.tab_ft"), t("finetune.tab_rag"), t("finetune.tab_distill")])

with tab_ft:
    st.markdown(t("finetune.ft_intro"))
    lora_view.dataset_section()
    bind("ft_long", False)
    bind("ft_dtype", "auto", choices=["auto", "float32", "bfloat16"])
    lora_view.controls()
    st.caption(t("finetune.ft_bf16_yes" if cpu_has_native_bf16() else "finetune.ft_bf16_no"))
    lora_view.live_panel()
    lora_view.saved_section()

with tab_rag:
    rag_view.render()

with tab_distill:
    distill_view.render()
