"""A tiny mixture-of-experts language model and its dense twin, both built from `transformers` configs.

The MoE model is a real `MixtralForCausalLM`: in every layer a router (a linear layer, one
score per expert) sends *each token* to its top-k of E expert MLPs (SwiGLU, like the tiny
GPT's), and the token's output is the router-weighted sum of those k experts. The experts
are parts of one model, trained together; no expert is a separate model that "answers".
The dense twin is a `MistralForCausalLM` (Mixtral is Mistral with each MLP replaced by E
experts) whose one MLP is k times an expert's width, so each token passes through as many
weights in both: the same *active* parameters (the MoE adds only its router, E x width per layer).

Mixtral's own load-balancing loss (Switch Transformer, eq. 4-6: E x sum over experts of
(share of tokens sent there) x (mean router probability there), which is k when perfectly
balanced) is added to the gradient by `add_balancing_loss`, while the trainer keeps
reporting the plain next-token loss, so the MoE and dense curves compare.

    >>> cfg = MoEConfig(n_experts=4, top_k=2)
    >>> moe, dense = build_moe(cfg, vocab_size=60), build_dense(cfg, vocab_size=60)
    >>> count_active(moe) - count_active(dense) == cfg.n_layer * cfg.n_experts * cfg.n_embd
    True

Leaves out training (the shared `training/trainer.py`), reading the router (see
`training/routing.py`) and the paired run (see `training/moe_run.py`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch

from explain.core.limits import MOE_EXPERTS_RANGE
from explain.training.tiny_gpt import INIT_STD, init_weights

AUX_CHOICES = (0.0, 0.01, 0.1)  # load-balancing coefficients the page offers (Switch Transformer used 0.01)


@dataclass(frozen=True)
class MoEConfig:
    n_experts: int = 4  # E: expert MLPs in every layer
    top_k: int = 2  # k: experts each token is sent to, per layer
    n_layer: int = 2  # transformer blocks
    n_head: int = 4  # attention heads per block
    n_embd: int = 64  # width of the residual stream
    expert_width: int = 128  # hidden width of one expert's MLP; the dense twin's is top_k x this
    block_size: int = 64  # context length in tokens
    aux_coef: float = 0.01  # weight of the load-balancing loss in the gradient (0 turns it off)

    def problems(self) -> list[str]:
        """What is out of bounds, in words a user can act on; [] when the config is fine."""
        low, high = MOE_EXPERTS_RANGE
        found = []
        if not low <= self.n_experts <= high:
            found.append(f"experts must be between {low} and {high}, got {self.n_experts}")
        if not 1 <= self.top_k <= self.n_experts:
            found.append(f"top-k must be between 1 and the number of experts ({self.n_experts}), got {self.top_k}")
        if self.n_embd % (2 * self.n_head):
            found.append(f"width ({self.n_embd}) must be a multiple of 2 x heads ({2 * self.n_head})")
        return found

    def as_dict(self) -> dict:
        return asdict(self)


def _common(cfg: MoEConfig, vocab_size: int) -> dict:
    return dict(
        vocab_size=vocab_size, hidden_size=cfg.n_embd, num_hidden_layers=cfg.n_layer,
        num_attention_heads=cfg.n_head, num_key_value_heads=cfg.n_head, max_position_embeddings=cfg.block_size,
        tie_word_embeddings=True, initializer_range=INIT_STD, bos_token_id=None, eos_token_id=None,
        pad_token_id=None,
    )  # fmt: skip


def _seeded(build, seed: int) -> Any:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = build()
        init_weights(model)
        for name, param in model.named_parameters():  # Mixtral's 3-D expert weights and the router
            if "experts" in name or "gate.weight" in name:
                torch.nn.init.normal_(param, mean=0.0, std=INIT_STD)
    return model


def check(cfg: MoEConfig) -> None:
    problems = cfg.problems()
    if problems:
        raise ValueError("; ".join(problems))


def build_moe(cfg: MoEConfig, vocab_size: int, seed: int = 0, attn: str = "sdpa") -> Any:
    """A freshly initialised `MixtralForCausalLM` (E experts, top-k) that always returns its router logits."""
    from transformers import MixtralConfig, MixtralForCausalLM

    check(cfg)
    config = MixtralConfig(
        **_common(cfg, vocab_size), intermediate_size=cfg.expert_width, num_local_experts=cfg.n_experts,
        num_experts_per_tok=cfg.top_k, output_router_logits=True, router_aux_loss_coef=cfg.aux_coef,
    )  # fmt: skip
    config._attn_implementation = attn
    return _seeded(lambda: MixtralForCausalLM(config), seed)


def build_dense(cfg: MoEConfig, vocab_size: int, seed: int = 0, attn: str = "sdpa") -> Any:
    """The dense twin: a `MistralForCausalLM` whose MLP is top_k x expert_width wide (same active parameters)."""
    from transformers import MistralConfig, MistralForCausalLM

    check(cfg)
    config = MistralConfig(**_common(cfg, vocab_size), intermediate_size=cfg.top_k * cfg.expert_width)
    config._attn_implementation = attn
    return _seeded(lambda: MistralForCausalLM(config), seed)


def count_total(model: torch.nn.Module) -> int:
    """Every parameter (a tied embedding counts once)."""
    return sum(p.numel() for p in model.parameters())


def count_active(model: torch.nn.Module) -> int:
    """Parameters one token passes through: all of them, less the experts it is not sent to (E - k per layer).

    A dense model's active parameters are all of its parameters.
    """
    c = model.config
    n_experts = getattr(c, "num_local_experts", 0)
    if not n_experts:
        return count_total(model)
    per_expert = 3 * c.hidden_size * c.intermediate_size  # gate, up and down projections of one SwiGLU MLP
    return count_total(model) - c.num_hidden_layers * (n_experts - c.num_experts_per_tok) * per_expert


class _AddToGradient(torch.autograd.Function):
    """Returns `x` unchanged; in the backward pass also sends a gradient of 1 to `extra` (a scalar loss)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, extra: torch.Tensor) -> torch.Tensor:
        ctx.extra_dtype = extra.dtype
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        return grad, torch.ones((), dtype=ctx.extra_dtype, device=grad.device)


def add_balancing_loss(model: Any, listener=None) -> Any:
    """Hook `model` (a Mixtral built here) so that training also minimises coef x its load-balancing loss.

    The hook leaves the logits' values alone (the reported loss stays the next-token loss)
    and calls `listener(router_logits, aux_loss)` after each forward pass in training mode,
    router_logits being one (B*T, E) tensor per layer. Returns the hook's handle.
    """
    coef = model.config.router_aux_loss_coef

    def hook(module, _args, output):
        if not module.training:
            return output
        if listener is not None:
            listener(output.router_logits, output.aux_loss)
        if coef > 0 and torch.is_grad_enabled():
            output.logits = _AddToGradient.apply(output.logits, coef * output.aux_loss)
        return output

    return model.register_forward_hook(hook)
