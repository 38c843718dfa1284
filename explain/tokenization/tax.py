"""The "token tax": how many tokens the same message costs in different languages.

Covers reading the built-in multilingual message set, counting tokens per
language per tokenizer, and the chart. Leaves out why (the tokenizers' training
data), which the page explains in words.
"""

from __future__ import annotations

import json
from functools import lru_cache

import plotly.graph_objects as go

from explain.core.paths import ASSETS
from explain.tokenization.compare import LABELS, REAL_TOKENIZERS, segment


@lru_cache(maxsize=1)
def messages() -> dict[str, str]:
    """{language name: the same message in that language}, English first."""
    data = json.loads((ASSETS / "tokenization" / "messages.json").read_text(encoding="utf-8"))
    return data["messages"]


def token_table(texts: dict[str, str], names: list[str] = REAL_TOKENIZERS) -> dict[str, dict[str, int]]:
    """{tokenizer: {language: tokens}}: {"cl100k": {"English": 16, "Italiano": 19, ...}, ...}."""
    return {name: {lang: len(segment(name, text)) for lang, text in texts.items()} for name in names}


def unknown_counts(texts: dict[str, str], name: str = "minilm-l6") -> dict[str, int]:
    """{language: [UNK] tokens} for a WordPiece tokenizer: a low token count can hide lost text."""
    counts = {lang: sum(p.text == "[UNK]" for p in segment(name, text)) for lang, text in texts.items()}
    return {lang: n for lang, n in counts.items() if n}


def relative_to(table: dict[str, dict[str, int]], base: str = "English") -> dict[str, dict[str, float]]:
    """Each count divided by the `base` language's count for the same tokenizer (English = 1.0)."""
    return {name: {lang: round(n / row[base], 2) for lang, n in row.items()} for name, row in table.items()}


def tax_figure(table: dict[str, dict[str, int]], y_title: str = "tokens", labels: dict[str, str] = LABELS) -> go.Figure:
    """Grouped bars: languages on x, one bar per tokenizer."""
    fig = go.Figure()
    for name, row in table.items():
        fig.add_bar(name=labels.get(name, name), x=list(row), y=list(row.values()))
    fig.update_layout(
        barmode="group",
        height=380,
        margin=dict(l=10, r=10, t=10, b=10),
        yaxis_title=y_title,
        legend=dict(orientation="h"),
    )
    return fig
