"""The teacher's projector view: how to join, the teacher's controls, and the class's board, live.

The board is an `st.fragment` that reruns every `CLASS_REFRESH_S` seconds and reads the class's
report from the database: it redraws itself without reloading the page, and the controls above it
stay put. Drawn only for a session holding the class's teacher key (`ui.live_class.teacher`).
Nicknames are student text: escaped in Markdown (`literal`), in chart labels (`plot_text`, inside
the figures) and inert in tables; the teacher can hide them. Leaves out joining and starting
(see `ui/live_class.py`).
"""

from __future__ import annotations

import streamlit as st

from explain.classroom.tour import clamp_step, load_steps
from explain.core.display import literal
from explain.core.limits import CLASS_REFRESH_S
from explain.live_class.classes import class_step, end_class, set_step
from explain.live_class.export import class_csv
from explain.live_class.figures import answers_figure, next_tokens_figure, steps_figure
from explain.live_class.report import class_report
from explain.live_class.submissions import questions
from ui import presenter
from ui.live_class import TEACHER_KEY, class_error, teacher
from ui.text import language, localise, num, t

HIDE_KEY = "lc_hide_names"
CONFIG = {"displaylogo": False}


def join_panel(code: str) -> None:
    """The join code in large type, the link and its QR code, and the private teacher link."""
    url = presenter.share_url("class", {"code": code})
    left, right = st.columns([3, 1])
    with left:
        st.markdown(f"### {t('live_class.join_title')}")
        st.code(url, language=None)
        st.markdown(f"## {t('live_class.join_with_code')}: `{code}`")
    right.image(presenter.qr_image(url, scale=8), caption=t("live_class.qr_alt"), width=260)
    with st.expander(t("live_class.teacher_link")):
        st.code(presenter.share_url("class", {"code": code, "key": teacher()["key"]}), language=None)
        st.caption(t("live_class.teacher_link_help"))


def _move(delta: int) -> None:
    info, n = teacher(), len(load_steps())
    set_step(info["code"], info["key"], clamp_step(class_step(info["code"]) + delta, n))


def _end() -> None:
    info = teacher()
    end_class(info["code"], info["key"])
    st.session_state.pop(TEACHER_KEY, None)
    st.session_state["lc_ended"] = True
    if "code" in st.query_params:
        del st.query_params["code"]


def controls(code: str, key: str) -> None:
    """Step ← →, hide nicknames, download the CSV, end the class (after a confirmation)."""
    n = len(load_steps())
    cols = st.columns([1, 4, 1, 4, 3, 3])
    cols[0].button("←", key="lc_step_prev", on_click=_move, args=(-1,))
    cols[1].markdown(t("live_class.class_step", step=class_step(code), n=n))
    cols[2].button("→", key="lc_step_next", on_click=_move, args=(1,))
    cols[3].toggle(t("live_class.hide_names"), key=HIDE_KEY)
    cols[4].download_button(
        t("live_class.download"),
        data=lambda: class_csv(code, key, language()),
        file_name=f"class-{code}.csv",
        mime="text/csv",
        key="lc_csv",
        on_click="ignore",
    )
    with cols[5].popover(t("live_class.end"), icon="🛑"):
        st.button(t("live_class.end_confirm"), key="lc_end", on_click=_end, type="primary")


def _question_label(qid: str) -> str:
    step_id, index = qid.rsplit(".", 1)
    number = next(i for i, s in enumerate(load_steps(), 1) if s.id == step_id)
    text = questions()[qid].text.get(language(), questions()[qid].text["en"])
    return f"{number}.{int(index) + 1} {text[:70]}"


def quiz_board(answers: list[dict], hide: bool) -> None:
    """The stacked bars, then one line per question: right of answered, the most common wrong answer, who."""
    st.subheader(t("live_class.quiz_title"))
    if not answers:
        st.info(t("live_class.no_answers"))
        return
    labels = {a["question"]: _question_label(a["question"]) for a in answers}
    labels |= {"right": t("live_class.right"), "wrong": t("live_class.wrong_label"), "count": t("live_class.count_col")}
    st.plotly_chart(localise(answers_figure(answers, labels)), key="lc_quiz_chart", config=CONFIG)
    for a in answers:
        parts = [
            t(
                "live_class.question_line",
                question=literal(labels[a["question"]]),
                right=a["correct"],
                answered=a["answered"],
            )
        ]
        if a["top_wrong"] is not None:
            options = questions()[a["question"]].options
            option = options.get(language(), options["en"])[a["top_wrong"]]
            parts.append(t("live_class.top_wrong", option=literal(option), n=a["counts"][a["top_wrong"]]))
        names = t("live_class.names_hidden") if hide else ", ".join(literal(n) for n in a["who"])
        parts.append(t("live_class.who", names=names))
        st.markdown(" · ".join(parts))


def texts_board(summary: dict, hide: bool) -> None:
    """The class's texts: predicted next tokens, tokens per word, the most surprising sentence."""
    if not (summary["next_tokens"] or summary["tokens_per_word"] or summary["most_surprising"]):
        st.info(t("live_class.no_texts"))
        return
    if summary["next_tokens"]:
        st.markdown(f"**{t('live_class.next_title')}**")
        fig = next_tokens_figure(summary["next_tokens"], t("live_class.count_col"))
        st.plotly_chart(localise(fig), key="lc_next_chart", config=CONFIG)
    if summary["tokens_per_word"]:
        st.markdown(f"**{t('live_class.per_word_title')}**")
        rows = [
            {
                t("live_class.nickname_col"): r["nickname"],
                t("live_class.text_col"): r["text"],
                t("live_class.tokens_per_word_col"): num(r["value"], ".2f"),
            }
            for r in summary["tokens_per_word"]
        ]
        if hide:
            rows = [{k: v for k, v in r.items() if k != t("live_class.nickname_col")} for r in rows]
        st.dataframe(rows, hide_index=True, width="stretch")
    top = summary["most_surprising"]
    if top:
        st.markdown(f"**{t('live_class.surprising_title', value=num(top['perplexity'], '.1f'))}**")
        who = "" if hide else f" — {literal(top['nickname'])}"
        st.markdown(f"> {literal(top['text'])}{who}")


@st.fragment(run_every=CLASS_REFRESH_S)
def live_board() -> None:
    """The board: counts, students per step, quiz answers, texts; redrawn every CLASS_REFRESH_S seconds."""
    info = teacher()
    if info is None:
        return
    try:
        report = class_report(info["code"], info["key"])
    except Exception as exc:
        class_error(exc, info["code"])
        return
    hide = bool(st.session_state.get(HIDE_KEY))
    st.subheader(t("live_class.board"))
    metrics = st.columns(3)
    metrics[0].metric(t("live_class.students"), num(report["students"], ","))
    metrics[1].metric(t("live_class.answers"), num(sum(a["answered"] for a in report["answers"]), ","))
    metrics[2].metric(t("live_class.texts"), num(report["texts"], ","))
    if report["nicknames"] and not hide:
        st.caption(", ".join(literal(n) for n in report["nicknames"]))
    st.markdown(f"**{t('live_class.steps_title')}**")
    step_labels = {"step": t("live_class.step_axis"), "count": t("live_class.count_axis")}
    fig = steps_figure(report["steps"], len(load_steps()), step_labels)
    st.plotly_chart(localise(fig), key="lc_steps_chart", config=CONFIG)
    quiz_board(report["answers"], hide)
    texts_board(report["text_summary"], hide)


def render() -> None:
    """The whole teacher view."""
    info = teacher()
    join_panel(info["code"])
    try:
        controls(info["code"], info["key"])
    except Exception as exc:  # the class ended elsewhere (the CLI, its time): say so
        st.session_state.pop(TEACHER_KEY, None)
        class_error(exc, info["code"])
        return
    st.page_link("pages/tour.py", label=t("live_class.go_tour"), icon="🧭")
    live_board()
