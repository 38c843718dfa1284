"""History: from ELIZA (1966) to SmolLM2 (2024), a timeline with sizes on a log scale and every source."""

import streamlit as st

from explain.classroom.history import human_count, load_timeline, table_rows, timeline_figure
from ui import presenter
from ui.page import header
from ui.text import language, t
from ui.urlstate import parse_url_value

MILESTONES = load_timeline()
IDS = [m.id for m in MILESTONES]

header("history")
lang = language()
if "history_pick" not in st.session_state:
    st.session_state["history_pick"] = parse_url_value(st.query_params.get("milestone"), "transformer", choices=IDS)
by_id = {m.id: m for m in MILESTONES}
controls = st.columns([3, 1, 1])
with controls[0]:
    st.select_slider(
        t("history.pick"), IDS, key="history_pick", format_func=lambda i: f"{int(by_id[i].year)} · {by_id[i].name}"
    )
with controls[1]:
    presenter.toggle()
chosen = by_id[st.session_state["history_pick"]]
with controls[2]:
    present = 1 if presenter.is_presenting() else None
    presenter.share_box("history", {"milestone": chosen.id, "present": present})
st.query_params["milestone"] = chosen.id

with st.container(border=True):
    st.subheader(f"{int(chosen.year)} · {chosen.name}")
    st.markdown(chosen.text.get(lang, chosen.text["en"]))
    if chosen.parameters:
        size = human_count(chosen.parameters, lang)
    else:
        size = t(f"history.size_{chosen.parameters_note}" if chosen.parameters_note else "history.not_published")
    st.markdown(t("history.size_line", parameters=size, tokens=human_count(chosen.training_tokens, lang)))
    if chosen.estimate_parameters:
        st.warning(t("history.estimate_note", value=human_count(chosen.estimate_parameters, lang)))
    st.caption(f"{t('tour.source')}: {chosen.source}")

st.subheader(t("history.chart_title"))
labels = {k: t(f"history.axis_{k}") for k in ("parameters", "tokens", "estimate", "year", "count")}
presenter.show_chart(timeline_figure(labels, lang), "history", table_rows(lang), "llm_history")
st.caption(t("history.chart_caption"))
presenter.myth_box("gpt2_size")
presenter.myth_box("gpt4_size")
