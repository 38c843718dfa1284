"""Attention page timings: all 30 x 9 heads for 64 tokens, and one heatmap update when only the head changes.

"Draw" means building the plotly figure and serialising it to JSON, which is
what Streamlit sends to the browser; the browser's own rendering is left out.
Wall times on a shared machine are inflated by other work, so the CPU time
(`*_cpu_ms`, all threads of this process) is reported beside them.
A head change must not re-run the model: `analyze` returns its cached pass,
which the result checks (`head_change_reran_model` must be False).
"""

from __future__ import annotations

import time

from bench import median_ms
from explain.attention import figures as figs
from explain.attention import heads as attn
from explain.attention.recompute import record_queries_keys, step_by_step
from explain.core import registry
from explain.core.analysis import analyze
from explain.core.loading import load_model

N_TOKENS = 64


def _cpu_ms(work) -> float:
    """CPU time of one `work()` call in ms (all threads): a figure that a busy shared machine inflates less."""
    start = time.process_time()
    work()
    return round((time.process_time() - start) * 1000, 1)


def _text(lm, n_tokens: int) -> str:
    """A natural English text of exactly `n_tokens` tokens."""
    base = "The animal didn't cross the street because it was too tired, so it lay down and slept. " * 20
    return lm.tokenizer.decode(lm.tokenizer(base, add_special_tokens=False)["input_ids"][:n_tokens])


def _draw_everything(result) -> None:
    """Every head of every layer (small multiples per layer) plus the statistics grid, serialised."""
    layers, heads = result.attentions.shape[:2]
    titles = [f"head {h}" for h in range(heads)]
    for layer in range(layers):
        figs.small_multiples(result.attentions[layer], titles).to_json()
    grid = attn.head_statistics(result.attentions, result.ids)["previous"]
    figs.statistic_grid(grid, "previous", (0, 0)).to_json()


def run(quick: bool) -> dict:
    repeats = 3 if quick else 7
    lm = load_model(registry.DEFAULT_CAUSAL_LM, dtype="float32")
    text = _text(lm, N_TOKENS)

    def compute_and_draw_all() -> None:
        lm.results = type(lm.results)(4)  # a new text: the model runs
        _draw_everything(analyze(lm, text))

    all_heads_ms = median_ms(compute_and_draw_all, repeats)
    all_heads_cpu_ms = _cpu_ms(compute_and_draw_all)
    result = analyze(lm, text)
    draw_only_ms = median_ms(lambda: _draw_everything(result), repeats)
    heads = iter(range(10_000))

    def head_change() -> None:
        head = next(heads) % result.attentions.shape[1]
        again = analyze(lm, text)  # cached: no forward pass
        figs.heatmap(again.attentions[5, head], again.tokens, f"L5 H{head}").to_json()

    before = result.seconds
    head_change_ms = median_ms(head_change, repeats * 3)
    head_change_cpu_ms = _cpu_ms(head_change)
    start = time.perf_counter()
    qk = record_queries_keys(lm, text)
    record_ms = (time.perf_counter() - start) * 1000
    step_ms = median_ms(lambda: step_by_step(qk, 13, 8, N_TOKENS - 1), repeats * 3)
    return {
        "device": lm.device,
        "dtype": lm.dtype_name,
        "tokens": result.n_tokens,
        "heads_drawn": int(result.attentions.shape[0] * result.attentions.shape[1]),
        "forward_ms": round(result.seconds * 1000, 1),
        "all_heads_compute_and_draw_ms": all_heads_ms,
        "all_heads_compute_and_draw_cpu_ms": all_heads_cpu_ms,
        "all_heads_draw_only_ms": draw_only_ms,
        "head_change_heatmap_ms": head_change_ms,
        "head_change_heatmap_cpu_ms": head_change_cpu_ms,
        "head_change_reran_model": analyze(lm, text).seconds != before,
        "record_queries_keys_ms": round(record_ms, 1),
        "step_by_step_ms": step_ms,
    }
