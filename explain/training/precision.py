"""Mixed precision for training: the forward pass under bf16 autocast, float32 master weights.

`torch.autocast` runs the matrix multiplications of the forward pass (and so of its backward) in
bfloat16, where the hardware has bf16 matrix units (this CPU's AMX / AVX512-BF16, any recent GPU),
while the weights, their gradients and AdamW's moments stay float32: small updates are not rounded
away, and a seeded run's loss curve follows the float32 one within noise (tests/training/
test_precision.py). The loss itself is computed in float32. "auto" picks bf16 only where the device
does it natively (elsewhere autocast would emulate bf16 and be slower than float32) and, on a CPU,
only for models from CPU_BF16_MIN_PARAMS up (measured below that: slower than float32).

`TrainConfig.compile` runs the training steps through `torch.compile` (the same parameters; evaluation and
samples stay eager). Measured on 2 cores with the minimal loop (bench/reference_train.py, 30 steps of 32 x 128
tokens): the 1 M preset 12,905 -> 19,928 tokens/s in float32 (1.54x) after 25 s of compiling; the 5 M preset
4,173 -> 4,910 in float32 (1.18x) and 5,000 -> 5,395 under bf16 autocast (1.08x), after 24-30 s.
With the faster bf16 steps below, the bench (2026-11-30, load 1.0-1.6, inductor's cache warm: 5-6 s to compile
and take the first steps) gave 25,927 tokens/s compiled against 15,956 eager for the 1 M preset and 8,941 against
6,933 for the 5 M one (1.93x the minimal fp32 loop both). Compiling pays back after about 500 steps of the 1 M
preset when the cache is cold (~25 s), so the CLI offers it (`train --compile`) and the page does not: the
compiler holds the interpreter for those 25 s, which a class's sessions on the same server would feel.
Faster bf16 steps on a CPU (`prepare`, called by the Trainer): the time of a step was not in its matmuls.
(1) Matmul-softmax-matmul attention (`train_attention`, the textbook formula; since 2026-11-30 the project's own
`training/bf16_attention.py`, eager's with the scale and causal mask fused into the matmul) instead of "sdpa", whose
CPU flash kernel is slow in bf16 at these shapes (T = 128, head size 16 or 32), its backward above all: ~200 ms a
call in a profiled 5 M step; attention alone, fwd + bwd, one thread, (32, 8, 128, 32): flash 93 ms, eager 29 ms.
In float32 flash is as fast as eager, so fp32 steps keep the model's own. (2) The rotary cos / sin in bf16
(`bf16_rotary`): float32 ones promote q and k to float32 and cast them back for every attention matmul.
Both change rounding only: seeded losses follow the steps they replaced within bf16 noise (tests/training/
test_precision.py). The minimal reference loop (bench/reference_train.py) keeps the model's default, "sdpa",
and float32 rotary (what a plain PyTorch user gets), so the bench's ratios include these choices. Trainer.step,
2 cores, same batches, median step (load 1.2-1.6): 1 M 200 ms fp32 (minimal loop) -> 128 ms (ours, bf16
with both; the minimal bf16 loop 213 ms, with eager attention alone 136-141 ms); 5 M (load 1.4-1.8, best step)
842-914 ms fp32 (minimal) -> 385-387 ms (minimal bf16 851-1,024 ms, eager alone 525-565 ms). Bench training
section (load 1.2-1.7): 1 M 1.49x the fp32 loop, 1.65x the bf16 one; 5 M 1.93x and 1.52x (before, the same
day: 0.85x / 1.00x and 1.12x / 0.87x); a quiet run the next morning gave 1.43x / 1.57x and 2.04x / 1.64x, then
with `bf16_attention` 1.57x / 1.72x and 2.17x / 1.73x. Measured and not adopted: AdamW `fused=True`
or `foreach=True` and a foreach gradient clip (no faster: the optimiser is ~3 % of a step), the project's
float32 attention (core/attention_fp32.py; 5 M bf16 step 1,928 ms of CPU against eager's 846), a bool-mask or
bf16-mask attention (no faster than eager's additive mask).
Leaves out float16 (it needs loss scaling) and the training loop (see `training/trainer.py`).
"""

from __future__ import annotations

import contextlib

import torch

from explain.core.device import cpu_has_native_bf16
from explain.training import bf16_attention

PRECISIONS = ("auto", "fp32", "bf16")
# "auto" uses bf16 on a CPU only from this many parameters: autocast re-casts every weight each step, which
# small matrices never pay back. Measured with `prepare`'s steps (same batches, bf16 over fp32 speed): tiny 0.2 M
# ~1.0x (1 thread), small 1 M 1.5-1.6x, medium 5 M ~2x (2 cores). (With sdpa: 0.25x, 0.81x, 1.34x.)
CPU_BF16_MIN_PARAMS = 500_000
CPU_BF16_TRAIN_ATTENTION = bf16_attention.ATTENTION  # attention of the Trainer's bf16 steps on a CPU (docstring)


def resolve(device: str, precision: str = "auto", params: int | None = None) -> str:
    """The precision ("bf16" or "fp32") of a run on `device` of a model with `params` parameters (None:
    large enough); ValueError naming the choices for anything else.

    >>> resolve("mps", "auto")
    'fp32'
    """
    if precision not in PRECISIONS:
        raise ValueError(f"Unknown precision '{precision}'; choose one of: {', '.join(PRECISIONS)}.")
    if precision != "auto":
        return precision
    if device == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    big = params is None or params >= CPU_BF16_MIN_PARAMS
    return "bf16" if device == "cpu" and cpu_has_native_bf16() and big else "fp32"


def train_attention(device: str, precision: str, current: str) -> str:
    """The attention implementation for training steps in `precision` on `device`, for a model now using `current`.

    >>> train_attention("cpu", "bf16", "sdpa"), train_attention("cpu", "fp32", "sdpa")
    ('explain_bf16_train', 'sdpa')
    """
    return CPU_BF16_TRAIN_ATTENTION if device == "cpu" and precision == "bf16" else current


def _rotary_in_autocast_dtype(_module, _inputs, output):
    """Forward hook on a rotary-embedding module: its (cos, sin) in autocast's dtype while autocast is on."""
    if torch.is_autocast_enabled("cpu"):
        dtype = torch.get_autocast_dtype("cpu")
        return tuple(t.to(dtype) for t in output)
    return None


def bf16_rotary(model: torch.nn.Module) -> int:
    """Make `model`'s rotary cos / sin (B, T, head size) bfloat16 under CPU autocast; returns modules hooked.

    Without it they are float32 (the residual stream's dtype), so q and k, bf16 out of their projections,
    are promoted to float32 by the rotation and cast back for the attention matmul, forward and backward.
    Hooks each rotary module once, however often it is called.
    """
    hooked = 0
    for name, module in model.named_modules():
        if name.endswith("rotary_emb") and not getattr(module, "_explain_bf16_rotary", False):
            module.register_forward_hook(_rotary_in_autocast_dtype)
            module._explain_bf16_rotary = True
            hooked += 1
    return hooked


def prepare(model: torch.nn.Module, device: str, precision: str) -> None:
    """Set `model` up for fast training steps in `precision` on `device` (bf16 on a CPU: `bf16_attention`,
    bf16 rotary): the same maths up to bf16 rounding; evaluation and samples (float32, outside autocast) keep
    the same attention function, which is then eager's float32 formula."""
    attention = train_attention(device, precision, model.config._attn_implementation)
    if attention == bf16_attention.ATTENTION:
        bf16_attention.register_bf16_train()
    model.set_attn_implementation(attention)
    if device == "cpu" and precision == "bf16":
        bf16_rotary(model)


def autocast(device: str, precision: str):
    """The context for a forward pass: bf16 autocast on `device` for "bf16", nothing for "fp32"."""
    if precision == "bf16":
        return torch.autocast(device_type=device, dtype=torch.bfloat16)
    return contextlib.nullcontext()
