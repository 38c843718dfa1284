"""One forward pass summed up per layer: the numbers the anatomy page draws and `anatomy --json` prints.

For a text and a position: the model's shape, and per layer the norm of the residual stream,
of what attention and the MLP add, their direct logit attribution to the target token and
the logit lens's top token (the next-token chapter's lens, reused). The page and the CLI
both read this dict, so they show the same numbers. Leaves out drawing and attribution to
input words (see `attribution.py`).
"""

from __future__ import annotations

import numpy as np

from explain.anatomy.diagram import model_shape
from explain.anatomy.dla import Attribution, attribute_logit, target_id, top_token
from explain.anatomy.stream import Stream, norms, record_stream
from explain.core.analysis import analyze
from explain.core.limits import MAX_ANATOMY_TOKENS
from explain.core.loading import LoadedModel
from explain.next_token.logit_lens import lens_grid


class OutOfRange(ValueError):
    """A layer, head, neuron or position outside the model or the text; the message gives the range."""


def check_index(what: str, value: int, count: int) -> int:
    """`value` if 0 <= value < count, else OutOfRange naming the valid range.

    >>> check_index("layer", 3, 30)
    3
    """
    if not 0 <= value < count:
        raise OutOfRange(f"{what} {value} is out of range: valid values are 0..{count - 1}.")
    return value


def resolve_position(stream: Stream, position: int | None) -> int:
    """The chosen position (default: the last token, the one whose next token is predicted)."""
    if position is None:
        return stream.n_tokens - 1
    n = stream.n_tokens
    if not 0 <= position < n:
        raise OutOfRange(f"position {position} is out of range: the text has {n} tokens, so 0..{n - 1}.")
    return position


def resolve_target(lm: LoadedModel, stream: Stream, position: int, token: str | None) -> int:
    """The id of `token` (one token exactly), or the model's top prediction when None."""
    return top_token(lm, stream, position) if token is None else target_id(lm, token)


def lens_row(lm: LoadedModel, text: str, position: int) -> list[dict]:
    """The logit lens at `position`: per layer (after it), the top token and its probability (kept per text)."""
    return lm.results.get_or_compute(("anatomy_lens", text, position), lambda: _lens_row(lm, text, position))


def _lens_row(lm: LoadedModel, text: str, position: int) -> list[dict]:
    analysis = analyze(lm, text, limit=MAX_ANATOMY_TOKENS)
    grid = lens_grid(lm, analysis.hidden_states[:, : position + 1], analysis.tokens[: position + 1], max_positions=1)
    rows = range(1, len(grid.top_tokens))  # row 0 is the embedding; row n is after layer n - 1
    return [{"token": grid.top_tokens[n][0], "prob": float(grid.top_probs[n, 0])} for n in rows]


def _layers(size: dict, dla: Attribution, lens: list[dict]) -> list[dict]:
    return [
        {
            "layer": n,
            "resid_norm": float(size["resid"][n]),
            "attn_norm": float(size["attn"][n]),
            "mlp_norm": float(size["mlp"][n]),
            "dla_attn": float(dla.attn[n]),
            "dla_mlp": float(dla.mlp[n]),
            "lens_top": lens[n],
        }
        for n in range(len(dla.attn))
    ]


def anatomy_report(lm: LoadedModel, text: str, position: int | None = None, target: str | None = None) -> dict:
    """Everything `anatomy --json` prints, for `text` at `position` (default last) and `target` (default top)."""
    stream = record_stream(lm, text)
    position = resolve_position(stream, position)
    dla = attribute_logit(lm, stream, position, resolve_target(lm, stream, position, target))
    final = stream.final_pre[position]
    return {
        "model": lm.name,
        "tokens": stream.tokens,
        "truncated": stream.truncated,
        "position": position,
        "config": model_shape(lm).as_config(),
        "embedding_norm": float(np.linalg.norm(stream.embedding[position])),
        "layers": _layers(norms(stream, position), dla, lens_row(lm, text, position)),
        "target": {"token": dla.target, "id": dla.target_id, "logit": dla.logit},
        "dla_embedding": dla.embedding,
        "dla_bias": dla.bias,
        "dla_sum": dla.total,
        "norm_scale": dla.scale,
        "final_norm": float(np.linalg.norm(final)),
        "reconstruction_max_abs": stream.reconstruction_max_abs(),
        "reconstruction_relative": stream.reconstruction_max_abs() / float(np.abs(stream.final_pre).max()),
    }
