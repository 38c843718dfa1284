"""The live strip (home page, tour step 1): one sentence through the real model in four small linked views.

Streamlit glue only: a bounded text box bound to the URL (`strip_text`, `strip_layer`, `strip_head`),
a button that rotates the example sentences, and a fragment that redraws only the strip when the
sentence changes. Each view links to its chapter with the same text (the chapter's own URL keys).
The data comes from `explain/classroom/strip.py`; the charts from `classroom/tour_figures.py` and
`attention/figures.py`.
"""

from __future__ import annotations

import streamlit as st

from explain.attention.figures import causal_mask, heatmap
from explain.classroom.strip import Strip, TinyMap, build_strip, chapter_links, default_head, fit_tiny_map, sentences
from explain.classroom.tour_figures import candidates_bar, compact, tiny_map
from explain.core.display import token_chips_html
from explain.core.limits import MAX_STRIP_CHARS
from explain.core.loading import LoadedModel
from explain.embeddings.token_table import whole_word_tokens
from ui.models import LOADED, get_model, selected_causal_lm
from ui.page import typed_text
from ui.text import language, localise, t
from ui.urlstate import bind, mirror

KEYS = ("strip_text", "strip_layer", "strip_head")  # the strip's widgets, mirrored into the URL
REFERENCE_TOKENS = 500  # whole-word tokens drawn faintly behind the sentence on the tiny map
CHAPTERS = [  # (view, page url key, page file, icon), in the order of the strip
    ("tokens", "tokenization", "pages/tokenization.py", "✂️"),
    ("vectors", "embeddings", "pages/embeddings.py", "🗺️"),
    ("attention", "attention", "pages/attention.py", "👀"),
    ("next", "next_token", "pages/next_token.py", "🎲"),
]


@st.cache_resource(show_spinner=False, max_entries=2)
def _tiny_map(name: str, dtype: str, _lm: LoadedModel) -> TinyMap:
    return fit_tiny_map(whole_word_tokens(_lm, REFERENCE_TOKENS).vectors)


def _next_example() -> None:
    examples = sentences(language())
    index = (st.session_state.get("strip_example", 0) + 1) % len(examples)
    st.session_state["strip_example"] = index
    st.session_state["strip_text"] = examples[index]


def _model() -> LoadedModel:
    """The sidebar's causal LM in the sidebar's precision (the copy the attention and next-token pages use);
    the first load in this process says so in the strip, with its progress.

    It used float32 because a bf16 sentence took 3-5 s against 0.5-1.4 s: that was torch's threads
    spin-waiting on a busy machine (explain/__init__.py), not bf16.
    """
    if selected_causal_lm() in LOADED:
        return get_model()
    note = st.info(t("home.strip_loading"))
    lm = get_model()
    note.empty()
    return lm


def _inputs() -> str:
    """The sentence box and the examples button; returns the cleaned sentence ('' when empty)."""
    for key in KEYS:  # re-assigning keeps the value when another page (home <-> tour) draws the widget anew
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    bind("strip_text", sentences(language())[0])
    layer, head = default_head()
    bind("strip_layer", layer, int)
    bind("strip_head", head, int)
    left, right = st.columns([4, 1.2], vertical_alignment="bottom")
    left.text_input(t("home.strip_input", limit=MAX_STRIP_CHARS), key="strip_text", max_chars=MAX_STRIP_CHARS)
    right.button(t("home.strip_another"), key="strip_another", on_click=_next_example, width="stretch")
    return typed_text("strip_text", MAX_STRIP_CHARS).text.strip()


def _head_picker(column, lm: LoadedModel) -> None:
    config = lm.config
    left, right = column.columns(2)
    layers, heads = config.num_hidden_layers, config.num_attention_heads
    for key, size in (("strip_layer", layers), ("strip_head", heads)):
        value = min(max(int(st.session_state[key]), 0), size - 1)  # a shared link may carry any number
        if value != st.session_state[key]:  # write only when needed: writing each run would swallow clicks
            st.session_state[key] = value
    left.selectbox(t("home.strip_layer"), list(range(layers)), key="strip_layer")
    right.selectbox(t("home.strip_head"), list(range(heads)), key="strip_head")


def _views(strip: Strip, lm: LoadedModel) -> None:
    """The four small views in one row, each with its title and the link to its chapter."""
    lang, links = language(), chapter_links(strip)
    columns = st.columns([3, 2, 2, 2])
    for column, chapter in zip(columns, CHAPTERS):
        column.markdown(f"**{t(f'home.strip_{chapter[0]}')}**")
    columns[0].html(token_chips_html(strip.tokens, [f"id {i}" for i in strip.ids]))
    columns[0].caption(t("home.strip_token_count", n=len(strip.tokens), chars=len(strip.text)))
    dots = tiny_map(_tiny_map(lm.name, lm.dtype_name, lm).background, strip.points, strip.tokens)
    columns[1].plotly_chart(localise(dots), key="strip_map", config={"displayModeBar": False})
    masked = causal_mask(len(strip.tokens)) if lm.kind == "causal-lm" else None
    heat = compact(heatmap(strip.attention, strip.tokens, masked=masked))
    columns[2].plotly_chart(localise(heat), key="strip_heat", config={"displayModeBar": False})
    _head_picker(columns[2], lm)
    if strip.candidates:
        bars = compact(candidates_bar(strip.candidates, t("home.strip_prob"), lang))
        bars.update_xaxes(range=[0, strip.candidates[0]["prob"] * 1.7], nticks=3)  # room for the % labels
        columns[3].plotly_chart(localise(bars), key="strip_bars", config={"displayModeBar": False})
    for column, (_, page_key, path, icon) in zip(columns, CHAPTERS):
        params = {**links[page_key], "lang": lang}
        chapter = t(f"nav.{page_key}")
        hint = t("home.strip_open", chapter=chapter)
        column.page_link(path, label=chapter, icon=icon, help=hint, query_params=params)


@st.fragment
def render() -> None:
    """The whole strip; a changed sentence or head redraws only this fragment."""
    st.markdown(f"#### {t('home.strip_title')}")
    text = _inputs()
    mirror(*KEYS)
    if not text:
        st.warning(t("home.strip_empty"))
        return
    lm = _model()
    strip = build_strip(lm, text, _tiny_map(lm.name, lm.dtype_name, lm), *_layer_head())
    _views(strip, lm)
    st.caption(t("home.strip_time", forward=strip.forward_seconds, total=strip.seconds, model=lm.name))


def _layer_head() -> tuple[int, int]:
    return int(st.session_state["strip_layer"]), int(st.session_state["strip_head"])
