"""The tokenization lab's sections, one function each; the page only lays them out.

Each function draws one tab from data computed in `explain/` (token_compare,
token_tax, token_ids, letter_count, bpe). Results are cached per text with
st.cache_data; the model is shared through ui.models.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explain.core import registry
from explain.core.display import literal, token_chips_html, visible
from explain.core.limits import BPE_MAX_CORPUS_BYTES, MAX_CHIPS, MAX_MERGES
from explain.tokenization import bpe
from explain.tokenization import compare as tc
from explain.tokenization.ids import coverage, decode_ids, parse_ids, utf8_rows
from explain.tokenization.letter_count import ask_letter_count, random_letters
from explain.tokenization.tax import messages, relative_to, tax_figure, token_table, unknown_counts
from ui.figure_cache import cached_figure
from ui.models import convert_with_progress, get_model
from ui.page import file_upload
from ui.text import localise, num, t
from ui.urlstate import mirror

BPE_SOURCES = ["builtin", "paste", "upload"]  # where the BPE trainer's text comes from
UPLOAD_MB = 10  # files up to this size are accepted; only the first BPE_MAX_CORPUS_BYTES are used


def ensure_tokenizer_files() -> None:
    """SmolLM2's tokenizer lives in its converted folder: convert once, with a progress bar."""
    convert_with_progress()


@st.cache_data(show_spinner=False, max_entries=32)
def _compare(text: str) -> dict[str, list[tc.Piece]]:
    return tc.compare(text, tc.ALL_TOKENIZERS)


def labels() -> dict[str, str]:
    """Tokenizer names in the current language."""
    return {name: t(f"tokenization.label_{name}") for name in tc.ALL_TOKENIZERS}


def html(body: str) -> None:
    st.markdown(body, unsafe_allow_html=True)


def _counts_table(text: str, results: dict[str, list[tc.Piece]]) -> pd.DataFrame:
    rows = [{"tokenizer": labels()[n], **tc.text_counts(text, len(p))} for n, p in results.items()]
    return pd.DataFrame(rows).rename(columns=lambda c: t(f"tokenization.col_{c}"))


def _tokens_table(pieces: list[tc.Piece]) -> pd.DataFrame:
    rows = [
        {"#": i, "id": p.id, t("tokenization.col_token"): p.text, "bytes": " ".join(f"{b:02X}" for b in p.bytes)}
        for i, p in enumerate(pieces[:MAX_CHIPS])
    ]
    return pd.DataFrame(rows)


def token_tab(text: str) -> None:
    """The tokenizer picker (mirrored into the URL) and, for a non-empty text, its tokens."""
    name = st.selectbox(t("tokenization.tokenizer"), tc.ALL_TOKENIZERS, key="tok_tokenizer", format_func=labels().get)
    mirror("tok_tokenizer")
    if text.strip():
        token_view(text, name)


def token_view(text: str, name: str) -> None:
    """Chips for one tokenizer, the counts, and a table with every id and its bytes."""
    pieces = _compare(text)[name]
    counts = tc.text_counts(text, len(pieces))
    columns = st.columns(5)
    for column, key in zip(columns, ["characters", "words", "tokens", "chars_per_token", "tokens_per_word"]):
        column.metric(
            t(f"tokenization.col_{key}"),
            num(counts[key], ",") if isinstance(counts[key], int) else num(counts[key], ".2f"),
        )
    html(tc.chips_html(pieces, text))
    if len(pieces) > MAX_CHIPS:
        st.caption(t("tokenization.chips_cut", shown=num(MAX_CHIPS, ","), total=num(len(pieces), ",")))
    st.caption(t("tokenization.chips_help"))
    with st.expander(t("tokenization.ids_table")):
        st.dataframe(_tokens_table(pieces), hide_index=True, width="stretch")


def side_by_side(text: str) -> None:
    """Counts table and chart for every tokenizer, the disputed regions, and each one's chips."""
    results = _compare(text)
    st.dataframe(_counts_table(text, results), hide_index=True, width="stretch")
    counts = {n: len(p) for n, p in results.items()}
    fig = cached_figure("tok_counts", text, lambda: tc.counts_figure(counts, labels(), t("tokenization.tax_axis")))
    st.plotly_chart(localise(fig), key="tok_counts_fig")
    real = {n: results[n] for n in tc.REAL_TOKENIZERS}
    regions = tc.disagreement(text, real)
    st.markdown(t("tokenization.disagree_title", share=round(100 * tc.disputed_share(text, regions))))
    html(tc.disagreement_html(text, regions))
    for name, pieces in results.items():
        st.markdown(f"**{labels()[name]}** · {len(pieces)} {t('tokenization.tokens_word')}")
        html(tc.chips_html(pieces, text))


def letter_count(seed: int) -> None:
    """A random string, the tokens SmolLM2 gets, and its answer next to the truth (on request)."""
    letters = random_letters(seed)
    st.markdown(t("tokenization.letters_string", letters=letters, n=len(letters)))
    pieces = _compare(letters)["smollm2-135m"]
    st.markdown(t("tokenization.letters_tokens", n=len(pieces)))
    html(tc.chips_html(pieces, letters))
    st.caption(t("tokenization.letters_ids", ids=", ".join(str(p.id) for p in pieces)))
    if st.button(t("tokenization.letters_ask"), key="tok_letters_ask"):
        with st.spinner(t("tokenization.letters_thinking")):
            lm = get_model(registry.DEFAULT_CAUSAL_LM)
            st.session_state["tok_letters_result"] = ask_letter_count(lm, letters).as_dict()
    result = st.session_state.get("tok_letters_result")
    if result and result["letters"] == letters:
        st.markdown(t("tokenization.letters_question", question=literal(result["question"])))
        left, right = st.columns(2)
        left.metric(t("tokenization.letters_model"), "?" if result["answer"] is None else result["answer"])
        right.metric(t("tokenization.letters_truth"), result["truth"])
        st.markdown(t("tokenization.letters_reply", reply=literal(result["reply"])))
        (st.success if result["correct"] else st.warning)(
            t("tokenization.letters_right" if result["correct"] else "tokenization.letters_wrong")
        )
    example = max(pieces, key=lambda p: len(p.text))
    st.info(t("tokenization.letters_why", example_id=example.id, example_piece=literal(example.text)))


def ids_to_text(text: str) -> None:
    """Decode pasted ids; then the text's UTF-8 bytes and which tokenizers can give it back."""
    name = st.selectbox(
        t("tokenization.ids_tokenizer"), tc.REAL_TOKENIZERS, key="tok_ids_tokenizer", format_func=labels().get
    )
    raw = st.text_input(t("tokenization.ids_input"), key="tok_ids", max_chars=20_000, help=t("tokenization.ids_help"))
    try:
        decoded = decode_ids(name, parse_ids(raw))
        st.markdown(t("tokenization.ids_decoded"))
        html(token_chips_html(decoded["pieces"]))
        st.code(decoded["text"], language=None)
    except ValueError as exc:
        st.warning(str(exc))
    if not text.strip():
        return
    st.markdown(t("tokenization.bytes_title"))
    rows = pd.DataFrame(utf8_rows(text)).assign(char=lambda d: d["char"].map(visible))
    names = {"char": t("tokenization.utf8_char"), "code point": t("tokenization.utf8_code"), "UTF-8 bytes": "UTF-8"}
    st.dataframe(rows.rename(columns=names), hide_index=True, height=240)
    rows = [coverage(n, text) for n in tc.REAL_TOKENIZERS]
    table = pd.DataFrame(rows).assign(tokenizer=lambda d: d["tokenizer"].map(labels()))
    st.dataframe(table.rename(columns=lambda c: t(f"tokenization.cov_{c}")), hide_index=True, width="stretch")
    st.info(t("tokenization.bytes_why"))


@st.cache_data(show_spinner=False)
def _tax() -> dict[str, dict[str, int]]:
    return token_table(messages())


@st.cache_data(show_spinner=False)
def _unknown() -> dict[str, int]:
    return unknown_counts(messages())


def token_tax() -> None:
    """Tokens per language per tokenizer for the same message, as a chart and a table."""
    table = _tax()
    relative = st.toggle(t("tokenization.tax_relative"), key="tok_tax_relative")
    shown = relative_to(table) if relative else table
    axis = t("tokenization.tax_axis_relative" if relative else "tokenization.tax_axis")
    fig = cached_figure("tok_tax", relative, lambda: tax_figure(shown, axis, labels()))
    st.plotly_chart(localise(fig), key="tok_tax_fig")
    frame = pd.DataFrame(shown).rename(columns=labels())
    frame[t("tokenization.tax_message")] = pd.Series(messages())
    st.dataframe(frame, width="stretch")
    unknown = ", ".join(f"{lang} {n}" for lang, n in _unknown().items())
    st.info(t("tokenization.tax_why") + "\n\n" + t("tokenization.tax_unknown", unknown=unknown))


@st.cache_data(show_spinner=False, max_entries=8)
def _train(text: str, merges: int) -> tuple[list[dict], bool, bool]:
    """Our merge loop (time-limited) and the `tokenizers` oracle: (steps, agree, stopped early)."""
    steps = bpe.train_text(text, merges, bpe.STEP_TIME_LIMIT_S)
    reference = bpe.train_with_tokenizers(text, merges)
    return [s.as_dict() for s in steps], [s.pair for s in steps] == reference[: len(steps)], len(steps) < len(reference)


def _bpe_corpus() -> tuple[str, bool]:
    """(training text, whether it was cut to the 1 MB bound) from the chosen source."""
    source = st.radio(
        t("tokenization.bpe_source"),
        BPE_SOURCES,
        key="tok_bpe_source",
        horizontal=True,
        format_func={s: t(f"tokenization.bpe_source_{s}") for s in BPE_SOURCES}.get,
    )
    if source == "builtin":
        name = st.selectbox(
            t("tokenization.bpe_corpus"),
            list(bpe.CORPORA),
            key="tok_bpe_corpus",
            format_func={n: t(f"tokenization.corpus_{n}") for n in bpe.CORPORA}.get,
        )
        return bpe.load_corpus(name), False
    if source == "paste":
        return bpe.bound_corpus(st.text_area(t("tokenization.bpe_paste"), key="tok_bpe_paste", height=150))
    upload = file_upload(
        t("tokenization.bpe_upload"),
        type=["txt", "md", "csv", "py", "json"],
        key="tok_bpe_upload",
        max_upload_size=UPLOAD_MB,
    )
    return bpe.bound_corpus(upload.getvalue()) if upload else ("", False)


def _step_details(steps: list[bpe.MergeStep], k: int, sample: str) -> None:
    if k:
        step = steps[k - 1]
        a, b, new = (visible(bpe.readable(x)).replace("`", "ˋ") for x in (*step.pair, step.token))  # in `code`
        st.markdown(t("tokenization.bpe_merge", k=k, a=a, b=b, new=new, count=step.count))
    else:
        st.markdown(t("tokenization.bpe_step0"))
    learned = [bpe.readable(s.token) for s in steps[:k]]
    st.markdown(t("tokenization.bpe_vocab", size=len(bpe.alphabet()) + k, learned=k))
    html(token_chips_html(learned[-120:]) if learned else "")
    pieces = [bpe.readable(p) for p in bpe.tokenize_at_step(sample, steps, k)]
    st.markdown(t("tokenization.bpe_sample_tokens", n=len(pieces), bytes=len(sample.encode("utf-8"))))
    html(token_chips_html(pieces))


def bpe_trainer() -> None:
    """Train on a corpus, then step through the merges with a slider."""
    st.caption(t("tokenization.bpe_bound", limit=num(BPE_MAX_CORPUS_BYTES, ","), merges=num(MAX_MERGES, ",")))
    text, truncated = _bpe_corpus()
    if truncated:
        st.info(t("tokenization.bpe_truncated", limit=num(BPE_MAX_CORPUS_BYTES, ",")))
    merges = st.number_input(t("tokenization.bpe_merges"), 1, MAX_MERGES, key="tok_bpe_merges")
    sample = st.text_input(t("tokenization.bpe_sample"), key="tok_bpe_sample", max_chars=300)
    if not text.strip():
        st.info(t("tokenization.bpe_empty"))
        return
    with st.spinner(t("tokenization.bpe_training")):
        raw_steps, agrees, stopped = _train(text, int(merges))
    steps = [bpe.MergeStep(d["rank"], tuple(d["pair"]), d["token"], d["count"]) for d in raw_steps]
    (st.success if agrees else st.warning)(
        t("tokenization.bpe_agrees" if agrees else "tokenization.bpe_differs", n=len(steps))
    )
    if stopped:
        st.info(t("tokenization.bpe_stopped", n=len(steps), seconds=int(bpe.STEP_TIME_LIMIT_S)))
    if not steps:
        st.info(t("tokenization.bpe_none"))
        return
    st.session_state["tok_bpe_step"] = min(st.session_state.get("tok_bpe_step", 10), len(steps))
    k = st.slider(t("tokenization.bpe_step"), 0, len(steps), key="tok_bpe_step")
    _step_details(steps, k, sample)
    st.plotly_chart(
        localise(bpe.merge_counts_figure(steps, k, t("tokenization.bpe_axis_merge"), t("tokenization.bpe_axis_count"))),
        key="tok_bpe_fig",
    )
    st.caption(t("tokenization.bpe_chart"))
