"""The next-token page's tabs: distribution, generation step by step, logit lens, perplexity.

The chat and limits tabs are in `ui/next_token_chat.py`.

Streamlit glue only: each `render_*` reads widgets, calls `explain/` and draws.
Generation and chat state live in st.session_state under `nt_*` keys.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from explain.core.analysis import Analysis, softmax, top_ids
from explain.core.display import code_span, literal, token_chips_html
from explain.core.generation import Step, make_step, next_logits, step_rng, stream, text_deltas
from explain.core.limits import MAX_AUTO_TOKENS, MAX_TEMPERATURE, MAX_TOP_K
from explain.core.loading import LoadedModel
from explain.core.sampling import SamplingConfig, pick, reshape
from explain.next_token import logit_lens, perplexity
from explain.next_token.figures import distribution_figure, lens_figure, perplexity_bars, surprisal_colours
from ui.figure_cache import cached_figure
from ui.page import notice_truncated, typed_text
from ui.text import language, localise, num, t
from ui.urlstate import bind, mirror

SHOWN_BARS = 15  # bars in the distribution chart
CANDIDATE_BUTTONS = 8  # clickable candidates in the generation tab
PROMPT_GREY = "#e6e6e6"


_md_token = code_span  # a token in a Markdown label (button, caption)


def _pct(p: float) -> str:
    return num(p, ".1%") if p >= 0.001 else num(p, ".2e")


# --- sampling knobs ----------------------------------------------------------------------------------------------


def sampling_knobs() -> SamplingConfig:
    """Temperature, top-k, top-p and seed, bound to the URL; the config they make."""
    bind("nt_temp", 1.0, float, low=0.0, high=MAX_TEMPERATURE)
    bind("nt_topk", 0, int, low=0, high=MAX_TOP_K)
    bind("nt_topp", 1.0, float, low=0.05, high=1.0)
    bind("nt_seed", 0, int, low=0, high=2**31 - 1)
    temp, topk, topp, seed = st.columns(4)
    temp.slider(
        t("next_token.temperature"), 0.0, MAX_TEMPERATURE, step=0.05, key="nt_temp", help=t("next_token.temp_help")
    )
    topk.slider(t("next_token.top_k"), 0, MAX_TOP_K, key="nt_topk", help=t("next_token.topk_help"))
    topp.slider(t("next_token.top_p"), 0.05, 1.0, step=0.05, key="nt_topp", help=t("next_token.topp_help"))
    seed.number_input(t("next_token.seed"), 0, 2**31 - 1, key="nt_seed", help=t("next_token.seed_help"))
    mirror("nt_temp", "nt_topk", "nt_topp", "nt_seed")
    state = st.session_state
    return SamplingConfig(state.nt_temp, state.nt_topk, state.nt_topp, state.nt_seed)


# --- distribution -----------------------------------------------------------------------------------------------


def render_distribution(lm: LoadedModel, analysis: Analysis, config: SamplingConfig) -> None:
    shaped = reshape(analysis.next_logits, config)
    model_probs = softmax(analysis.next_logits)
    order = top_ids(model_probs, SHOWN_BARS)
    labels = {int(i): lm.tokenizer.decode([int(i)]) for i in order}
    names = {k: t(f"next_token.legend_{k}") for k in ("model", "shaped", "dropped")}
    st.markdown(t("next_token.dist_explain"))
    left, right = st.columns([3, 1])
    key = (analysis.model, analysis.dtype, analysis.text, analysis.limit)
    key += (config.temperature, config.top_k, config.top_p)
    fig = cached_figure(
        "nt_dist", key, lambda: distribution_figure(shaped, model_probs, labels, SHOWN_BARS, names, language())
    )
    left.plotly_chart(localise(fig), key="nt_dist_chart")
    right.metric(t("next_token.nucleus_size"), num(int(shaped.kept.sum()), ","))
    right.metric(t("next_token.top_prob"), _pct(float(shaped.probs.max())))
    dropped = [labels[int(i)] for i in order if not shaped.kept[i]]
    if dropped:
        right.caption(t("next_token.dropped_list", tokens=", ".join(_md_token(d) for d in dropped)))
    st.caption(t("next_token.no_new_pass", ms=num(analysis.seconds * 1000, ".0f")))


# --- generation ---------------------------------------------------------------------------------------------------


def _generation_state(prompt_ids: list[int]) -> dict:
    """{"prompt": ids, "steps": [Step]} for this prompt; a new prompt starts afresh."""
    state = st.session_state.get("nt_gen")
    if state is None or state["prompt"] != prompt_ids:
        state = {"prompt": list(prompt_ids), "steps": []}
        st.session_state["nt_gen"] = state
    return state


def _chips(lm: LoadedModel, analysis: Analysis, steps: list[Step]) -> str:
    tokens = analysis.tokens + [s.text for s in steps]
    titles = [t("next_token.prompt_token")] * analysis.n_tokens + [
        t("next_token.step_title", prob=_pct(s.prob), model_prob=_pct(s.model_prob), rank=s.rank) for s in steps
    ]
    colours = [PROMPT_GREY] * analysis.n_tokens + surprisal_colours(
        [-math.log(max(s.model_prob, 1e-12)) for s in steps]
    )
    return token_chips_html(tokens, titles, colours)


def set_flag(key: str) -> None:
    """Button callback: remember a click until the script reads it (survives an extra rerun)."""
    st.session_state[key] = True


def _candidate_label(lm: LoadedModel, token: int, model_probs: np.ndarray, shaped) -> str:
    """'`·Paris` 75.8% → 100.0%': the model's probability, then the shaped one (✂ when cut)."""
    label = f"{_md_token(lm.tokenizer.decode([token]))} {_pct(float(model_probs[token]))}"
    if not shaped.kept[token]:
        return label + " ✂"
    if abs(shaped.probs[token] - model_probs[token]) > 5e-4:
        return label + f" → {_pct(float(shaped.probs[token]))}"
    return label


def _auto_generate(lm: LoadedModel, ids: list[int], state: dict, config: SamplingConfig, count: int) -> None:
    """Stream `count` tokens into the page, saving each Step as it arrives (so Stop keeps what came)."""

    def saved(steps):
        for step in steps:
            state["steps"].append(step)
            yield step

    st.button(t("next_token.stop"), key="nt_stop", icon="⏹️")
    with st.container(border=True):
        st.write_stream(text_deltas(lm, saved(stream(lm, ids, config, count))))
    st.rerun()


def render_generation(lm: LoadedModel, analysis: Analysis, config: SamplingConfig) -> None:
    state = _generation_state(analysis.ids)
    ids = analysis.ids + [s.id for s in state["steps"]]
    logits = next_logits(lm, ids)
    shaped = reshape(logits, config)
    st.markdown(t("next_token.gen_explain"))
    st.html(_chips(lm, analysis, state["steps"]))
    st.caption(t("next_token.gen_legend", n=len(state["steps"])))
    if state["steps"] and state["steps"][-1].id == lm.tokenizer.eos_token_id:
        st.info(t("next_token.gen_ended", token=_md_token(state["steps"][-1].text)))
    st.markdown(t("next_token.candidates"))
    model_probs = softmax(logits)
    columns = st.columns(4)
    for n, token in enumerate(int(i) for i in top_ids(model_probs, CANDIDATE_BUTTONS)):
        step = make_step(lm, logits, token, float(shaped.probs[token]))
        label = _candidate_label(lm, token, model_probs, shaped)
        columns[n % 4].button(label, key=f"nt_cand_{n}", width="stretch", on_click=state["steps"].append, args=(step,))
    _generation_buttons(lm, ids, logits, state, config)


def _generation_buttons(lm, ids: list[int], logits: np.ndarray, state: dict, config: SamplingConfig) -> None:
    # Buttons act through callbacks: they run before the next script run, so no click is lost to a rerun.
    greedy_step = make_step(lm, logits, *pick(logits, SamplingConfig(temperature=0), step_rng(config.seed, len(ids))))
    sampled_step = make_step(lm, logits, *pick(logits, config, step_rng(config.seed, len(ids))))
    steps = state["steps"]
    greedy, sample, undo, reset = st.columns(4)
    greedy.button(t("next_token.greedy"), key="nt_greedy", width="stretch", on_click=steps.append, args=(greedy_step,))
    sample.button(t("next_token.sample"), key="nt_sample", width="stretch", on_click=steps.append, args=(sampled_step,))
    undo.button(t("next_token.undo"), key="nt_undo", width="stretch", disabled=not steps, on_click=steps.pop)
    reset.button(t("next_token.reset"), key="nt_reset", width="stretch", disabled=not steps, on_click=steps.clear)
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    st.session_state.setdefault("nt_auto_n", 20)
    count = left.number_input(t("next_token.auto_count", limit=MAX_AUTO_TOKENS), 1, MAX_AUTO_TOKENS, key="nt_auto_n")
    right.button(t("next_token.auto"), key="nt_auto", icon="▶️", on_click=set_flag, args=("nt_auto_go",))
    if st.session_state.pop("nt_auto_go", False):
        _auto_generate(lm, ids, state, config, int(count))
    st.caption(t("next_token.seed_note", seed=config.seed))


# --- logit lens ---------------------------------------------------------------------------------------------------


def render_lens(lm: LoadedModel, analysis: Analysis, config: SamplingConfig | None = None) -> None:
    st.markdown(t("next_token.lens_explain"))
    key = ("logit_lens", analysis.text, analysis.limit)
    grid = lm.results.get(key)
    if grid is None:
        with st.spinner(t("next_token.lens_running")):
            grid = logit_lens.lens_grid(lm, analysis.hidden_states, analysis.tokens)
        lm.results.put(key, grid)
    if analysis.n_tokens > len(grid.positions):
        st.caption(t("next_token.lens_cut", shown=len(grid.positions), total=analysis.n_tokens))
    fig = cached_figure(
        "nt_lens",
        (lm.name, lm.dtype_name, *key),
        lambda: lens_figure(grid, t("next_token.layer"), t("next_token.position"), language()),
    )
    st.plotly_chart(localise(fig), key="nt_lens_chart")
    first = next((i for i, row in enumerate(grid.top_ids[:, -1]) if row == grid.top_ids[-1, -1]), 0)
    st.markdown(
        t(
            "next_token.lens_summary",
            token=_md_token(grid.top_tokens[-1][-1]),
            layer=first,
            layers=grid.top_ids.shape[0] - 1,
            prob=_pct(float(grid.top_probs[-1, -1])),
        )
    )


# --- perplexity ---------------------------------------------------------------------------------------------------


def _surprisal_chips(result: perplexity.PerplexityResult) -> str:
    nll = [None, *result.nll.tolist()]
    titles = [t("next_token.first_token")] + [
        t("next_token.surprisal_title", nll=num(v, ".2f"), p=_pct(math.exp(-v))) for v in result.nll
    ]
    colours = [PROMPT_GREY, *surprisal_colours(np.array(nll[1:]))]
    return token_chips_html(result.tokens, titles, colours)


def render_perplexity(lm: LoadedModel) -> None:
    st.markdown(t("next_token.ppl_explain"))
    bind("nt_ppl_text", t("next_token.ppl_default"))
    st.text_area(t("next_token.ppl_input"), key="nt_ppl_text", height=90)
    cleaned = typed_text("nt_ppl_text")
    if not cleaned.text.strip():
        st.info(t("next_token.empty"))
        return
    try:
        result = perplexity.score(lm, cleaned.text)
    except ValueError:
        st.info(t("next_token.ppl_too_short"))
        return
    if result.truncated:
        notice_truncated(result.total_tokens, len(result.tokens))
    st.html(_surprisal_chips(result))
    st.caption(t("next_token.ppl_hover"))
    n = len(result.nll)
    st.latex(r"\mathrm{PPL} = \exp\Big(\frac{1}{N}\sum_{i=1}^{N} -\log p(x_i \mid x_{<i})\Big)")
    st.markdown(t("next_token.ppl_numbers", n=n, mean=num(result.mean_nll, ".3f"), ppl=num(result.perplexity, ",.2f")))
    _perplexity_comparison(lm)
    st.warning(t("next_token.ppl_not_similarity"))


def _perplexity_comparison(lm: LoadedModel) -> None:
    st.markdown(t("next_token.compare_title"))
    fluent = t("next_token.compare_fluent_text")
    texts = {
        t("next_token.compare_fluent"): fluent,
        t("next_token.compare_shuffled"): perplexity.shuffle_words(fluent, seed=1),
        t("next_token.compare_italian"): t("next_token.compare_italian_text"),
    }
    scores = {name: perplexity.score(lm, text) for name, text in texts.items()}
    left, right = st.columns([2, 3])
    left.plotly_chart(
        localise(
            perplexity_bars(list(scores), [s.perplexity for s in scores.values()], t("next_token.ppl_axis"), language())
        ),
        key="nt_ppl_bars",
    )
    for name in texts:
        right.markdown(f"**{literal(name)}** · PPL {scores[name].perplexity:,.1f}")
        right.html(_surprisal_chips(scores[name]))
    st.markdown(t("next_token.compare_explain"))
