"""Self-supervision: any text is its own training data, as (context -> next token) pairs.

Pre-training needs no labels because the label of every position is simply the next token of the
text itself: the input is tokens 0..T-2, the target is the same text shifted by one, tokens 1..T-1.
For each pair the real model's loss is -log p(target | context) in nats; their mean is the loss a
pre-training step would minimise on this text (equal to Hugging Face's `labels=input_ids` loss,
tested). Leaves out the gradient step itself (see the training chapter) and batching many texts.
"""

from __future__ import annotations

from explain.core.analysis import analyze
from explain.core.limits import SELFSUP_MAX_TOKENS
from explain.core.loading import LoadedModel


def training_pairs(lm: LoadedModel, text: str, max_tokens: int = SELFSUP_MAX_TOKENS) -> dict:
    """{"tokens", "rows": [{"position", "context", "target", "loss"}], "mean_loss", "truncated"} from one pass.

    Row i: the model has read tokens 0..i (`context`, the last few shown) and must predict token i+1
    (`target`); `loss` = -log p(target | context). "the cat sat" -> ("the" -> " cat"), ("the cat" -> " sat").
    """
    result = analyze(lm, text, max_tokens)
    rows = []
    for i, logp in enumerate(result.token_logprobs.tolist()):
        rows.append(
            {
                "position": i + 1,
                "context": ("…" if i > 5 else "") + "".join(result.tokens[max(0, i - 5) : i + 1]),
                "target": result.tokens[i + 1],
                "loss": -logp,
            }
        )
    mean = sum(r["loss"] for r in rows) / len(rows) if rows else float("nan")
    return {"tokens": result.tokens, "rows": rows, "mean_loss": mean, "truncated": result.truncated}
