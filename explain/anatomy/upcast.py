"""Float32 arithmetic on the shared model's own low-precision weights, with no float32 copy of the model.

The anatomy chapter checks its sums to float32 rounding (the stream's parts add up to 1e-4, the
logit's shares to 1e-3, integrated gradients' completeness), so it computes in float32. The app's
shared model is usually bfloat16 ("auto" on a CPU with native bf16): a second, float32 copy of
SmolLM2 cost ~520 MB resident for the process's lifetime. Upcasting bf16 → float32 is exact, so a
float32 model with the *same* weights needs no copy, only float32 arithmetic: `float32_view(lm)`
returns a LoadedModel whose module tree is a *twin* of the shared one.

How the twin is made: `copy.deepcopy` of the module tree with every parameter and buffer mapped to
itself (no tensor is copied), inside the shared model's lock (hooks exist on it only there, so none
is copied; transformers' own output-capturing hooks are installed again on the twin's first pass), then
- each `nn.Linear` becomes `UpcastLinear`: it keeps the shared weight (same storage) and, when it
  runs, upcasts it into one float32 buffer per thread (MAX_UPCAST_ELEMENTS: 16 MB), a piece of rows
  at a time (the tied 49,152 x 576 head: 7 pieces, never one 113 MB copy), multiplying piece by piece;
- each `nn.Embedding` becomes `UpcastEmbedding`: bf16 rows looked up, then upcast (exact);
- every other floating parameter or buffer not in float32 (the RMSNorm gains: 61 x 576) is copied
  to float32 (140 KB; the rotary tables are float32 already and stay shared).
Transformers' own forward code then runs in float32 (activations, norms, `core/attention_fp32.py`),
so the twin computes what a float32 model with the same bf16-rounded weights computes
(tests/anatomy/test_upcast.py compares both). Gradients (Captum): `UpcastLinear`'s backward upcasts
the weight again instead of keeping the float32 copy for later, so integrated gradients hold no
float32 weights between forward and backward, only activations.

Rejected: casting the shared model in place for the anatomy pass (other sessions' analyses,
generation and attention views run on it at the same time, not all under its lock); float32
copies of one decoder layer at a time made by hooks (the same forward memory, but autograd keeps
each layer's copy until the backward pass: a whole float32 model during integrated gradients); a
meta-device skeleton (the same twin, with the config and rotary tables rebuilt by hand).
Measured in a child process after loading the shared bf16 model (2 cores shared, load ~2.9): a first
anatomy report added 39 MB (a float32 copy: 563 MB), 32-step integrated gradients peaked 87 MB above
that (the same as on the copy); the cost is time, every pass upcasting the weights it uses again:
a first report 0.78 s instead of 0.53 s, integrated gradients 2.1 s either way, the head sweep 3.7 s
instead of 3.4 s. Leaves out float32 models (returned as they are) and generation (no KV cache here).
"""

from __future__ import annotations

import copy
import threading
import time
import weakref
from collections.abc import Iterator

import torch
from torch import nn
from torch.nn import functional as F

from explain.core.limits import MAX_UPCAST_ELEMENTS
from explain.core.loading import LoadedModel

_VIEWS: dict[int, LoadedModel] = {}  # id(shared LoadedModel) -> its float32 view, dropped with it
_BUILDING = threading.Lock()
_SCRATCH = threading.local()  # each thread's float32 buffer for one piece of weights (MAX_UPCAST_ELEMENTS)


def _float32(weight: torch.Tensor) -> torch.Tensor:
    """`weight` (at most MAX_UPCAST_ELEMENTS) upcast into this thread's scratch buffer, valid until its next use.

    One buffer per thread instead of a new tensor per layer: freeing megabytes per layer and pass made
    the C allocator keep ~250 MB of freed memory resident during integrated gradients (measured).
    """
    if weight.dtype == torch.float32 or weight.numel() > MAX_UPCAST_ELEMENTS:
        return weight.float()
    buffer = getattr(_SCRATCH, "buffer", None)
    if buffer is None or buffer.device != weight.device:
        with torch.inference_mode(False):  # a normal tensor: an inference one could not be written outside that mode
            buffer = torch.empty(MAX_UPCAST_ELEMENTS, dtype=torch.float32, device=weight.device)
        _SCRATCH.buffer = buffer
    return buffer[: weight.numel()].view(weight.shape).copy_(weight)


def _rows(weight: torch.Tensor) -> int:
    """Rows of `weight` upcast at once: MAX_UPCAST_ELEMENTS // width (the head: 4,194,304 // 576 = 7,281)."""
    return max(1, MAX_UPCAST_ELEMENTS // weight.shape[1])


def _float32_pieces(weight: torch.Tensor) -> Iterator[tuple[slice, torch.Tensor]]:
    """(rows, those rows of `weight` in float32) a piece at a time; each piece is valid until the next."""
    step = _rows(weight)
    for start in range(0, weight.shape[0], step):
        rows = slice(start, start + step)
        yield rows, _float32(weight[rows])


@torch.no_grad()
def upcast_linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """x (..., in) float32 @ weight (out, in).float().T (+ bias): (..., out), upcasting a piece of rows at a time.

    Not differentiable by itself (the scratch buffer is overwritten): `UpcastLinear` gives the gradient.
    """
    if weight.shape[0] <= _rows(weight):
        return F.linear(x, _float32(weight), None if bias is None else bias.float())
    out = x.new_empty(*x.shape[:-1], weight.shape[0])
    for rows, piece in _float32_pieces(weight):
        out[..., rows] = F.linear(x, piece, None if bias is None else bias[rows].float())
    return out


def mean_row(table: torch.Tensor) -> torch.Tensor:
    """(D,) the float32 mean of the rows of `table` (V, D), upcasting a piece of rows at a time."""
    total = sum(piece.sum(0) for _, piece in _float32_pieces(table))
    return total / table.shape[0]


class _Upcast(torch.autograd.Function):
    """A linear map whose backward upcasts the weight again rather than keeping the float32 copy alive."""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(weight)  # the shared low-precision tensor: nothing new is kept
        return upcast_linear(x, weight, bias)

    @staticmethod
    def backward(ctx, grad):  # (..., out) -> (..., in); the weights never need a gradient
        (weight,) = ctx.saved_tensors
        total = None
        for rows, piece in _float32_pieces(weight):
            part = grad[..., rows] @ piece
            total = part if total is None else total + part
        return total, None, None


class UpcastLinear(nn.Module):
    """An `nn.Linear` computed in float32 from another module's weight (shared, never copied whole)."""

    def __init__(self, source: nn.Linear) -> None:
        super().__init__()
        self.in_features, self.out_features = source.in_features, source.out_features
        self.weight = source.weight.detach()  # a plain attribute, not a parameter: the same storage
        self.bias = None if source.bias is None else source.bias.detach()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _Upcast.apply(x, self.weight, self.bias)


class UpcastEmbedding(nn.Module):
    """An `nn.Embedding` whose looked-up rows are upcast to float32 (exact)."""

    def __init__(self, source: nn.Embedding) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = source.num_embeddings, source.embedding_dim
        self.padding_idx = source.padding_idx
        self.weight = source.weight.detach()  # (V, D) shared

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return F.embedding(ids, self.weight, self.padding_idx).float()  # (..., D)


def _swap_modules(twin: nn.Module) -> None:
    for name, module in list(twin.named_modules()):
        if isinstance(module, nn.Linear | nn.Embedding):
            parent, _, leaf = name.rpartition(".")
            swapped = UpcastLinear(module) if isinstance(module, nn.Linear) else UpcastEmbedding(module)
            setattr(twin.get_submodule(parent), leaf, swapped)


def _float_rest(twin: nn.Module) -> None:
    """Float32 copies of the parameters and buffers still in low precision (norm gains); no hook copied."""
    for module in twin.modules():
        for table in (module._parameters, module._buffers):
            for key, value in table.items():
                if value is not None and value.is_floating_point() and value.dtype != torch.float32:
                    copied = value.detach().float()
                    table[key] = nn.Parameter(copied, requires_grad=False) if table is module._parameters else copied
        for hooks in (module._forward_hooks, module._forward_pre_hooks, module._backward_hooks):
            hooks.clear()  # transformers' own output-capturing hooks are installed again on the first pass:
        module.__dict__.pop("_output_capturing_hooks_installed", None)  # they are what returns `attentions`


def float32_twin(model: nn.Module) -> nn.Module:
    """A module tree computing `model`'s forward pass in float32 on `model`'s own weights (see the docstring)."""
    shared = {id(t): t for t in [*model.parameters(), *model.buffers()]}
    twin = copy.deepcopy(model, shared)
    _swap_modules(twin)
    _float_rest(twin)
    for config in (twin.config, getattr(twin, "generation_config", None)):
        if config is not None and hasattr(config, "dtype"):
            config.dtype = torch.float32
    return twin.eval()


def float32_view(lm: LoadedModel) -> LoadedModel:
    """`lm` itself when it is float32; else its float32 view, made once and kept as long as `lm` lives.

    The view has its own lock, results and queue: its hooks sit on its own modules, so the shared
    model's other users never run them.
    """
    if lm.dtype == torch.float32:
        return lm
    with _BUILDING:
        view = _VIEWS.get(id(lm))
        if view is None:
            start = time.perf_counter()
            with lm.lock:  # hooks on the shared model exist only inside its lock: none is copied
                twin = float32_twin(lm.model)
            seconds = time.perf_counter() - start
            source = f"{lm.source} (read in float32, {lm.dtype_name} weights shared)"
            view = LoadedModel(lm.name, lm.kind, twin, lm.tokenizer, lm.device, torch.float32, seconds, source)
            _VIEWS[id(lm)] = view
            weakref.finalize(lm, _VIEWS.pop, id(lm), None)
    return view
