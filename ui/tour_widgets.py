"""The tour's live widgets: one small, real demonstration per step, built from `explain/` functions.

Each function draws one widget (inputs with explicit keys and stated bounds,
then the result) and returns nothing. `WIDGETS` maps a step's `widget` name in
`assets/tour/steps.json` to its function. Leaves out the full pages each
concept has (the widgets are deliberately small).
"""

from __future__ import annotations

import streamlit as st

from explain.attention.figures import causal_mask, heatmap
from explain.classroom import eliza
from explain.classroom.history import table_rows, timeline_figure
from explain.classroom.tour import lora_share, perplexity, rag_facts
from explain.classroom.tour_figures import candidates_bar
from explain.core import registry
from explain.core.analysis import analyze, softmax, top_candidates, top_ids
from explain.core.chat import greedy_reply
from explain.core.display import code_span, literal, token_chips_html
from explain.core.limits import MAX_WIDGET_CHARS, MAX_WORDS
from explain.embeddings.figures import similarity_heatmap
from explain.embeddings.index import VectorIndex
from explain.embeddings.sentences import cosine_matrix, embed_texts
from explain.tokenization.tokens import load_tokenizer, tokenize
from ui import live_class_tour
from ui.models import get_encoder, get_model
from ui.page import typed_text
from ui.presenter import show_chart
from ui.text import language, localise, num, t


def _text(key: str, default_key: str, chars: int = MAX_WIDGET_CHARS) -> str:
    """A bounded text box whose default is a translated example; returns the cleaned text ('' if empty)."""
    if key not in st.session_state:
        st.session_state[key] = t(f"tour.{default_key}")
    st.text_input(t("tour.your_text", limit=chars), key=key, max_chars=chars)
    text = typed_text(key, chars).text.strip()
    if not text:
        st.warning(t("tour.empty"))
    return text


def rules_vs_learning() -> None:
    text = _text("tw_rules_text", "ex_rules")
    if not text:
        return
    left, right = st.columns(2)
    reply = eliza.respond(text, language())
    with left.container(border=True):
        st.markdown(t("tour.rules_side"))
        st.markdown(f"> {literal(reply.text)}")
        st.caption(t("tour.rule_fired", rule=reply.rule))
    lm = get_model()
    cands = top_candidates(lm, analyze(lm, text).next_logits, 5)
    with right.container(border=True):
        st.markdown(t("tour.learning_side"))
        st.plotly_chart(
            localise(candidates_bar(cands, t("home.strip_prob"), language())),
            key="tw_rules_chart",
            config={"displaylogo": False},
        )


def history_chart() -> None:
    labels = {k: t(f"history.axis_{k}") for k in ("parameters", "tokens", "estimate", "year", "count")}
    show_chart(timeline_figure(labels, language()), "tw_history", table_rows(language()), "llm_history")


def tokenize_widget() -> None:
    text = _text("tw_tok_text", "ex_tokens")
    name = st.radio(t("tour.tokenizer"), [registry.DEFAULT_CAUSAL_LM, "cl100k"], key="tw_tok_name", horizontal=True)
    if not text:
        return
    tokens = tokenize(load_tokenizer(name), text)
    st.html(token_chips_html([tok.text for tok in tokens], [f"id {tok.id}" for tok in tokens]))
    st.caption(t("tour.token_count", chars=len(text), tokens=len(tokens), ratio=len(text) / max(len(tokens), 1)))
    per_word = len(tokens) / max(len(text.split()), 1)  # the live class's board compares these
    live_class_tour.send_text("tokenize", text, t("tour.ex_tokens"), value=per_word)


def similarity() -> None:
    raw = _text("tw_sim_words", "ex_words")
    words = [w.strip()[:40] for w in raw.split(",") if w.strip()][:MAX_WORDS]
    st.caption(t("tour.words_bound", n=MAX_WORDS))
    if len(words) < 2:
        st.info(t("tour.need_two"))
        return
    matrix = cosine_matrix(embed_texts(get_encoder(), words))
    rows = [{"": a, **{b: round(float(matrix[i, j]), 3) for j, b in enumerate(words)}} for i, a in enumerate(words)]
    show_chart(similarity_heatmap(words, matrix, "", lang=language()), "tw_sim", rows, "similarity")


def attention() -> None:
    text = _text("tw_att_text", "ex_attention")
    if not text:
        return
    lm = get_model()
    result = analyze(lm, text)
    n_layers, n_heads = result.attentions.shape[:2]
    left, right = st.columns(2)
    layer = left.slider(t("tour.layer"), 1, n_layers, min(3, n_layers), key="tw_att_layer")
    head = right.slider(t("tour.head"), 1, n_heads, 1, key="tw_att_head")
    weights = result.attentions[layer - 1, head - 1]  # (T, T)
    rows = [
        {"": f"{i}:{a}", **{f"{j}:{b}": round(float(weights[i, j]), 3) for j, b in enumerate(result.tokens)}}
        for i, a in enumerate(result.tokens)
    ]
    masked = causal_mask(len(result.tokens)) if lm.kind == "causal-lm" else None
    show_chart(heatmap(weights, result.tokens, masked=masked), "tw_att", rows, "attention")
    st.caption(t("tour.attention_caption"))
    if lm.kind == "causal-lm":
        anatomy_shares(text)


def anatomy_shares(text: str) -> None:
    """Under the attention step, on demand: each layer's share of the top next token's logit (the Anatomy page's)."""
    from explain.anatomy.figures import layer_shares
    from explain.anatomy.report import anatomy_report
    from explain.anatomy.upcast import float32_view
    from ui.anatomy import chart

    if not st.toggle(t("tour.anatomy_more"), key="tw_anat_on"):
        return
    report = anatomy_report(float32_view(get_model()), text)  # float32 arithmetic, no float32 copy
    labels = {"dla_attn": t("anatomy.dla_attn"), "dla_mlp": t("anatomy.dla_mlp"), "embedding": t("anatomy.embedding")}
    labels |= {"layer": t("anatomy.col_layer"), "logit": t("anatomy.logit")}
    rows = [{k: round(r[k], 3) for k in ("layer", "dla_attn", "dla_mlp")} for r in report["layers"]]
    chart(layer_shares(report["layers"], report["dla_embedding"], labels), "tw_anat", rows)  # one show_chart per step
    target = code_span(report["target"]["token"])
    st.caption(t("tour.anatomy_caption", target=target, logit=num(report["target"]["logit"], ".2f")))


def next_token() -> None:
    text = _text("tour_nt_text", "ex_next")
    temperature = st.slider(t("tour.temperature"), 0.1, 2.0, 1.0, 0.1, key="tour_nt_temp")
    if not text:
        return
    lm = get_model()
    logits = analyze(lm, text).next_logits  # (V,)
    probs = softmax(logits, temperature)
    order = top_ids(probs, 10)
    cands = [{"token": lm.tokenizer.decode([int(i)]), "prob": float(probs[i])} for i in order]
    show_chart(
        candidates_bar(cands, t("home.strip_prob"), language()),
        "tw_next",
        [{"token": repr(c["token"]), "p": round(c["prob"], 4)} for c in cands],
    )
    st.caption(t("tour.next_caption", vocab=len(logits)))
    live_class_tour.send_text("next_token", text, t("tour.ex_next"), value=cands[0]["prob"], label=cands[0]["token"])


def perplexity_widget() -> None:
    lm = get_model()
    for key, default in (("tw_ppl_a", "ex_ppl_good"), ("tw_ppl_b", "ex_ppl_bad")):
        text = _text(key, default)
        if not text:
            continue
        logprobs = analyze(lm, text).token_logprobs  # (T-1,)
        if logprobs is None or len(logprobs) == 0:
            st.info(t("tour.need_two_tokens"))
            continue
        value = perplexity(logprobs)
        st.metric(t("tour.perplexity"), num(value, ".1f"), help=t("tour.perplexity_help"))
        if key == "tw_ppl_b":  # the box for a surprising sentence: the live class's board looks for the most surprising
            live_class_tour.send_text("perplexity", text, t(f"tour.{default}"), value=value)


def lora() -> None:
    rank = st.slider(t("tour.lora_rank"), 1, 64, 8, key="tw_lora_rank")
    lm = get_model()
    share = lora_share(lm.model, rank)
    left, right = st.columns(2)
    left.metric(t("tour.lora_total"), num(share["total"], ","))
    right.metric(
        t("tour.lora_trainable"), num(share["trainable"], ","), num(share["fraction"], ".2%"), delta_color="off"
    )
    st.caption(t("tour.lora_caption", layers=share["wrapped_layers"]))


def letters() -> None:
    word = _text("tw_letters_word", "ex_letters", chars=40)
    if not word:
        return
    tokens = tokenize(load_tokenizer(registry.DEFAULT_CAUSAL_LM), word)
    st.html(token_chips_html([tok.text for tok in tokens], [f"id {tok.id}" for tok in tokens]))
    st.markdown(t("tour.letters_ids", ids=", ".join(str(tok.id) for tok in tokens), count=word.lower().count("r")))
    st.button(t("tour.ask_model"), key="tw_letters_ask", on_click=st.session_state.update, kwargs={"tw_letters_go": 1})
    if st.session_state.pop("tw_letters_go", None):  # set by the click's callback, so it survives an early rerun
        with st.spinner(t("tour.thinking")):
            question = t("tour.letters_question", word=word)
            st.session_state["tw_letters_reply"] = greedy_reply(
                get_model(), [{"role": "user", "content": question}], 40
            )
    if "tw_letters_reply" in st.session_state:
        st.markdown(f"> {literal(st.session_state['tw_letters_reply'])}")


@st.cache_resource(show_spinner=False, max_entries=4)
def _fact_index(lang: str, _encoder) -> tuple[list[str], VectorIndex]:
    facts = rag_facts()[lang]
    return facts, VectorIndex(embed_texts(_encoder, facts))


def rag() -> None:
    query = _text("tw_rag_query", "ex_rag")
    if not query:
        return
    encoder = get_encoder()
    facts, index = _fact_index(language(), encoder)
    hits = index.search(embed_texts(encoder, [query])[0], 2)
    st.markdown(t("tour.rag_found"))
    for hit in hits:
        st.markdown(f"- {literal(facts[hit.index])} · cos {num(hit.score, '.2f')}")
    prompt = "\n".join(facts[h.index] for h in hits) + f"\n\n{query}"
    st.caption(t("tour.rag_prompt"))
    st.code(prompt, language=None)


WIDGETS = {
    "rules_vs_learning": rules_vs_learning,
    "history_chart": history_chart,
    "tokenize": tokenize_widget,
    "similarity": similarity,
    "attention": attention,
    "next_token": next_token,
    "perplexity": perplexity_widget,
    "lora": lora,
    "letters": letters,
    "rag": rag,
}
