"""The forward pass of the loaded causal LM as a list of stages, read from its config and modules.

token ids → embedding → N × [norm → attention → add → norm → MLP → add] → final norm →
unembedding → softmax, each stage with the shape of the tensor it produces. Nothing is
hard-coded for SmolLM2: layer count, heads, widths, the kind of norm, activation,
positions and tied weights are read from the model. Covers Llama-style decoders (the
modules `model.model.layers[i].self_attn / .mlp`); `UnsupportedModel` says so for others.
Leaves out live values (see `stream.py`) and drawing (see `figures.py`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from explain.core.loading import LoadedModel


class UnsupportedModel(ValueError):
    """A model this chapter cannot take apart; the message names what it supports."""


@dataclass
class Parts:
    embed: Any  # the embedding lookup module
    layers: list  # the decoder blocks, each with .self_attn and .mlp
    norm: Any  # the final norm
    head: Any  # the unembedding (LM head)


@dataclass
class ModelShape:
    layers: int  # decoder blocks (30 in SmolLM2)
    heads: int  # query heads per layer (9)
    kv_heads: int  # key/value heads shared by groups of query heads (3: grouped-query attention)
    head_size: int  # width of one head (64)
    hidden: int  # width of the residual stream (576)
    mlp_hidden: int  # width inside the MLP (1536)
    vocab: int  # tokens the model scores (49,152)
    norm: str  # "RMSNorm" or "LayerNorm"
    activation: str  # "SwiGLU" (gated SiLU), "GeGLU", or a plain activation name such as "gelu"
    positions: str  # "rotary" (inside attention) or "learned" (added to the embedding)
    tied: bool  # True when the unembedding reuses the embedding matrix

    def as_config(self) -> dict:
        """The `config` object of `anatomy --json`."""
        data = asdict(self)
        data.pop("head_size")
        return data


def decoder_parts(lm: LoadedModel) -> Parts:
    """The real modules of a Llama-style decoder, or UnsupportedModel."""
    inner = getattr(lm.model, "model", None)
    layers = getattr(inner, "layers", None)
    ok = layers is not None and all(hasattr(b, "self_attn") and hasattr(b, "mlp") for b in layers)
    if lm.kind != "causal-lm" or not ok or not hasattr(inner, "norm"):
        raise UnsupportedModel(
            f"The anatomy chapter takes apart Llama-style causal LMs (SmolLM2 and the app's trained models); "
            f"'{lm.name}' is not one."
        )
    return Parts(inner.embed_tokens, list(layers), inner.norm, lm.model.get_output_embeddings())


def _activation(cfg, mlp) -> str:
    act = str(getattr(cfg, "hidden_act", "?"))
    if hasattr(mlp, "gate_proj"):
        return {"silu": "SwiGLU", "gelu": "GeGLU"}.get(act, f"gated {act}")
    return act


def model_shape(lm: LoadedModel) -> ModelShape:
    """The shape of the loaded model, read from its config and modules."""
    parts = decoder_parts(lm)
    cfg = lm.config
    heads = cfg.num_attention_heads
    norm_name = type(parts.layers[0].input_layernorm).__name__
    tied = parts.head.weight.data_ptr() == parts.embed.weight.data_ptr()
    return ModelShape(
        layers=len(parts.layers),
        heads=heads,
        kv_heads=getattr(cfg, "num_key_value_heads", None) or heads,
        head_size=getattr(cfg, "head_dim", None) or cfg.hidden_size // heads,
        hidden=cfg.hidden_size,
        mlp_hidden=cfg.intermediate_size,
        vocab=cfg.vocab_size,
        norm="RMSNorm" if "RMS" in norm_name else "LayerNorm",
        activation=_activation(cfg, parts.layers[0].mlp),
        positions="rotary" if hasattr(lm.model.model, "rotary_emb") else "learned",
        tied=bool(tied),
    )


@dataclass
class Stage:
    key: str  # names the stage in assets/i18n/anatomy.json ("stage_<key>") and in the page's selector
    shape: tuple  # the tensor the stage outputs, e.g. ("T", 576); "T" is the number of tokens
    in_block: bool  # True for the stages repeated in each of the N blocks


def stages(shape: ModelShape) -> list[Stage]:
    """The forward pass, stage by stage, with output shapes.

    >>> [s.key for s in stages(ModelShape(2, 4, 2, 8, 32, 64, 100, "RMSNorm", "SwiGLU", "rotary", True))][:3]
    ['ids', 'embed', 'norm1']
    """
    d, v = shape.hidden, shape.vocab
    block = [
        Stage("norm1", ("T", d), True),
        Stage("attn", ("T", d), True),
        Stage("add1", ("T", d), True),
        Stage("norm2", ("T", d), True),
        Stage("mlp", ("T", d), True),
        Stage("add2", ("T", d), True),
    ]
    return [
        Stage("ids", ("T",), False),
        Stage("embed", ("T", d), False),
        *block,
        Stage("final_norm", ("T", d), False),
        Stage("unembed", ("T", v), False),
        Stage("softmax", ("T", v), False),
    ]
