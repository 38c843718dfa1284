"""The anatomy page's diagram, stage details and residual-stream tab; numbers come from explain/anatomy.

Every function draws with Streamlit and returns nothing (or the chosen stage); the report dict
is the one `anatomy --json` prints, so page and CLI show the same numbers. Tokens reach HTML
only through `explain.core.display`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from explain.anatomy import figures as figs
from explain.anatomy.diagram import ModelShape, stages
from explain.anatomy.dla import logits_at
from explain.anatomy.stream import Stream
from explain.core.analysis import analyze, top_candidates
from explain.core.display import code_span, visible
from explain.core.limits import MAX_ANATOMY_TOKENS
from explain.core.loading import LoadedModel
from ui import attention as attention_views
from ui.text import language, localise, num, t


def fixed(value: float, digits: int = 2) -> str:
    """12345.678 -> '12,345.68' in English, '12.345,68' in Italian (through the one number helper)."""
    return num(value, f",.{digits}f")


def chart(fig, key: str, rows: list[dict]) -> None:
    """A chart and its numbers as a table on demand (the page has several: presenter.show_chart is one per page)."""
    st.plotly_chart(localise(fig), key=key, theme=None)
    with st.expander(t("tour.as_table")):
        st.dataframe(rows, hide_index=True)


def stage_names(shape: ModelShape) -> dict[str, str]:
    return {s.key: t(f"anatomy.stage_{s.key}", norm=shape.norm, activation=shape.activation) for s in stages(shape)}


def stage_values(report: dict, stream: Stream, layer: int, probs: np.ndarray) -> dict[str, str]:
    """A short live number per stage, at the chosen position and layer."""
    p = report["position"]
    rows = report["layers"]
    before = rows[layer - 1]["resid_norm"] if layer else report["embedding_norm"]
    after_attn = float(np.linalg.norm(stream.resid(layer - 1)[p] + stream.attn[layer, p]))
    norm = lambda v: t("anatomy.value_norm", value=fixed(v, 1))  # noqa: E731
    return {
        "ids": t("anatomy.value_ids", id=stream.ids[p]),
        "embed": norm(report["embedding_norm"]),
        "norm1": norm(before),
        "attn": norm(rows[layer]["attn_norm"]),
        "add1": norm(after_attn),
        "norm2": norm(after_attn),
        "mlp": norm(rows[layer]["mlp_norm"]),
        "add2": norm(rows[layer]["resid_norm"]),
        "final_norm": norm(report["final_norm"]),
        "unembed": t("anatomy.value_logit", value=fixed(report["target"]["logit"], 1)),
        "softmax": t("anatomy.value_prob", value=fixed(float(probs[report["target"]["id"]]), 3)),
    }


def on_diagram_click() -> None:
    """Chart callback: a click on a box opens that stage."""
    points = st.session_state.get("an_diagram", {}).get("selection", {}).get("points", [])
    if points and points[0].get("customdata"):
        st.session_state["an_stage"] = points[0]["customdata"]


def diagram(shape: ModelShape, report: dict, stream: Stream, layer: int, probs: np.ndarray) -> str:
    """Draw the forward pass and a stage selector; return the chosen stage's key."""
    keys = [s.key for s in stages(shape)]
    names = stage_names(shape)
    if st.session_state.get("an_stage") not in keys:
        st.session_state["an_stage"] = "attn"
    title = t("anatomy.block_title", layers=shape.layers, layer=layer)
    values = stage_values(report, stream, layer, probs)
    fig = figs.diagram(stages(shape), names, values, st.session_state["an_stage"], title, lang=language())
    st.plotly_chart(localise(fig), key="an_diagram", on_select=on_diagram_click, selection_mode="points", theme=None)
    return st.segmented_control(t("anatomy.stage"), keys, key="an_stage", format_func=names.get, required=True)


def gpt2_box(shape: ModelShape) -> None:
    with st.expander(t("anatomy.gpt2_title")):
        st.markdown(
            t(
                "anatomy.gpt2_body",
                norm=shape.norm,
                hidden=shape.hidden,
                mlp_hidden=shape.mlp_hidden,
                activation=shape.activation,
                positions=t(f"anatomy.{shape.positions}"),
                heads=shape.heads,
                kv_heads=shape.kv_heads,
                tied=t(f"anatomy.{'yes' if shape.tied else 'no'}"),
            )
        )


def stage_detail(lm: LoadedModel, stage: str, shape: ModelShape, report: dict, stream: Stream, layer: int, text: str):
    """The chosen stage opened: what it does, its live numbers, and its view."""
    from ui.anatomy_tools import neurons_table

    p, row = report["position"], report["layers"][layer]
    token, common = (
        code_span(stream.tokens[p]),
        {"vocab": fixed(shape.vocab, 0), "hidden": shape.hidden, "layer": layer},
    )
    with st.container(border=True):
        if stage == "ids":
            st.markdown(t("anatomy.explain_ids", n=stream.n_tokens, position=p, token=token, id=stream.ids[p]))
        elif stage == "embed":
            where = t(f"anatomy.positions_{shape.positions}")
            value = fixed(report["embedding_norm"])
            st.markdown(t("anatomy.explain_embed", token=token, value=value, positions=where, **common))
        elif stage in ("norm1", "norm2"):
            st.markdown(t("anatomy.explain_norm", norm=shape.norm))
        elif stage == "attn":
            st.markdown(t("anatomy.explain_attn", heads=shape.heads, kv_heads=shape.kv_heads,
                          groups=shape.heads // shape.kv_heads, head_size=shape.head_size,
                          value=fixed(row["attn_norm"]), **common))  # fmt: skip
            analysis = analyze(lm, text, limit=MAX_ANATOMY_TOKENS)
            attention_views.layer_view(analysis, layer, causal=True)
        elif stage == "mlp":
            st.markdown(t("anatomy.explain_mlp", mlp_hidden=shape.mlp_hidden, activation=shape.activation,
                          value=fixed(row["mlp_norm"]), **common))  # fmt: skip
            neurons_table(lm, stream, layer, p, 5)
        elif stage in ("add1", "add2"):
            st.markdown(t("anatomy.explain_add", value=fixed(row["resid_norm"])))
        elif stage == "final_norm":
            rms = fixed(1 / report["norm_scale"])
            st.markdown(t("anatomy.explain_final_norm", value=fixed(report["final_norm"]), norm=shape.norm, rms=rms))
        elif stage == "unembed":
            st.markdown(t("anatomy.explain_unembed", tied=t(f"anatomy.tied_{'yes' if shape.tied else 'no'}"), **common))
        else:
            st.markdown(t("anatomy.explain_softmax", **common))
            candidates = top_candidates(lm, logits_at(lm, stream, p), 5)
            st.markdown(" · ".join(f"{code_span(c['token'])} {fixed(c['prob'], 3)}" for c in candidates))


def stream_tab(report: dict) -> None:
    """Norms per layer, the decomposition check, each layer's share of the logit, and the lens row."""
    p = report["position"]
    relative = num(report["reconstruction_relative"], ".1e")
    st.markdown(t("anatomy.stream_intro", position=p, token=code_span(report["tokens"][p]),
                  error=num(report["reconstruction_max_abs"], ".1e"), relative=relative))  # fmt: skip
    labels = {k: t(f"anatomy.{k}") for k in ("resid_norm", "attn_norm", "mlp_norm", "norm", "dla_attn", "dla_mlp")}
    labels |= {"layer": t("anatomy.col_layer"), "embedding": t("anatomy.embedding"), "logit": t("anatomy.logit")}
    rows = [{k: v for k, v in r.items() if k != "lens_top"} for r in report["layers"]]
    chart(figs.stream_norms(report["layers"], labels), "an_norms", rows)
    st.subheader(t("anatomy.dla_title"))
    target = report["target"]
    st.markdown(t("anatomy.dla_intro", target=code_span(target["token"]), logit=fixed(target["logit"], 3),
                  embedding=fixed(report["dla_embedding"], 3), total=fixed(report["dla_sum"], 3)))  # fmt: skip
    chart(figs.layer_shares(report["layers"], report["dla_embedding"], labels), "an_dla", rows)
    st.markdown(f"**{t('anatomy.lens_title')}**")
    lens = [
        {t("anatomy.col_layer"): r["layer"], t("anatomy.col_lens"): visible(r["lens_top"]["token"]),
         t("anatomy.col_lens_p"): num(r["lens_top"]["prob"], ".3f")}
        for r in report["layers"]
    ]  # fmt: skip
    st.dataframe(lens, hide_index=True, height=240)
