"""From ELIZA to SmolLM2: the timeline's data and its log-scale chart.

Covers reading `assets/history/timeline.json` (every number with its source
beside it), turning it into table rows, and drawing parameters and training
tokens on a logarithmic axis. Unpublished sizes stay empty; a reported but
unconfirmed size (GPT-4) is drawn as a hollow "estimate" marker, never as a
fact. Leaves out the page layout (see `pages/history.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import plotly.graph_objects as go

from explain.core.numbers import fmt_count
from explain.core.paths import ASSETS

TIMELINE = ASSETS / "history" / "timeline.json"

# Okabe-Ito colours: distinguishable with the common kinds of colour blindness.
PARAMS_COLOUR = "#0072B2"  # blue
TOKENS_COLOUR = "#E69F00"  # orange
ESTIMATE_COLOUR = "#CC79A7"  # reddish purple


@dataclass(frozen=True)
class Milestone:
    id: str  # short stable name, e.g. "gpt2"
    year: float  # year of publication (a fraction places Nov 2022 after Jan 2022)
    name: str  # display name, e.g. "GPT-2"
    kind: str  # "statistical", "precursor", "rules", "rnn", "neural" or "transformer"
    parameters: int | None  # published parameter count, None when never published
    training_tokens: int | None  # published training tokens, None when never published
    estimate_parameters: int | None  # an unconfirmed, reported size (shown only as an estimate)
    source: str  # paper or URL the numbers come from
    text: dict[str, str]  # one or two sentences per language: {"en": ..., "it": ...}
    parameters_note: str | None = None  # why there is no size: "not_applicable" (nothing learned) or "varies"


@lru_cache(maxsize=1)
def load_timeline() -> tuple[Milestone, ...]:
    """All milestones, oldest first."""
    raw = json.loads(TIMELINE.read_text(encoding="utf-8"))["entries"]
    items = [
        Milestone(
            e["id"],
            float(e["year"]),
            e["name"],
            e["kind"],
            e.get("parameters"),
            e.get("training_tokens"),
            e.get("estimate_parameters"),
            e["source"],
            {"en": e["en"], "it": e["it"]},
            e.get("parameters_note"),
        )
        for e in raw
    ]
    return tuple(sorted(items, key=lambda m: m.year))


def human_count(n: int | None, lang: str = "en") -> str:
    """Short form of a big count: 1_558_000_000 -> '1.56 B' ('1,56 miliardi' in Italian); None -> '—'."""
    return fmt_count(n, lang)


ESTIMATE_WORD = {"en": "estimate", "it": "stima"}  # marks an unconfirmed size in the table


def table_rows(lang: str = "en") -> list[dict]:
    """The timeline as rows for a table (the text alternative to the chart)."""
    return [
        {
            "year": int(m.year),
            "name": m.name,
            "parameters": human_count(m.parameters, lang)
            if m.parameters
            else (
                f"~{human_count(m.estimate_parameters, lang)} ({ESTIMATE_WORD.get(lang, 'estimate')})"
                if m.estimate_parameters
                else "—"
            ),
            "training_tokens": human_count(m.training_tokens, lang),
            "what": m.text.get(lang, m.text["en"]),
            "source": m.source,
        }
        for m in load_timeline()
    ]


def _scatter(
    points: list[Milestone],
    values: list[int],
    name: str,
    colour: str,
    symbol: str,
    labelled: bool = True,
    lang: str = "en",
) -> go.Scatter:
    return go.Scatter(
        x=[m.year for m in points],
        y=values,
        mode="markers+text" if labelled else "markers",
        name=name,
        text=[m.name for m in points],
        textposition="top center",
        marker={"size": 14, "color": colour, "symbol": symbol, "line": {"width": 2, "color": colour}},
        customdata=[[human_count(v, lang), m.source] for m, v in zip(points, values)],
        hovertemplate="<b>%{text}</b> (%{x:.0f})<br>%{customdata[0]}<extra>" + name + "</extra>",
    )


def timeline_figure(labels: dict[str, str] | None = None, lang: str = "en") -> go.Figure:
    """Parameters (and training tokens, where published) per model, on a log-scale y axis.

    `labels` translates the trace and axis names: keys "parameters", "tokens",
    "estimate", "year", "count". Models without a published number are not drawn. Hover
    texts and axis numbers follow `lang` (1,56 miliardi; 1.000 in Italian).
    """
    labels = {"parameters": "parameters", "tokens": "training tokens", "estimate": "estimate (unconfirmed)"} | (
        labels or {}
    )
    items = load_timeline()
    with_params = [m for m in items if m.parameters]
    with_tokens = [m for m in items if m.training_tokens]
    estimated = [m for m in items if m.estimate_parameters and not m.parameters]
    fig = go.Figure()
    fig.add_trace(
        _scatter(
            with_params, [m.parameters for m in with_params], labels["parameters"], PARAMS_COLOUR, "circle", lang=lang
        )
    )
    fig.add_trace(
        _scatter(
            with_tokens,
            [m.training_tokens for m in with_tokens],
            labels["tokens"],
            TOKENS_COLOUR,
            "diamond",
            False,
            lang,
        )
    )
    fig.add_trace(
        _scatter(
            estimated,
            [m.estimate_parameters for m in estimated],
            labels["estimate"],
            ESTIMATE_COLOUR,
            "circle-open",
            lang=lang,
        )
    )
    fig.update_yaxes(type="log", title=labels.get("count", "count (log scale)"), exponentformat="SI")
    fig.update_xaxes(title=labels.get("year", "year"), range=[2016.3, 2026.4], dtick=1)
    fig.update_layout(height=520, margin={"t": 30, "l": 60, "r": 20, "b": 50}, legend={"orientation": "h", "y": -0.15})
    fig.update_layout(separators=",." if lang == "it" else ".,")  # decimal, then thousands separator
    return fig
