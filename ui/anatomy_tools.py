"""The anatomy page's tools: MLP neurons, input attribution and ablation, one function each.

Slow work (attribution, the head sweep) runs on a button, with a progress bar, and its result is
kept in the session for the same text and target. Numbers come from explain/anatomy.
"""

from __future__ import annotations

import time

import streamlit as st

from explain.anatomy import figures as figs
from explain.anatomy.ablation import ablate, sweep_heads
from explain.anatomy.attribution import METHODS, attribute
from explain.anatomy.diagram import ModelShape
from explain.anatomy.neurons import top_neurons
from explain.anatomy.stream import Stream
from explain.core.display import code_span, visible
from explain.core.limits import MAX_ATTRIBUTION_TOKENS, MAX_IG_STEPS, MAX_SWEEP_TOKENS
from explain.core.loading import LoadedModel
from ui.anatomy import chart, fixed
from ui.text import num, t


def _tokens(listing: list[dict], n: int = 5) -> str:
    return " ".join(visible(x["token"]) for x in listing[:n])


def neurons_table(lm: LoadedModel, stream: Stream, layer: int, position: int, k: int) -> None:
    rows = [
        {t("anatomy.col_neuron"): n["index"], t("anatomy.col_activation"): num(n["activation"], ".3f"),
         t("anatomy.col_promotes"): _tokens(n["promotes"]), t("anatomy.col_suppresses"): _tokens(n["suppresses"])}
        for n in top_neurons(lm, stream.ids, layer, position, k)
    ]  # fmt: skip
    st.dataframe(rows, hide_index=True)


def neurons_tab(lm: LoadedModel, stream: Stream, layer: int, position: int) -> None:
    st.markdown(t("anatomy.neurons_intro", layer=layer, position=position, token=code_span(stream.tokens[position])))
    k = st.slider(t("anatomy.neurons_top"), 1, 20, 10, key="an_neurons_k")
    neurons_table(lm, stream, layer, position, k)


def _bar(label: str):
    bar = st.progress(0.0, text=label)
    return bar, lambda fraction: bar.progress(min(1.0, fraction), text=label)


def attribution_tab(lm: LoadedModel, stream: Stream, target: dict) -> None:
    st.markdown(t("anatomy.attr_intro", target=code_span(target["token"])))
    if stream.n_tokens > MAX_ATTRIBUTION_TOKENS:
        st.info(t("anatomy.attr_cut", limit=MAX_ATTRIBUTION_TOKENS))
    steps = st.select_slider(t("anatomy.attr_steps"), [8, 16, 32, 64, 128, MAX_IG_STEPS], value=32, key="an_ig_steps")
    key = ("attr", tuple(stream.ids), target["id"], steps)
    if st.button(t("anatomy.attr_run"), key="an_attr_run"):
        bar, tell = _bar(t("anatomy.attr_running"))
        start = time.perf_counter()
        results = {}
        for i, method in enumerate(METHODS):

            def part(f, i=i):  # noqa: E306 - each method is one third of the bar
                tell((i + f) / len(METHODS))

            results[method] = attribute(lm, stream.ids, target["id"], method, steps=steps, progress=part)
        bar.empty()
        st.session_state["an_attr"] = (key, results, time.perf_counter() - start)
    saved = st.session_state.get("an_attr")
    if saved and saved[0] == key:
        _show_attribution(saved[1], saved[2], target)


def _show_attribution(results: dict, seconds: float, target: dict) -> None:
    ig = results["integrated-gradients"]
    scores = {t(f"anatomy.method_{m}"): r.attributions for m, r in results.items()}
    rows = [{"token": visible(tk), **{m: round(v[i], 4) for m, v in scores.items()}} for i, tk in enumerate(ig.tokens)]
    chart(figs.word_scores(ig.tokens, scores), "an_attr", rows)
    st.markdown("- " + t("anatomy.attr_occlusion", target=code_span(target["token"])))
    st.markdown("- " + t("anatomy.attr_gxi"))
    gap = num(ig.detail["gap"], ".0%")
    st.markdown("- " + t("anatomy.attr_ig", sum=fixed(ig.total, 3), delta=fixed(ig.delta, 3), gap=gap))
    if ig.converged:
        st.success(t("anatomy.attr_converged"))
    else:
        st.warning(t("anatomy.attr_not_converged"))
    st.caption(t("anatomy.seconds", seconds=fixed(seconds, 1)))


def ablation_tab(lm: LoadedModel, shape: ModelShape, stream: Stream, target: dict, layer: int) -> None:
    st.markdown(t("anatomy.ablate_intro"))
    st.caption(t("anatomy.ablate_layer_note"))
    kinds = ["head", "mlp"]
    kind = st.radio(t("anatomy.ablate_kind"), kinds, key="an_ablate_kind", horizontal=True,
                    format_func=lambda k: t(f"anatomy.ablate_{k}"))  # fmt: skip
    head = None
    if kind == "head":
        head = (layer, st.selectbox(t("anatomy.ablate_which_head"), list(range(shape.heads)), key="an_ablate_head"))
    result = ablate(lm, stream.ids, target["id"], head=head, mlp=layer if kind == "mlp" else None)
    before, after = fixed(result["target_prob_before"], 3), fixed(result["target_prob_after"], 3)
    part = t("anatomy.part_head", head=head[1], layer=layer) if head else t("anatomy.part_mlp", layer=layer)
    st.markdown(t("anatomy.ablate_result", part=part, target=code_span(target["token"]), before=before, after=after))
    labels = {k: t(f"anatomy.{k}") for k in ("before", "after", "prob")}
    chart(figs.before_after(result["before"], result["after"], labels), "an_ablate", result["after"])
    _sweep(lm, shape, stream, target, result["target_prob_before"])


def _sweep(lm: LoadedModel, shape: ModelShape, stream: Stream, target: dict, before: float) -> None:
    count = shape.layers * shape.heads
    if stream.n_tokens > MAX_SWEEP_TOKENS:
        return st.info(t("anatomy.sweep_too_long", limit=MAX_SWEEP_TOKENS, n=stream.n_tokens))
    key = ("sweep", tuple(stream.ids), target["id"])
    if st.button(t("anatomy.sweep_button", count=count), key="an_sweep"):
        bar, tell = _bar(t("anatomy.sweep_running"))
        start = time.perf_counter()
        ranked = sweep_heads(lm, stream.ids, target["id"], progress=tell)
        bar.empty()
        st.session_state["an_sweep_result"] = (key, ranked[:3], time.perf_counter() - start)
    saved = st.session_state.get("an_sweep_result")
    if saved and saved[0] == key:
        st.markdown(t("anatomy.sweep_result", target=code_span(target["token"]), before=fixed(before, 3)))
        for layer, head, after in saved[1]:
            st.markdown("- " + t("anatomy.sweep_row", layer=layer, head=head, after=fixed(after, 3)))
        st.caption(t("anatomy.seconds", seconds=fixed(saved[2], 1)))
