"""Training speed of each tiny-GPT preset: our Trainer beside the minimal plain-PyTorch loop in bench/.

For each preset, the same initial weights and the same batches are trained by
`explain.training.trainer.Trainer` (schedule, clipping, NaN guard, callbacks; no
evaluation or samples during the timed steps) and by `bench/reference_train.py`
(forward, loss, backward, AdamW, nothing else), the latter both in float32 and under
bf16 autocast. Ours runs in its default precision ("auto": bf16 autocast where the
device has bf16 units, with `bf16_attention` and bf16 rotary on a CPU: `precision.prepare`), the reference with
the model's defaults ("sdpa" attention, float32 rotary), what a plain PyTorch user gets. Reported per preset:
tokens per second of each loop, model FLOPs utilisation against this machine's
measured matmul FLOP/s in the precision each loop ran in (fp32 and bf16 peaks
measured in the same run) and the ratios ours / reference (>= 1: ours is not slower).
The 1 M and 5 M presets are also timed once with `TrainConfig.compile` (torch.compile; its compile time
is reported beside). Runs alternate, and each loop's best of two is kept, so a noisy neighbour does not
decide a ratio; the load average before and after is recorded beside them.
"""

from __future__ import annotations

import copy
import importlib.util
import time

import torch

from bench import load_average
from explain.core.device import pick_device
from explain.core.paths import PROJECT_ROOT
from explain.training import corpora, precision, tiny_gpt
from explain.training.trainer import TrainConfig, Trainer, get_batch, prepare_data

BATCH = 32
COMPILED_PRESETS = ("small", "medium")  # also timed with TrainConfig.compile (the 1 M and 5 M presets)


def _reference_module():
    spec = importlib.util.spec_from_file_location("reference_train", PROJECT_ROOT / "bench" / "reference_train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ours(model, data, steps: int, device: str, sync, compile: bool = False) -> tuple[float, float]:
    """(tokens per second of Trainer.step over `steps` steps, seconds of the 2 untimed steps before them)."""
    config = TrainConfig(max_steps=steps + 10, batch_size=BATCH, eval_every=10**6, sample_every=0, snapshot_every=0,
                         seed=0, device=device, compile=compile)  # fmt: skip
    trainer = Trainer(model, data, config)
    start = time.perf_counter()
    trainer.step(), trainer.step()  # untimed warm-up (the first also evaluates once; compiles when asked)
    sync(device)
    warmup = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(steps):
        trainer.step()
    sync(device)
    return steps * BATCH * trainer.block_size / (time.perf_counter() - start), warmup


def _preset(name: str, steps: int, data, device: str, ref, peaks: dict) -> dict:
    cfg = tiny_gpt.preset(name)
    base = tiny_gpt.build_model(cfg, data.vocab_size, seed=0).to(device)
    gen = torch.Generator().manual_seed(0)  # the same draws as the Trainer's batch generator (seed 0)
    batches = [get_batch(data.train_ids, BATCH, cfg.block_size, gen) for _ in range(steps + 2)]
    batches = [(x.to(device), y.to(device)) for x, y in batches]
    runs: dict[str, list[float]] = {"ours": [], "fp32": [], "bf16": []}
    for _ in range(2):
        runs["fp32"].append(ref.train_reference(copy.deepcopy(base), batches)["tokens_per_s"])
        runs["bf16"].append(ref.train_reference(copy.deepcopy(base), batches, bf16=True)["tokens_per_s"])
        runs["ours"].append(_ours(copy.deepcopy(base), data, steps, device, ref.sync)[0])
    params = tiny_gpt.count_parameters(base)
    flops = tiny_gpt.flops_per_token(cfg, params, data.vocab_size, cfg.block_size)
    ours, fp32, bf16 = (max(runs[k]) for k in ("ours", "fp32", "bf16"))
    compiled = {}
    if name in COMPILED_PRESETS:  # once: compiling takes ~25 s on 2 cores
        speed, warmup = _ours(copy.deepcopy(base), data, steps, device, ref.sync, compile=True)
        compiled = {"ours_compiled_tokens_per_s": round(speed, 1), "compile_and_first_steps_s": round(warmup, 1),
                    "ratio_compiled_over_reference_fp32": round(speed / fp32, 3),
                    "ratio_compiled_over_reference_bf16": round(speed / bf16, 3)}  # fmt: skip
    ours_precision = precision.resolve(device, "auto", params)
    ours_peak = peaks[ours_precision]
    return {
        "params": params,
        "batch": [BATCH, cfg.block_size],
        "ours_precision": ours_precision,
        "ours_tokens_per_s": round(ours, 1),
        "reference_fp32_tokens_per_s": round(fp32, 1),
        "reference_bf16_tokens_per_s": round(bf16, 1),
        "ours_mfu": round(ours * flops / ours_peak, 4),
        "reference_fp32_mfu": round(fp32 * flops / peaks["fp32"], 4),
        "reference_bf16_mfu": round(bf16 * flops / peaks["bf16"], 4),
        "ratio_ours_over_reference_fp32": round(ours / fp32, 3),
        "ratio_ours_over_reference_bf16": round(ours / bf16, 3),
        **compiled,
    }


def run(quick: bool) -> dict:
    device = pick_device()
    ref = _reference_module()
    peaks = {"fp32": ref.matmul_flops(device), "bf16": ref.matmul_flops(device, dtype=torch.bfloat16)}
    data = prepare_data(corpora.load_corpus("pizza"))
    steps = 4 if quick else 30
    out = {"device": device, "threads": torch.get_num_threads(), "timed_steps": steps,
           "matmul_gflops_fp32": round(peaks["fp32"] / 1e9, 1), "matmul_gflops_bf16": round(peaks["bf16"] / 1e9, 1),
           "loadavg_before": load_average()}  # fmt: skip
    for name in tiny_gpt.PRESETS:
        out[name] = _preset(name, steps, data, device, ref, peaks)
    out["loadavg_after"] = load_average()
    return out
