"""Streamlit glue for the cost tab: pick a timeline model, measure this computer, read FLOPs, time and energy.

This computer's speed is measured with the bench's own matmul (`bench/reference_train.py: matmul_flops`)
when the user asks, once per server process until asked again (it holds the CPU for a few seconds).
Every assumption is shown beside the numbers. Leaves out the page layout (see pages/scale.py).
"""

from __future__ import annotations

import math
import time

import streamlit as st

from explain.core.device import pick_device
from explain.core.display import literal
from explain.training import cost, scaling_figures
from ui.text import localise, num, t

SPEED_KEY = "cost_flops_per_s"  # this session's measured FLOP/s


@st.cache_resource(show_spinner=False, ttl=600, max_entries=4)
def _measure(device: str, window: int) -> float:
    """fp32 matmul FLOP/s on `device`: the bench's measurement with fewer repeats (about 2 s on 2 cores).

    Shared by every session for the same 10-minute window (`window`), so a class clicking at once measures once.
    """
    from bench.reference_train import matmul_flops

    return matmul_flops(device, repeats=4, rounds=2)


def speed_section() -> float | None:
    """The measure button and the measured FLOP/s (None until measured)."""
    left, right = st.columns([1, 3])
    if left.button(t("scale.cost_measure"), key="cost_measure"):
        with st.spinner(t("scale.cost_measuring")):
            device = pick_device(st.session_state.get("device_choice", "auto"))
            st.session_state[SPEED_KEY] = _measure(device, int(time.time()) // 600)
    speed = st.session_state.get(SPEED_KEY)
    if speed:
        right.metric(t("scale.cost_speed"), num(speed / 1e9, ",.0f") + " GFLOP/s")
    else:
        right.caption(t("scale.cost_not_measured"))
    return speed


def assumptions_section() -> cost.Assumptions:
    base = cost.Assumptions()
    c = st.columns(2)
    util = c[0].slider(t("scale.cost_util", gpu=base.gpu_name), 10, 60, int(base.gpu_utilisation * 100), step=5,
                       key="cost_util", format="%d %%")  # fmt: skip
    watts = c[1].number_input(t("scale.cost_watts"), 100, 2000, int(base.gpu_watts), step=50, key="cost_watts")
    return cost.Assumptions(gpu_utilisation=util / 100, gpu_watts=float(watts))


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(value: float) -> str:
    """A big number the way the page writes it: 3.15e23 -> '3.15 × 10²³' ('3,15 × 10²³' on Italian pages)."""
    exponent = math.floor(math.log10(abs(value))) if value else 0
    return f"{num(value / 10**exponent, '.3g')} × 10{str(exponent).translate(SUPERSCRIPT)}"


def _duration(seconds: float) -> str:
    """Seconds in the largest unit that reads well: '3.2 hours', '9,216 days', '189,405 years'."""
    for unit, size in (("years", cost.SECONDS_PER_YEAR), ("days", cost.SECONDS_PER_DAY), ("hours", 3600)):
        if seconds >= 2 * size:
            return t(f"scale.cost_{unit}", n=num(seconds / size, ",.0f"))
    return t("scale.cost_seconds", n=num(seconds, ",.0f"))


def result_section(model, speed: float | None, assume: cost.Assumptions) -> None:
    tokens = num(model.training_tokens, ",") if model.training_tokens else t("scale.cost_unpublished")
    st.markdown(t("scale.cost_model", name=literal(model.name), params=num(model.parameters, ","), tokens=tokens))
    st.caption(t("scale.cost_source", source=literal(model.source)))
    if not model.training_tokens:
        st.info(t("scale.cost_no_tokens"))
        return
    c = cost.training_cost(model.parameters, model.training_tokens, speed or 1.0, assume)
    cols = st.columns(4)
    cols[0].metric(t("scale.cost_flops"), sci(c["flops"]))
    cols[1].metric(t("scale.cost_here"), _duration(c["seconds_here"]) if speed else "–")
    cols[2].metric(t("scale.cost_gpu", gpu=assume.gpu_name), _duration(c["gpu_seconds"]))
    cols[3].metric(t("scale.cost_energy"), num(c["gpu_kwh"], ",.0f") + " kWh")
    formula = dict(n=sci(model.parameters), d=sci(model.training_tokens), c=sci(c["flops"]),
                   peak=num(assume.gpu_peak_flops / 1e12, ",.0f"), util=num(assume.gpu_utilisation * 100, ".0f"),
                   watts=num(assume.gpu_watts, ",.0f"), gpus=num(c["gpu_days"] / 30, ",.0f"))  # fmt: skip
    st.markdown(t("scale.cost_formula", **formula))


def render() -> None:
    st.markdown(t("scale.cost_intro"))
    models = cost.costable_models()
    ids = [m.id for m in models]
    chosen = st.selectbox(t("scale.cost_pick"), ids, index=ids.index("gpt3"), key="cost_model",
                          format_func=lambda i: models[ids.index(i)].name)  # fmt: skip
    model = models[ids.index(chosen)]
    speed = speed_section()
    assume = assumptions_section()
    result_section(model, speed, assume)
    rows = [{"model": m.name, "flops": cost.training_flops(m.parameters, m.training_tokens), "chosen": m.id == chosen}
            for m in models if m.training_tokens]  # fmt: skip
    fig = scaling_figures.cost_figure(rows, {"flops": t("scale.cost_flops")})
    st.plotly_chart(localise(fig), key="cost_fig")
    with st.expander(t("scale.cost_assumptions_title")):
        st.markdown(t("scale.cost_assumptions", here_watts=num(assume.here_watts, ".0f")))
