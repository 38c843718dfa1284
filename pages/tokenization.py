"""Tokenization lab: text becomes tokens, real tokenizers side by side, letter counting, ids, token tax, BPE."""

import json

import streamlit as st

from explain.core.limits import MAX_TEXT_CHARS
from explain.core.paths import ASSETS
from explain.tokenization.compare import ALL_TOKENIZERS
from explain.tokenization.letter_count import random_letters
from ui import tokenization as views
from ui.page import header, show_error, typed_text
from ui.text import num, t
from ui.urlstate import bind, mirror

PRESETS = json.loads((ASSETS / "tokenization" / "presets.json").read_text(encoding="utf-8"))["presets"]
TABS = ["tab_tokens", "tab_compare", "tab_letters", "tab_ids", "tab_tax", "tab_bpe"]


def _preset_text(key: str) -> str:
    return random_letters(st.session_state.get("tok_seed", 0)) if key == "random_letters" else PRESETS[key]


# Callbacks read with .get: they run before the page binds its keys, and a client that sends only
# the widget it changed (the load test, a crafted one) must not turn a keystroke into a traceback.
def _on_preset() -> None:
    if st.session_state.get("tok_preset") in PRESETS:
        st.session_state["tok_text"] = _preset_text(st.session_state["tok_preset"])


def _on_text() -> None:
    preset = st.session_state.get("tok_preset")
    if preset in PRESETS and st.session_state.get("tok_text") != _preset_text(preset):
        st.session_state["tok_preset"] = "custom"


def _new_letters() -> None:
    st.session_state["tok_seed"] = st.session_state.get("tok_seed", 0) + 1
    st.session_state["tok_preset"] = "random_letters"
    _on_preset()


def _safe(draw, *args) -> None:
    """Draw one tab; a failure there is explained in that tab and the others still work."""
    try:
        draw(*args)
    except Exception as exc:
        show_error(exc)


@st.fragment
def _panel(draw, *args) -> None:
    """A tab with widgets of its own: a change to one reruns only this tab, not the text box and the other tabs."""
    _safe(draw, *args)


header("tokenization")
bind("tok_seed", 7, int, low=0, high=2**31 - 1)
bind("tok_preset", "question", choices=[*PRESETS, "custom"])
bind("tok_text", _preset_text(st.session_state["tok_preset"]) if st.session_state["tok_preset"] in PRESETS else "")
bind("tok_tokenizer", "smollm2-135m", choices=ALL_TOKENIZERS)
st.session_state.setdefault("tok_ids", "3923, 374, 279, 82717, 4857, 30")
st.session_state.setdefault("tok_bpe_merges", 100)
st.session_state.setdefault("tok_ids_tokenizer", "cl100k")
st.session_state.setdefault("tok_bpe_sample", "the lowest newest widest tokens")

left, right = st.columns([1, 3])
left.selectbox(
    t("tokenization.preset"),
    [*PRESETS, "custom"],
    key="tok_preset",
    on_change=_on_preset,
    format_func={k: t(f"tokenization.preset_{k}") for k in [*PRESETS, "custom"]}.get,  # this run's language
)
left.button(t("tokenization.new_letters"), key="tok_new_letters", on_click=_new_letters)
right.text_area(t("tokenization.input", limit=num(MAX_TEXT_CHARS, ",")), key="tok_text", height=110, on_change=_on_text)
cleaned = typed_text("tok_text")
text = cleaned.text
if cleaned.truncated:
    st.info(t("tokenization.truncated", total=num(cleaned.original_chars, ","), limit=num(MAX_TEXT_CHARS, ",")))
mirror("tok_preset", "tok_text", "tok_seed")
if not text.strip():
    st.info(t("tokenization.empty"))

tabs = st.tabs([t(f"tokenization.{k}") for k in TABS])
views.ensure_tokenizer_files()
with tabs[0]:
    _panel(views.token_tab, text)
with tabs[1]:
    if text.strip():
        _safe(views.side_by_side, text)
with tabs[2]:
    _panel(views.letter_count, st.session_state["tok_seed"])
with tabs[3]:
    _panel(views.ids_to_text, text)
with tabs[4]:
    _panel(views.token_tax)
with tabs[5]:
    _panel(views.bpe_trainer)
st.markdown(t("tokenization.facts"))
