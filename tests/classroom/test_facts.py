"""Every number the lesson shows has its source beside it in assets/, and the app's own measured claims hold.

The measured facts (token cuts, SmolLM2's weight counts, MiniLM similarities) are recomputed
from the real models, so the text and the models cannot drift apart.
"""

from __future__ import annotations

import json
import re

import pytest

from explain.classroom import history, myths, tour
from explain.core.i18n import load_strings
from explain.core.numbers import fmt_count
from explain.core.paths import ASSETS

CITATION = re.compile(
    r"arXiv:\d{4}\.\d{4,5}|doi:10\.|https?://|github\.com/|measured|model card|ch\. \d|Table \d|assets/\w", re.I
)
PROMISED = {  # topic -> how it shows up in English text; each mention needs a source in assets
    "token length": r"¾|three quarters",
    "HNSW": r"HNSW",
    "attention sink": r"attention sink",
    "induction heads": r"induction",
    "LoRA": r"\bLoRA\b",
    "RLHF": r"\bRLHF\b",
    "DPO": r"\bDPO\b",
    "distillation": r"\bdistil",
    "mixture of experts": r"mixture[ -]of[ -]experts",
    "chain of thought": r"chain[ -]of[ -]thought|step-by-step \**reasoning",
    "emergent abilities": r"\bemergen",
    "big counts": r"(?<![-\w.,])\d[\d,.]* ?(?:million|billion|trillion|[MBT]\b)",
}
LABEL_CHARS = 60  # shorter texts are labels (tabs, columns, buttons), not claims


def _claims(text: str) -> list[str]:
    return [topic for topic, pattern in PROMISED.items() if re.search(pattern, text, re.I)]


def _listed(sources_md: str) -> dict[str, str]:
    """{'section.key': 'claim — source'} from the '- `key` — …' lines of a SOURCES.md."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^- `([^`]+)` — (.+)$", sources_md, re.M)}


def _forms(n: int) -> set[str]:
    """The ways a source may write a count: 1_558_000_000 -> {'1,558 M', '1558 M', '1.56 B', '1.5 B', ...}."""
    forms = {fmt_count(n), fmt_count(n).replace(" ", "")}
    for value, suffix in ((1e6, "M"), (1e9, "B"), (1e12, "T")):
        if n >= value:
            x = n / value
            forms |= {f"{x:,.0f} {suffix}", f"{x:.0f} {suffix}", f"{x:g} {suffix}", f"{x:.1f} {suffix}"}
    return forms


def test_every_timeline_number_is_written_in_its_source():
    for m in history.load_timeline():
        assert CITATION.search(m.source) or "Journal" in m.source or "Bell System" in m.source, m.id
        for n in (m.parameters, m.training_tokens, m.estimate_parameters):
            if n:
                assert any(form in m.source for form in _forms(n)), (m.id, n, m.source)


def test_gpt2_sizes_are_openais_corrected_ones():
    by_id = {m.id: m for m in history.load_timeline()}
    assert by_id["gpt2"].parameters == 1_558_000_000 and by_id["gpt1"].parameters == 117_000_000
    assert all(size in by_id["gpt2"].source for size in ("124 M", "355 M", "774 M", "1,558 M"))
    gpt2_myth = myths.load_myths()["gpt2_size"].fact
    assert "124 M" in gpt2_myth["en"] and "1,558" in gpt2_myth["en"] and "1.558" in gpt2_myth["it"]
    assert "1,558" in tour.load_steps()[1].quiz[0].why["en"] and "1.558" in tour.load_steps()[1].quiz[0].why["it"]


def test_every_myth_has_a_checkable_source():
    for myth in myths.load_myths().values():
        assert CITATION.search(myth.source) or "Jurafsky" in myth.source, myth.id
    assert "2 trillion tokens" in myths.load_myths()["params_vs_tokens"].fact["en"]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_promised_claim_in_the_apps_words_has_a_source(lang):
    listed = _listed((ASSETS / "i18n" / "SOURCES.md").read_text(encoding="utf-8"))
    english = load_strings()["en"]
    missing = [k for k, v in english.items() if len(v) >= LABEL_CHARS and _claims(v) and k not in listed]
    assert missing == [], f"add these keys to assets/i18n/SOURCES.md with a source: {missing}"
    assert [k for k, line in listed.items() if not CITATION.search(line)] == []
    assert set(listed) <= set(load_strings()[lang]), "SOURCES.md names keys that no longer exist"


def test_every_rag_lesson_with_a_number_or_claim_has_a_source():
    listed = _listed((ASSETS / "rag" / "SOURCES.md").read_text(encoding="utf-8"))
    for path in sorted((ASSETS / "rag").glob("[0-9]*.md")):
        text = path.read_text(encoding="utf-8")
        if _claims(text) or re.search(r"\d", text):
            assert path.name in listed and CITATION.search(listed[path.name]), path.name


def test_every_tour_step_lists_its_sources():
    for step in tour.load_steps():
        assert step.sources and all(s.strip() for s in step.sources), step.id
        claims = _claims(step.text["en"])
        if claims:
            assert any(CITATION.search(s) or "timeline.json" in s for s in step.sources), (step.id, claims)


def test_the_rule_catches_an_unsourced_claim():
    assert _claims("LoRA trains 460,800 numbers") == ["LoRA"]
    assert _claims("SmolLM2 was trained on 2 trillion tokens") == ["big counts"]
    assert _claims("SmolLM2-135M answers") == []  # a model's name is not a claim


# --- the measured facts the text states -------------------------------------------------------------------------


def _cut(name: str, text: str) -> list[str]:
    from explain.tokenization.tokens import load_tokenizer, tokenize

    return [t.text for t in tokenize(load_tokenizer(name), text)]


def test_strawberry_summarization_and_tallest_are_cut_as_the_text_says(smollm):
    for name in ("smollm2-135m", "cl100k", "o200k"):
        assert len(_cut(name, " strawberry")) == 1 and len(_cut(name, "strawberry")) == 3, name
        assert _cut(name, "What is the tallest building?")[3] == " tallest" == _cut(name, "The tallest tree")[1]
    assert _cut("smollm2-135m", "strawberry") == ["st", "raw", "berry"]
    assert _cut("smollm2-135m", "summarization") == _cut("cl100k", "summarization") == ["sum", "mar", "ization"]
    assert _cut("o200k", "summarization") == ["summ", "ar", "ization"]
    assert _cut("minilm-l6", "summarization") == ["sum", "##mar", "##ization"]
    assert _cut("minilm-l6", "Strawberry") == ["strawberry"]  # lower-cased by the uncased normaliser
    assert (_cut("smollm2-135m", "tallest"), _cut("cl100k", "tallest"), _cut("o200k", "tallest")) == (
        ["tall", "est"],
        ["t", "allest"],
        ["t", "all", "est"],
    )


def test_smollm2_mlps_hold_three_times_the_attention_weights(smollm):
    named = list(smollm.model.named_parameters())
    attention = sum(p.numel() for n, p in named if ".self_attn." in n)
    mlp = sum(p.numel() for n, p in named if ".mlp." in n)
    assert (attention, mlp) == (26_542_080, 79_626_240) and mlp == 3 * attention
    assert sum(p.numel() for _, p in named) == 134_515_008


def test_lora_adapter_of_smollm2_is_about_1_8_megabytes(smollm):
    share = tour.lora_share(smollm.model, 8)
    assert share["trainable"] == 460_800 and round(share["fraction"] * 100, 2) == 0.34
    assert round(share["trainable"] * 4 / 1e6, 1) == 1.8  # float32 bytes


def test_bookworm_does_not_pull_book_and_worm_together(minilm):
    from explain.embeddings.sentences import cosine_matrix, embed_texts

    words = ["book", "worm", "bookworm", "truck"]
    c = cosine_matrix(embed_texts(minilm, words))
    rounded = [round(float(c[i, j]), 2) for i, j in ((0, 1), (0, 3), (2, 0), (2, 1))]
    assert rounded == [0.26, 0.36, 0.53, 0.67]
    assert "truck" in json.loads((ASSETS / "embeddings" / "presets.json").read_text(encoding="utf-8"))["book_worm"]
